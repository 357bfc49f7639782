import { hash as digest } from 'node:crypto'

// The Merkle Tree Hash of RFC 9162 §2.1 (Certificate Transparency 2.0) with SHA-256: hashing, proof
// generation and proof verification. Pure: no I/O, no state beyond two scratch buffers.
//
// Error rule of this file: the verifiers answer a value (`ProofCheck`), never throw — a proof is
// untrusted input and its rejection a normal outcome. The generators throw `MerkleError` — asking
// for a proof that cannot exist (index beyond the tree, size1 > size2) is a caller bug. Both carry
// the same `MerkleFailure` reason codes.
//
// Speed: `crypto.hash(…, 'binary')` (binary = latin1, one char per byte) answers a 32-character
// string about three times faster than any Buffer-returning form, which allocates a backing store
// per digest; hot loops copy its char codes straight into the input of the next hash.
// Indices and sizes are JavaScript numbers, exact up to 2^53.

export const HASH_SIZE = 32

/** RFC 9162 §2.1.1: MTH({}) = HASH(), the hash of an empty string. Shared: compare with it, never write to it. */
export const EMPTY_ROOT: Uint8Array = Buffer.from(digest('sha256', Buffer.alloc(0), 'binary'), 'latin1')
const emptyRoot = () => Uint8Array.from(EMPTY_ROOT)

export type MerkleFailure =
  | 'hash_length' // a hash (leaf, root or proof node) is not 32 bytes
  | 'invalid_number' // an index or size is not a non-negative safe integer
  | 'index_out_of_range' // leaf index >= tree size
  | 'size_order' // size1 > size2
  | 'empty_tree' // a consistency proof from the empty tree proves nothing
  | 'size_beyond_tree' // a proof asked for a size larger than the tree holds
  | 'path_length' // the proof has too many or too few nodes for the sizes given
  | 'root_mismatch' // the proof does not lead to the root given

export type ProofCheck = { ok: true } | { ok: false; reason: MerkleFailure; message: string }

export class MerkleError extends Error {
  constructor(
    readonly reason: MerkleFailure,
    message: string,
  ) {
    super(message)
    this.name = 'MerkleError'
  }
}

/** RFC 9162 §4.11 `inclusion_proof_v2` without the log id: the audit path of one leaf. */
export interface InclusionProof {
  leafIndex: number
  treeSize: number
  /** Sibling hashes from the leaf's level up to the root's children. */
  inclusionPath: Uint8Array[]
}

/** RFC 9162 §4.11 `consistency_proof_v2` without the log id. */
export interface ConsistencyProof {
  treeSize1: number
  treeSize2: number
  consistencyPath: Uint8Array[]
}

/** A perfect subtree: 2^level leaves starting at leaf index × 2^level. */
export interface SubtreeAddress {
  level: number
  index: number
}

/** Leaves [begin, end) of the tree. */
export interface LeafRange {
  begin: number
  end: number
}

/**
 * Where proofs get their hashes from: an in-memory tree, or a store that keeps the hash of every
 * perfect subtree (a `(level, index)` table). Every proof node is the hash of such a subtree or the
 * fold of a few of them (`rangeHash`), so O(log n) lookups answer any proof.
 */
export interface HashSource {
  /** Number of leaves held. */
  readonly size: number
  /** Hash of a perfect subtree lying wholly within the first `size` leaves. */
  subtreeHash(level: number, index: number): Uint8Array
}

const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE)
nodeInput[0] = 0x01

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const input = Buffer.allocUnsafe(1 + entry.length)
  input[0] = 0x00
  input.set(entry, 1)
  return Buffer.from(digest('sha256', input, 'binary'), 'latin1')
}

/** RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) throw new MerkleError('hash_length', 'a node hash input is not 32 bytes')
  nodeInput.set(left, 1)
  nodeInput.set(right, 1 + HASH_SIZE)
  return Buffer.from(digest('sha256', nodeInput, 'binary'), 'latin1')
}

/** RFC 9162 §2.1.1: MTH(D[n]) over leaf hashes, split at the largest power of two smaller than n. */
export function rootOf(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return emptyRoot()
  const wrong = leafHashes.findIndex((h) => h.length !== HASH_SIZE)
  if (wrong >= 0) throw new MerkleError('hash_length', `leaf hash #${wrong} is not ${HASH_SIZE} bytes`)
  return mth(leafHashes, 0, leafHashes.length)
}

function mth(leafHashes: readonly Uint8Array[], begin: number, end: number): Uint8Array {
  if (end - begin === 1) return leafHashes[begin]!
  const k = largestPowerOfTwoBelow(end - begin)
  return nodeHash(mth(leafHashes, begin, begin + k), mth(leafHashes, begin + k, end))
}

