import { hash as digest } from 'node:crypto'
import {
  EMPTY_ROOT,
  MerkleError,
  consistencyProof,
  foldSubtreeHashes,
  inclusionProof,
  perfectSubtrees,
  type ConsistencyProof,
  type HashSource,
  type InclusionProof,
} from './merkle.js'

// Node storage: every node of the tree (leaves and complete interior nodes) in post order — the
// order in which an append-only tree completes them — 32 bytes each, in fixed chunks that are
// never copied. A leaf append writes the leaf, then while the new node closes a pair hashes the
// pair into the parent written right after it: amortised one node hash per leaf, the "compact
// range" of transparency logs, whose right border (the perfect subtrees of the size's binary
// digits) is always stored. Chunks of Int32Array move a node as 8 words, not 32 bytes.
const NODE_BYTES = 32
const NODE_WORDS = 8
const CHUNK_SHIFT = 16 // 65,536 nodes (2 MiB) a chunk
const CHUNK_MASK = (1 << CHUNK_SHIFT) - 1
/** Positions stay below 2^31 so that 32-bit integer arithmetic is exact (2^30 leaves = 64 GiB). */
const MAX_LEAVES = 2 ** 30

/** Post-order position of the root of the perfect subtree (level, index). */
function positionOf(level: number, index: number): number {
  const firstLeaf = index * 2 ** level
  // Nodes completed before the subtree's first leaf: 2L - popcount(L); its root comes last of its
  // 2^(level+1) - 1 nodes.
  return 2 * firstLeaf - popcount(firstLeaf) + 2 ** (level + 1) - 2
}

function popcount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

/**
 * An append-only RFC 9162 Merkle tree in memory (holds state, hence a class). Answers the root
 * and inclusion / consistency proofs for the current size or any earlier one from O(log n) stored
 * hashes, and serves as a `HashSource` for the proof functions of merkle.ts.
 */
export class MerkleTree implements HashSource {
  private readonly words: Int32Array[] = []
  private readonly bytes: Uint8Array[] = []
  private leafCount = 0
  private nextPosition = 0
  private cachedRoot: { size: number; root: Uint8Array } | null = null
  // The 65-byte node hash input 0x01 || left || right, placed at byte 3 of a word buffer so that
  // left and right start on word boundaries (words 1..8 and 9..16).
  private readonly inputWords = new Int32Array(17)
  private readonly input = new Uint8Array(this.inputWords.buffer, 3, 1 + 2 * NODE_BYTES)
  private leafInput = new Uint8Array(256)

  constructor() {
    this.input[0] = 0x01
  }

  static fromLeafHashes(hashes: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree()
    for (const hash of hashes) tree.appendLeafHash(hash)
    return tree
  }

  get size(): number {
    return this.leafCount
  }

  /** Appends an entry's bytes as a leaf, hashed SHA-256(0x00 || entry) (RFC 9162); returns its index. */
  appendEntry(entry: Uint8Array): number {
    if (this.leafInput.length <= entry.length) this.leafInput = new Uint8Array(Math.max(entry.length + 1, 2 * this.leafInput.length))
    this.leafInput[0] = 0x00
    this.leafInput.set(entry, 1)
    const leaf = digest('sha256', this.leafInput.subarray(0, entry.length + 1), 'binary')
    const position = this.reserveLeaf()
    const target = this.bytes[position >>> CHUNK_SHIFT]!
    const at = (position & CHUNK_MASK) * NODE_BYTES
    for (let k = 0; k < NODE_BYTES; k++) target[at + k] = leaf.charCodeAt(k)
    return this.completeAppend(position)
  }

  /** Appends a leaf hash; returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    if (hash.length !== NODE_BYTES) throw new MerkleError('hash_length', `a leaf hash is ${hash.length} bytes, not ${NODE_BYTES}`)
    const position = this.reserveLeaf()
    this.bytes[position >>> CHUNK_SHIFT]!.set(hash, (position & CHUNK_MASK) * NODE_BYTES)
    return this.completeAppend(position)
  }

  /** The position of the next leaf, with room for it and its new ancestors. */
  private reserveLeaf(): number {
    if (this.leafCount >= MAX_LEAVES) throw new MerkleError('size_beyond_tree', `an in-memory tree holds at most ${MAX_LEAVES} leaves`)
    // A leaf and its up to 30 new ancestors always fit in the current chunk and the next.
    if (this.nextPosition + 64 > this.words.length * (CHUNK_MASK + 1)) this.addChunk()
    return this.nextPosition
  }

