// A binary prefix tree of CIDR blocks: walking an address's bits from the most significant visits
// every block that contains it. Nodes live in typed arrays (two children and a value each), so a
// million blocks cost a few tens of megabytes and no garbage.

const NONE = 0 // node 0 is the root, so 0 never names a child

export class CidrTrie {
  private left: Int32Array
  private right: Int32Array
  /** The value stored at a node (an indicator reference), or -1. */
  private values: Int32Array
  private nodes = 1
  private entries = 0

  constructor(initialNodes = 1024) {
    this.left = new Int32Array(initialNodes)
    this.right = new Int32Array(initialNodes)
    this.values = new Int32Array(initialNodes).fill(-1)
  }

  get size(): number {
    return this.entries
  }

  /**
   * Stores `value` for the block whose first `prefix` bits are given by `bitAt`; returns the value
   * already stored there, if any (the caller keeps several indicators per block), else -1.
   */
  insert(bitAt: (index: number) => number, prefix: number, value: number): number {
    let node = 0
    for (let i = 0; i < prefix; i++) {
      const side = bitAt(i) ? this.right : this.left
      let child = side[node]!
      if (child === NONE) {
        child = this.allocate()
        // allocate() may have replaced the arrays
        ;(bitAt(i) ? this.right : this.left)[node] = child
      }
      node = child
    }
    const previous = this.values[node]!
    this.values[node] = value
    if (previous < 0) this.entries++
    return previous
  }

  /**
   * Appends to `out` the value of every block containing the 32-bit address given as two 16-bit
   * halves (no allocation for the argument), shortest prefix first.
   */
  lookup32(high: number, low: number, out: number[]): void {
    const address = (high << 16) | low // int32; `>>> i` below reads its bits all the same
    let node = 0
    if (this.values[0]! >= 0) out.push(this.values[0]!)
    for (let i = 31; i >= 0; i--) {
      node = (address >>> i) & 1 ? this.right[node]! : this.left[node]!
      if (node === NONE) return
      const value = this.values[node]!
      if (value >= 0) out.push(value)
    }
  }

  /** Appends to `out` the value of every block containing the 128-bit address (four words). */
  lookup128(words: Uint32Array, out: number[]): void {
    let node = 0
    if (this.values[0]! >= 0) out.push(this.values[0]!)
    for (let i = 0; i < 128; i++) {
      node = (words[i >>> 5]! >>> (31 - (i & 31))) & 1 ? this.right[node]! : this.left[node]!
      if (node === NONE) return
      const value = this.values[node]!
      if (value >= 0) out.push(value)
    }
  }

  /** Bytes held by the node arrays. */
  get bytes(): number {
    return this.left.byteLength + this.right.byteLength + this.values.byteLength
  }

  private allocate(): number {
    if (this.nodes === this.left.length) {
      const grown = this.left.length * 2
      this.left = grow(this.left, grown, 0)
      this.right = grow(this.right, grown, 0)
      this.values = grow(this.values, grown, -1)
    }
    return this.nodes++
  }
}

function grow(array: Int32Array, length: number, fill: number): Int32Array {
  const next = new Int32Array(length)
  next.set(array)
  if (fill !== 0) next.fill(fill, array.length)
  return next
}