/** The k of RFC 9162 §2.1.1: the largest power of two smaller than n (n > 1). */
export function largestPowerOfTwoBelow(n: number): number {
  if (n <= 2 ** 32) return 2 ** (31 - Math.clz32(n - 1))
  let k = 2 ** 31
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The perfect subtrees that make up leaves [begin, end), left to right. For the ranges RFC 9162
 * proofs use (subtrees of the RFC tree) their sizes strictly decrease and `rangeHash` folds them.
 */
export function perfectSubtrees(range: LeafRange): SubtreeAddress[] {
  const out: SubtreeAddress[] = []
  let begin = range.begin
  while (begin < range.end) {
    let level = 0
    let width = 1
    while (begin % (width * 2) === 0 && begin + width * 2 <= range.end) {
      width *= 2
      level += 1
    }
    out.push({ level, index: begin / width })
    begin += width
  }
  return out
}

/** MTH of an RFC subtree from the hashes of its perfect subtrees: MTH = h0 ∘ (h1 ∘ (… ∘ hn)). */
export function foldSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  let folded = hashes[hashes.length - 1]
  if (!folded) throw new MerkleError('size_beyond_tree', 'an empty range has no subtree hash')
  for (let i = hashes.length - 2; i >= 0; i--) folded = nodeHash(hashes[i]!, folded)
  return folded
}

/** MTH(D[begin:end]) for an RFC subtree, looked up in a hash source. */
export function rangeHash(source: HashSource, range: LeafRange): Uint8Array {
  return foldSubtreeHashes(perfectSubtrees(range).map((s) => source.subtreeHash(s.level, s.index)))
}

/**
 * RFC 9162 §2.1.3.1: PATH(m, D[n]) as leaf ranges, leaf level first. With k the largest power of
 * two below n: m < k → PATH(m, D[0:k]) : MTH(D[k:n]); m >= k → PATH(m - k, D[k:n]) : MTH(D[0:k]).
 */
export function inclusionProofRanges(index: number, size: number): LeafRange[] {
  assertCount('leaf index', index)
  assertCount('tree size', size)
  if (index >= size) throw new MerkleError('index_out_of_range', `leaf index ${index} is not below tree size ${size}`)
  const rootFirst: LeafRange[] = []
  let begin = 0
  let end = size
  while (end - begin > 1) {
    const k = largestPowerOfTwoBelow(end - begin)
    if (index < begin + k) {
      rootFirst.push({ begin: begin + k, end })
      end = begin + k
    } else {
      rootFirst.push({ begin, end: begin + k })
      begin += k
    }
  }
  return rootFirst.reverse()
}

/**
 * RFC 9162 §2.1.4.1: PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as leaf ranges, deepest first.
 * SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}; for m < n, with k the
 * largest power of two below n: m <= k → SUBPROOF(m, D[0:k], b) : MTH(D[k:n]);
 * m > k → SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).
 */
export function consistencyProofRanges(size1: number, size2: number): LeafRange[] {
  assertCount('size1', size1)
  assertCount('size2', size2)
  if (size1 > size2) throw new MerkleError('size_order', `size1 ${size1} is larger than size2 ${size2}`)
  // The RFC defines PROOF(m, D[n]) for 0 < m; from the empty tree there is nothing to prove.
  if (size1 === 0) throw new MerkleError('empty_tree', 'no consistency proof starts at the empty tree')
  const rootFirst: LeafRange[] = []
  let begin = 0
  let end = size2
  let m = size1 // counted from begin
  let whole = true // the b flag: true while the old tree is still the whole current subtree
  for (;;) {
    if (m === end - begin) {
      if (!whole) rootFirst.push({ begin, end })
      break
    }
    const k = largestPowerOfTwoBelow(end - begin)
    if (m <= k) {
      rootFirst.push({ begin: begin + k, end })
      end = begin + k
    } else {
      rootFirst.push({ begin, end: begin + k })
      begin += k
      m -= k
      whole = false
    }
  }
  return rootFirst.reverse()
}

/** Accepts plain leaf hashes as a source (recomputing subtrees; the tree class is the fast source). */
function asSource(source: HashSource | readonly Uint8Array[]): HashSource {
  if (!Array.isArray(source)) return source as HashSource
  const leaves = source as readonly Uint8Array[]
  return {
    size: leaves.length,
    subtreeHash: (level, index) => mth(leaves, index * 2 ** level, (index + 1) * 2 ** level),
  }
}

/** RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(source: HashSource | readonly Uint8Array[], index: number, size: number): InclusionProof {
  const hashes = asSource(source)
  const ranges = inclusionProofRanges(index, size)
  assertWithinSource(hashes, size)
  return { leafIndex: index, treeSize: size, inclusionPath: ranges.map((range) => rangeHash(hashes, range)) }
}

/** RFC 9162 §2.1.4.1: the consistency proof between the trees of the first size1 and size2 leaves. */
export function consistencyProof(source: HashSource | readonly Uint8Array[], size1: number, size2: number): ConsistencyProof {
  const hashes = asSource(source)
  const ranges = consistencyProofRanges(size1, size2)
  assertWithinSource(hashes, size2)
  return { treeSize1: size1, treeSize2: size2, consistencyPath: ranges.map((range) => rangeHash(hashes, range)) }
}

