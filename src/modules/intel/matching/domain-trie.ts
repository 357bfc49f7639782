import { ABSENT, ByteKeyTable } from './byte-table.js'

// Domain names by reversed labels (`evil.example` is example -> evil). Each node holds two values:
// one for the name itself (exact names, and suffix rules that include it) and one for every name
// strictly below it (suffix rules). A rule on evil.example so matches a.evil.example and
// b.a.evil.example — never notevil.example, which shares characters, not labels.
// Exact names live here too, so that one walk over a candidate's labels, right to left in the log's
// own bytes, answers both questions; the walk stops at the first label no indicator has (for most
// names in a log: the second from the right).

export class DomainTrie {
  /** (parent node, label) -> child node; node 0 is the root. */
  private readonly edges = new ByteKeyTable()
  private nodes = 1
  private apex: Int32Array = new Int32Array(1024).fill(ABSENT)
  private below: Int32Array = new Int32Array(1024).fill(ABSENT)

  get bytes(): number {
    return this.edges.bytes + this.apex.byteLength + this.below.byteLength
  }

  /**
   * Adds `value` for `domain` (lower case, ASCII, no trailing dot): on the name itself (`apex`),
   * on the names below it (`below`), or both. `combine(old)` decides when a value is already there.
   */
  add(domain: string, value: number, where: { apex: boolean; below: boolean }, combine: (old: number) => number): void {
    const node = this.nodeOf(domain)
    if (where.apex) this.apex[node] = this.apex[node] === ABSENT ? value : combine(this.apex[node]!)
    if (where.below) this.below[node] = this.below[node] === ABSENT ? value : combine(this.below[node]!)
  }

  /** Gives back spare capacity once everything is added. */
  compact(): void {
    this.edges.compact()
    this.apex = this.apex.slice(0, Math.max(this.nodes, 1))
    this.below = this.below.slice(0, Math.max(this.nodes, 1))
  }

  /** Appends to `out` the value of every entry matching the name in bytes [start, end) (any case). */
  lookup(bytes: Uint8Array, start: number, end: number, out: number[]): void {
    let node = 0
    let labelEnd = end
    while (labelEnd > start) {
      let dot = labelEnd - 1
      while (dot >= start && bytes[dot] !== 46) dot--
      const child = this.edges.get(bytes, dot + 1, labelEnd, labelEnd, node)
      if (child === ABSENT) return
      node = child
      labelEnd = dot
      const value = labelEnd < start ? this.apex[node]! : this.below[node]!
      if (value !== ABSENT) out.push(value)
    }
  }

  private nodeOf(domain: string): number {
    let node = 0
    for (const label of domain.split('.').reverse()) {
      let child = this.edges.getKey(label, node)
      if (child === ABSENT) {
        child = this.nodes++
        this.edges.set(label, child, undefined, node)
        while (child >= this.apex.length) {
          this.apex = grow(this.apex)
          this.below = grow(this.below)
        }
      }
      node = child
    }
    return node
  }
}

function grow(array: Int32Array): Int32Array {
  const next = new Int32Array(array.length * 2).fill(ABSENT)
  next.set(array)
  return next
}