  /**
   * Carry: while the node just written is a right child (the bits of the leaf index, from the
   * lowest, are 1), hash it with its left sibling into the parent, written next.
   */
  private completeAppend(leafPosition: number): number {
    const leafIndex = this.leafCount
    const words = this.words
    const inputWords = this.inputWords
    let position = leafPosition
    let carry = leafIndex
    let height = 0
    while ((carry & 1) === 1) {
      const left = position - ((2 << height) - 1)
      const leftWords = words[left >>> CHUNK_SHIFT]!
      const leftAt = (left & CHUNK_MASK) * NODE_WORDS
      const rightWords = words[position >>> CHUNK_SHIFT]!
      const rightAt = (position & CHUNK_MASK) * NODE_WORDS
      for (let k = 0; k < NODE_WORDS; k++) {
        inputWords[1 + k] = leftWords[leftAt + k]!
        inputWords[9 + k] = rightWords[rightAt + k]!
      }
      const parent = digest('sha256', this.input, 'binary')
      position += 1
      const target = this.bytes[position >>> CHUNK_SHIFT]!
      const at = (position & CHUNK_MASK) * NODE_BYTES
      // A plain loop writes the 32 latin1 chars faster than Buffer#write's argument handling.
      for (let k = 0; k < NODE_BYTES; k++) target[at + k] = parent.charCodeAt(k)
      carry >>>= 1
      height += 1
    }
    this.nextPosition = position + 1
    this.leafCount = leafIndex + 1
    return leafIndex
  }

  leafHash(index: number): Uint8Array {
    return this.subtreeHash(0, index)
  }

  /** HashSource: the hash of the perfect subtree of 2^level leaves starting at index × 2^level. */
  subtreeHash(level: number, index: number): Uint8Array {
    if (!Number.isSafeInteger(level) || level < 0 || !Number.isSafeInteger(index) || index < 0 || (index + 1) * 2 ** level > this.leafCount) {
      throw new MerkleError('size_beyond_tree', `no complete subtree at level ${level}, index ${index} in a tree of ${this.leafCount}`)
    }
    const position = positionOf(level, index)
    const at = (position & CHUNK_MASK) * NODE_BYTES
    return this.bytes[position >>> CHUNK_SHIFT]!.slice(at, at + NODE_BYTES)
  }

  /** The current tree head's root hash, MTH(D[size]). */
  root(): Uint8Array {
    return this.rootAt(this.leafCount)
  }

  /** MTH of the first `size` leaves: the fold of the perfect subtrees of size's binary digits. */
  rootAt(size: number): Uint8Array {
    if (!Number.isSafeInteger(size) || size < 0) throw new MerkleError('invalid_number', `tree size ${size} is not a non-negative safe integer`)
    if (size > this.leafCount) throw new MerkleError('size_beyond_tree', `size ${size} is beyond the ${this.leafCount} leaves held`)
    if (size === 0) return Uint8Array.from(EMPTY_ROOT)
    if (this.cachedRoot?.size === size) return this.cachedRoot.root
    const root = foldSubtreeHashes(perfectSubtrees({ begin: 0, end: size }).map((s) => this.subtreeHash(s.level, s.index)))
    if (size === this.leafCount) this.cachedRoot = { size, root }
    return root
  }

  /** RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of the first `size` leaves. */
  inclusionProof(index: number, size = this.leafCount): InclusionProof {
    return inclusionProof(this, index, size)
  }

  /** RFC 9162 §2.1.4.1 consistency proof between the trees of size1 and size2 leaves. */
  consistencyProof(size1: number, size2 = this.leafCount): ConsistencyProof {
    return consistencyProof(this, size1, size2)
  }

  private addChunk() {
    const chunk = new Int32Array(NODE_WORDS << CHUNK_SHIFT)
    this.words.push(chunk)
    this.bytes.push(new Uint8Array(chunk.buffer))
  }
}
