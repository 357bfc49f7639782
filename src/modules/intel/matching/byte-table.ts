// Hash tables the matcher probes straight from the bytes of a log, without making a string of every
// candidate: keys live in one byte arena, slots in typed arrays (open addressing, linear probing).
// A lookup may fold ASCII capitals to lower case over a prefix of the key (the whole of a domain
// name or a hash; the scheme and host of a URL).

/** ASCII lower-case of every byte. */
export const LOWER = new Uint8Array(256)
for (let b = 0; b < 256; b++) LOWER[b] = b >= 65 && b <= 90 ? b | 0x20 : b

/**
 * FNV-1a over the bytes (folded before `foldUntil`), finished with murmur3's fmix32 and kept to 30
 * bits: a small integer (Smi) for V8, so that passing it around never allocates.
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number, foldUntil: number, seed: number = FNV_OFFSET): number {
  let h = seed | 0
  const folded = Math.min(foldUntil, end)
  let i = start
  for (; i < folded; i++) h = Math.imul(h ^ LOWER[bytes[i]!]!, 16777619)
  for (; i < end; i++) h = Math.imul(h ^ bytes[i]!, 16777619)
  return fmix30(h)
}

/** murmur3's fmix32, the result kept to 30 bits (a Smi). */
export function fmix30(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) & 0x3fffffff
}

// Seeds as int32 (0x811c9dc5 would be a double): the hash loop then stays in 32-bit integers.
const FNV_OFFSET = 0x811c9dc5 | 0
const seedOf = (tag: number) => (tag === 0 ? FNV_OFFSET : fmix30(tag ^ FNV_OFFSET))

/** No value (a table slot that is free, a key that is absent). */
export const ABSENT = -1

/**
 * (tag, byte string) -> int32 value. The tag is a number that is part of the key: the domain trie
 * keys its edges by (parent node, label); plain sets leave it 0.
 */
export class ByteKeyTable {
  /**
   * @param hashPrefix how many leading bytes the hash reads: random keys (hashes) need few, for a
   *   cheaper lookup; names and URLs share prefixes and are hashed whole.
   */
  constructor(private readonly hashPrefix = 1 << 20) {}

  private arena: Uint8Array = new Uint8Array(1024)
  private arenaUsed = 0
  private offsets: Uint32Array = new Uint32Array(64)
  private lengths: Uint32Array = new Uint32Array(64)
  private hashes: Uint32Array = new Uint32Array(64)
  private tags: Uint32Array = new Uint32Array(64)
  private values: Int32Array = new Int32Array(64)
  private entries = 0
  /** entry index + 1, 0 when free */
  private slots: Int32Array = new Int32Array(128)
  private mask = 127
  private readonly filter = new PresenceFilter()

  get size(): number {
    return this.entries
  }

  get bytes(): number {
    return (
      this.arena.byteLength + this.offsets.byteLength + this.lengths.byteLength + this.hashes.byteLength + this.tags.byteLength + this.values.byteLength + this.slots.byteLength + this.filter.bytes
    )
  }

  /** The value of a key given as bytes [start, end), capitals before `foldUntil` folded; ABSENT if none. */
  get(bytes: Uint8Array, start: number, end: number, foldUntil: number, tag = 0): number {
    const hash = hashBytes(bytes, start, end - start > this.hashPrefix ? start + this.hashPrefix : end, foldUntil, seedOf(tag))
    if (!this.filter.mayHold(hash)) return ABSENT
    const length = end - start
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]! - 1
      if (entry < 0) return ABSENT
      if (this.hashes[entry] !== hash || this.lengths[entry] !== length || this.tags[entry] !== tag) continue
      if (this.sameBytes(entry, bytes, start, length, foldUntil - start)) return this.values[entry]!
    }
  }

  /** The value of a key (a string, stored as UTF-8 as given: normalise it first). */
  getKey(key: string, tag = 0): number {
    const bytes = Buffer.from(key, 'utf8')
    return this.get(bytes, 0, bytes.length, 0, tag)
  }

  /** Sets the value of a key; `combine(old)` decides it when the key is present. */
  set(key: string, value: number, combine: (old: number) => number = () => value, tag = 0): void {
    const bytes = Buffer.from(key, 'utf8')
    const hash = hashBytes(bytes, 0, bytes.length > this.hashPrefix ? this.hashPrefix : bytes.length, 0, seedOf(tag))
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]! - 1
      if (entry < 0) {
        this.slots[slot] = this.append(bytes, hash, tag, value) + 1
        if (this.entries * 2 > this.mask) this.rehash()
        else this.filter.add(hash)
        return
      }
      if (this.hashes[entry] === hash && this.lengths[entry] === bytes.length && this.tags[entry] === tag && this.sameBytes(entry, bytes, 0, bytes.length, 0)) {
        this.values[entry] = combine(this.values[entry]!)
        return
      }
    }
  }

  private sameBytes(entry: number, bytes: Uint8Array, start: number, length: number, foldLength: number): boolean {
    const arena = this.arena
    const offset = this.offsets[entry]! - start
    const folded = start + Math.min(foldLength, length)
    const end = start + length
    let i = start
    for (; i < folded; i++) if (arena[offset + i] !== LOWER[bytes[i]!]) return false
    for (; i < end; i++) if (arena[offset + i] !== bytes[i]) return false
    return true
  }

  private append(bytes: Uint8Array, hash: number, tag: number, value: number): number {
    if (this.arenaUsed + bytes.length > this.arena.length) this.arena = growBytes(this.arena, Math.max(this.arena.length * 2, this.arenaUsed + bytes.length))
    this.arena.set(bytes, this.arenaUsed)
    if (this.entries === this.offsets.length) {
      const length = Math.max(64, this.offsets.length * 2)
      this.offsets = growU32(this.offsets, length)
      this.lengths = growU32(this.lengths, length)
      this.hashes = growU32(this.hashes, length)
      this.tags = growU32(this.tags, length)
      this.values = growI32(this.values, length)
    }
    const entry = this.entries++
    this.offsets[entry] = this.arenaUsed
    this.lengths[entry] = bytes.length
    this.hashes[entry] = hash
    this.tags[entry] = tag
    this.values[entry] = value
    this.arenaUsed += bytes.length
    return entry
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2
    this.slots = new Int32Array(size)
    this.mask = size - 1
    this.filter.resize(this.entries)
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = this.hashes[entry]! & this.mask
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask
      this.slots[slot] = entry + 1
      this.filter.add(this.hashes[entry]!)
    }
  }

  /** Gives back the spare capacity once everything is added. */
  compact(): void {
    this.arena = this.arena.slice(0, this.arenaUsed)
    this.offsets = this.offsets.slice(0, this.entries)
    this.lengths = this.lengths.slice(0, this.entries)
    this.hashes = this.hashes.slice(0, this.entries)
    this.tags = this.tags.slice(0, this.entries)
    this.values = this.values.slice(0, this.entries)
  }
}