function assertCount(what: string, value: number) {
  if (!Number.isSafeInteger(value) || value < 0) throw new MerkleError('invalid_number', `${what} ${value} is not a non-negative safe integer`)
}

function assertWithinSource(source: HashSource, size: number) {
  if (size > source.size) throw new MerkleError('size_beyond_tree', `size ${size} is beyond the ${source.size} leaves held`)
}

// ---------------------------------------------------------------------------------------------
// Verification. Each walk keeps its running hash as the latin1 string crypto.hash answers and
// writes it, with a plain loop, straight into the 65-byte input of the next node hash.

const verifyInput = new Uint8Array(1 + 2 * HASH_SIZE)
verifyInput[0] = 0x01
const LEFT = 1
const RIGHT = 1 + HASH_SIZE

const reject = (reason: MerkleFailure, message: string): ProofCheck => ({ ok: false, reason, message })
const ACCEPT: ProofCheck = { ok: true }

/** Is the least significant bit of n set? (Arithmetic, not `&`: sizes may exceed 2^31.) */
const lsb = (n: number) => n % 2 === 1
const half = (n: number) => Math.floor(n / 2)

/** HASH(0x01 || left || right) with the running hash on one side and proof bytes on the other. */
function hashWithRunning(running: string, runningAt: typeof LEFT | typeof RIGHT, other: Uint8Array): string {
  for (let k = 0; k < HASH_SIZE; k++) verifyInput[runningAt + k] = running.charCodeAt(k)
  verifyInput.set(other, runningAt === LEFT ? RIGHT : LEFT)
  return digest('sha256', verifyInput, 'binary')
}

/** What is wrong with a value that should be a 32-byte hash, or null. */
function hashProblem(h: Uint8Array | null | undefined): string | null {
  if (!(h instanceof Uint8Array)) return 'is missing'
  return h.length === HASH_SIZE ? null : `is ${h.length} bytes, not ${HASH_SIZE}`
}

function pathProblem(path: readonly Uint8Array[]): string | null {
  for (let i = 0; i < path.length; i++) {
    const problem = hashProblem(path[i])
    if (problem) return `node #${i} ${problem}`
  }
  return null
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')

/** Verifies that `leaf` (a leaf hash) sits at `proof.leafIndex` in the tree whose root is `root`. */
export function verifyInclusion(proof: InclusionProof, leaf: Uint8Array, root: Uint8Array): ProofCheck {
  const { leafIndex, treeSize } = proof
  const path = proof.inclusionPath ?? []
  // Every hash must be a SHA-256 digest; the RFC's algorithm assumes it, so check before it runs.
  const wrongLeaf = hashProblem(leaf)
  if (wrongLeaf) return reject('hash_length', `the leaf hash ${wrongLeaf}`)
  const wrongRoot = hashProblem(root)
  if (wrongRoot) return reject('hash_length', `the root ${wrongRoot}`)
  const wrongNode = pathProblem(path)
  if (wrongNode) return reject('hash_length', `inclusion path ${wrongNode}`)
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) return reject('invalid_number', `leaf index ${leafIndex} is not a non-negative safe integer`)
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) return reject('invalid_number', `tree size ${treeSize} is not a non-negative safe integer`)

  // RFC 9162 §2.1.3.2 step 1: if leaf_index >= tree_size, fail.
  if (leafIndex >= treeSize) return reject('index_out_of_range', `leaf index ${leafIndex} is not below tree size ${treeSize}`)
  // Step 2: set fn to leaf_index and sn to tree_size - 1.
  let fn = leafIndex
  let sn = treeSize - 1
  // Step 3: set r to hash.
  let r = latin1(leaf)
  // Step 4: for each value p in the inclusion_path array:
  for (let i = 0; i < path.length; i++) {
    const p = path[i]!
    // 4a: if sn is 0, stop the iteration and fail.
    if (sn === 0) return reject('path_length', `the inclusion path has more than the ${i} nodes tree size ${treeSize} needs`)
    // 4b: if LSB(fn) is set, or if fn is equal to sn, then:
    if (lsb(fn) || fn === sn) {
      // 4b.i: set r to HASH(0x01 || p || r).
      r = hashWithRunning(r, RIGHT, p)
      // 4b.ii: if LSB(fn) is not set, right-shift fn and sn equally until LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      // 4b, otherwise: set r to HASH(0x01 || r || p).
      r = hashWithRunning(r, LEFT, p)
    }
    // 4c: finally, right-shift both fn and sn one time.
    fn = half(fn)
    sn = half(sn)
  }
  // Step 5: compare sn to 0 and r to root_hash; inclusion is proven only if sn is 0 and r equals it.
  if (sn !== 0) return reject('path_length', `the inclusion path ends ${path.length} nodes short of the root of tree size ${treeSize}`)
  if (r !== latin1(root)) return reject('root_mismatch', 'the inclusion path does not lead to the root')
  return ACCEPT
}