/**
 * uint32 -> int32 value (IPv4 addresses). Lookups take the key as two 16-bit halves: a 32-bit
 * number is no Smi, and handing one to a function that is not inlined would allocate.
 */
export class U32Table {
  private keys: Int32Array = new Int32Array(128)
  private values: Int32Array = new Int32Array(128).fill(ABSENT)
  private mask = 127
  private entries = 0
  private readonly filter = new PresenceFilter()

  get size(): number {
    return this.entries
  }

  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength + this.filter.bytes
  }

  get(high: number, low: number): number {
    const key = (high << 16) | low // int32: no double on the way
    const hash = fmix30(key)
    if (!this.filter.mayHold(hash)) return ABSENT
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const value = this.values[slot]!
      if (value === ABSENT || this.keys[slot] === key) return value
    }
  }

  set(address: number, value: number, combine: (old: number) => number = () => value): void {
    const key = address | 0
    for (let slot = fmix30(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const old = this.values[slot]!
      if (old === ABSENT) {
        this.keys[slot] = key
        this.values[slot] = value
        if (++this.entries * 2 > this.mask) this.rehash()
        else this.filter.add(fmix30(key))
        return
      }
      if (this.keys[slot] === key) {
        this.values[slot] = combine(old)
        return
      }
    }
  }

  private rehash(): void {
    const [keys, values] = [this.keys, this.values]
    const size = (this.mask + 1) * 2
    this.keys = new Int32Array(size)
    this.values = new Int32Array(size).fill(ABSENT)
    this.mask = size - 1
    this.filter.resize(this.entries)
    for (let slot = 0; slot < keys.length; slot++) {
      if (values[slot] === ABSENT) continue
      this.filter.add(fmix30(keys[slot]!))
      let at = fmix30(keys[slot]!) & this.mask
      while (this.values[at] !== ABSENT) at = (at + 1) & this.mask
      this.keys[at] = keys[slot]!
      this.values[at] = values[slot]!
    }
  }
}

/**
 * One bit per hash, 16 bits per key: a key that is absent (nearly every value in a log) is turned
 * away by a bitmap small enough to stay in the CPU cache, without touching the slot arrays
 * (about 6% of absent keys get through to a real probe).
 */
class PresenceFilter {
  private bits: Uint32Array = new Uint32Array(8)
  private shift = 32 - 8

  get bytes(): number {
    return this.bits.byteLength
  }

  /** Empties the filter and sizes it for `keys` keys. */
  resize(keys: number): void {
    let bits = 256
    while (bits < keys * 16) bits *= 2
    this.bits = new Uint32Array(bits / 32)
    this.shift = 32 - Math.log2(bits)
  }

  add(hash: number): void {
    const bit = Math.imul(hash, 0x9e3779b1) >>> this.shift
    this.bits[bit >>> 5]! |= 1 << (bit & 31)
  }

  mayHold(hash: number): boolean {
    const bit = Math.imul(hash, 0x9e3779b1) >>> this.shift
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0
  }
}

function growBytes(array: Uint8Array, length: number): Uint8Array {
  const next = new Uint8Array(length)
  next.set(array)
  return next
}

function growU32(array: Uint32Array, length: number): Uint32Array {
  const next = new Uint32Array(length)
  next.set(array)
  return next
}

function growI32(array: Int32Array, length: number): Int32Array {
  const next = new Int32Array(length)
  next.set(array)
  return next
}