/** Verifies that the tree (size2, root2) extends the tree (size1, root1) by appending only. */
export function verifyConsistency(proof: ConsistencyProof, root1: Uint8Array, root2: Uint8Array): ProofCheck {
  const { treeSize1: first, treeSize2: second } = proof
  const path = proof.consistencyPath ?? []
  const wrongRoot1 = hashProblem(root1)
  if (wrongRoot1) return reject('hash_length', `root1 ${wrongRoot1}`)
  const wrongRoot2 = hashProblem(root2)
  if (wrongRoot2) return reject('hash_length', `root2 ${wrongRoot2}`)
  const wrongNode = pathProblem(path)
  if (wrongNode) return reject('hash_length', `consistency path ${wrongNode}`)
  if (!Number.isSafeInteger(first) || first < 0) return reject('invalid_number', `size1 ${first} is not a non-negative safe integer`)
  if (!Number.isSafeInteger(second) || second < 0) return reject('invalid_number', `size2 ${second} is not a non-negative safe integer`)

  // The algorithm of §2.1.4.2 is defined for 0 < first < second; the other cases first.
  if (first > second) return reject('size_order', `size1 ${first} is larger than size2 ${second}`)
  // PROOF(m, D[n]) is defined for 0 < m only: a proof from the empty tree (even between two empty
  // trees) says nothing and is refused.
  if (first === 0) return reject('empty_tree', 'a consistency proof cannot start at the empty tree')
  if (first === second) {
    // §2.1.4.1: SUBPROOF(m, D[m], true) = {} — equal sizes have an empty proof and equal roots.
    if (path.length !== 0) return reject('path_length', 'equal tree sizes take an empty consistency path')
    if (latin1(root1) !== latin1(root2)) return reject('root_mismatch', 'equal tree sizes with different roots')
    return ACCEPT
  }

  // RFC 9162 §2.1.4.2 step 1: if consistency_path is an empty array, stop and fail.
  if (path.length === 0) return reject('path_length', 'the consistency path is empty')
  // Step 2: if first is an exact power of 2, prepend first_hash to the consistency_path array.
  const nodes = isPowerOfTwo(first) ? [root1, ...path] : path
  // Step 3: set fn to first - 1 and sn to second - 1.
  let fn = first - 1
  let sn = second - 1
  // Step 4: if LSB(fn) is set, right-shift both fn and sn equally until LSB(fn) is not set.
  while (lsb(fn)) {
    fn = half(fn)
    sn = half(sn)
  }
  // Step 5: set both fr and sr to the first value in the consistency_path array.
  let fr = latin1(nodes[0]!)
  let sr = fr
  // Step 6: for each subsequent value c in the consistency_path array:
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i]!
    // 6a: if sn is 0, stop the iteration and fail.
    if (sn === 0) return reject('path_length', `the consistency path has more nodes than sizes ${first} and ${second} need`)
    // 6b: if LSB(fn) is set, or if fn is equal to sn, then:
    if (lsb(fn) || fn === sn) {
      // 6b.i: set fr to HASH(0x01 || c || fr); 6b.ii: set sr to HASH(0x01 || c || sr).
      fr = hashWithRunning(fr, RIGHT, c)
      sr = hashWithRunning(sr, RIGHT, c)
      // 6b.iii: if LSB(fn) is not set, right-shift fn and sn equally until LSB(fn) is set or fn is 0.
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn)
          sn = half(sn)
        }
      }
    } else {
      // 6b, otherwise: set sr to HASH(0x01 || sr || c).
      sr = hashWithRunning(sr, LEFT, c)
    }
    // 6c: finally, right-shift both fn and sn one time.
    fn = half(fn)
    sn = half(sn)
  }
  // Step 7: verify fr equals first_hash, sr equals second_hash, and sn is 0.
  if (sn !== 0) return reject('path_length', `the consistency path ends short of the root of size ${second}`)
  if (fr !== latin1(root1)) return reject('root_mismatch', `the consistency path does not lead to the root of size ${first}`)
  if (sr !== latin1(root2)) return reject('root_mismatch', `the consistency path does not lead to the root of size ${second}`)
  return ACCEPT
}

function isPowerOfTwo(n: number): boolean {
  let k = n
  while (k > 1 && k % 2 === 0) k /= 2
  return k === 1
}
