import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  EMPTY_ROOT,
  MerkleError,
  consistencyProof,
  consistencyProofRanges,
  foldSubtreeHashes,
  inclusionProof,
  inclusionProofRanges,
  largestPowerOfTwoBelow,
  leafHash,
  nodeHash,
  perfectSubtrees,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type HashSource,
} from './merkle.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const part of parts) h.update(part)
  return new Uint8Array(h.digest())
}

// The eight leaves of the RFC 6962 reference test suites and their published roots for sizes 1–8.
const testLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (data) => leafHash(Buffer.from(data, 'hex')),
)
const testRoots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
]

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(bytes)
  copy[bit >> 3]! ^= 1 << (bit & 7)
  return copy
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)))

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('hashes a leaf as SHA-256(0x00 || entry)', () => {
    const entry = Buffer.from('kamae')
    expect(hex(leafHash(entry))).toBe(hex(sha256(Uint8Array.of(0), entry)))
  })

  it('hashes a node as SHA-256(0x01 || left || right)', () => {
    const [a, b] = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))]
    expect(hex(nodeHash(a, b))).toBe(hex(sha256(Uint8Array.of(1), a, b)))
  })

  it('gives the empty tree the hash of the empty string', () => {
    expect(hex(rootOf([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(hex(EMPTY_ROOT)).toBe(hex(rootOf([])))
  })

  it('matches the published roots of the RFC 6962 test leaves for sizes 1 to 8', () => {
    expect(testRoots.map((_, n) => hex(rootOf(testLeaves.slice(0, n + 1))))).toEqual(testRoots)
  })

  it('splits at the largest power of two smaller than n', () => {
    expect([2, 3, 4, 5, 8, 9, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 40].map(largestPowerOfTwoBelow)).toEqual([
      1, 2, 2, 4, 4, 8, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 39,
    ])
  })

  it('refuses to hash node inputs that are not 32 bytes', () => {
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(MerkleError)
  })
})

describe('the example tree of RFC 9162 §2.1.5 (seven leaves d0..d6)', () => {
  const [a, b, c, d, e, f, j] = leavesOf(7) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array]
  const leaves = [a, b, c, d, e, f, j]
  const g = nodeHash(a, b)
  const h = nodeHash(c, d)
  const i = nodeHash(e, f)
  const k = nodeHash(g, h)
  const l = nodeHash(i, j)
  const root = nodeHash(k, l)
  const path = (index: number) => inclusionProof(leaves, index, 7).inclusionPath.map(hex)
  const proof = (m: number) => consistencyProof(leaves, m, 7).consistencyPath.map(hex)

  it('has the root built from k and l', () => {
    expect(hex(rootOf(leaves))).toBe(hex(root))
  })

  it('proves d0 with [b, h, l], d3 with [c, g, l], d4 with [f, j, k] and d6 with [i, k]', () => {
    expect(path(0)).toEqual([b, h, l].map(hex))
    expect(path(3)).toEqual([c, g, l].map(hex))
    expect(path(4)).toEqual([f, j, k].map(hex))
    expect(path(6)).toEqual([i, k].map(hex))
  })

  it('proves hash0 (3 leaves) consistent with [c, d, g, l], hash1 with [l], hash2 with [i, j, k]', () => {
    expect(proof(3)).toEqual([c, d, g, l].map(hex))
    expect(proof(4)).toEqual([l].map(hex))
    expect(proof(6)).toEqual([i, j, k].map(hex))
  })

  it('verifies those proofs against the intermediate roots hash0, hash1 = k and hash2', () => {
    const hash0 = nodeHash(g, c)
    const hash2 = nodeHash(k, i)
    expect(verifyConsistency(consistencyProof(leaves, 3, 7), hash0, root)).toEqual({ ok: true })
    expect(verifyConsistency(consistencyProof(leaves, 4, 7), k, root)).toEqual({ ok: true })
    expect(verifyConsistency(consistencyProof(leaves, 6, 7), hash2, root)).toEqual({ ok: true })
    expect(verifyInclusion(inclusionProof(leaves, 3, 7), d, root)).toEqual({ ok: true })
  })
})

describe('proof generation', () => {
  it('names the leaf ranges of the proof nodes as the RFC recursion does', () => {
    expect(inclusionProofRanges(0, 7)).toEqual([
      { begin: 1, end: 2 },
      { begin: 2, end: 4 },
      { begin: 4, end: 7 },
    ])
    expect(consistencyProofRanges(3, 7)).toEqual([
      { begin: 2, end: 3 },
      { begin: 3, end: 4 },
      { begin: 0, end: 2 },
      { begin: 4, end: 7 },
    ])
  })

  it('decomposes a range into perfect subtrees, largest first', () => {
    expect(perfectSubtrees({ begin: 0, end: 7 })).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ])
    expect(perfectSubtrees({ begin: 8, end: 13 })).toEqual([
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ])
  })

  it('gives equal sizes an empty consistency proof', () => {
    expect(consistencyProof(leavesOf(5), 5, 5).consistencyPath).toEqual([])
  })

  it('refuses proofs that cannot exist, with a reason', () => {
    const leaves = leavesOf(5)
    const reason = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        return error instanceof MerkleError ? error.reason : 'not a MerkleError'
      }
      return 'no error'
    }
    expect(reason(() => inclusionProof(leaves, 5, 5))).toBe('index_out_of_range')
    expect(reason(() => inclusionProof(leaves, 0, 0))).toBe('index_out_of_range')
    expect(reason(() => inclusionProof(leaves, 1, 6))).toBe('size_beyond_tree')
    expect(reason(() => inclusionProof(leaves, -1, 5))).toBe('invalid_number')
    expect(reason(() => inclusionProof(leaves, 0.5, 5))).toBe('invalid_number')
    expect(reason(() => consistencyProof(leaves, 4, 3))).toBe('size_order')
    expect(reason(() => consistencyProof(leaves, 0, 3))).toBe('empty_tree')
    expect(reason(() => consistencyProof(leaves, 0, 0))).toBe('empty_tree')
    expect(reason(() => consistencyProof(leaves, 2, 6))).toBe('size_beyond_tree')
  })
})

describe('verification rejects', () => {
  const leaves = leavesOf(37)
  const root = rootOf(leaves)

  it('a flipped bit in the leaf, in any proof node or in the root, for every leaf of a 37-leaf tree', () => {
    for (let index = 0; index < 37; index++) {
      const proof = inclusionProof(leaves, index, 37)
      const leaf = leaves[index]!
      expect(verifyInclusion(proof, leaf, root).ok).toBe(true)
      for (const bit of [0, 7, 100, 255]) {
        expect(verifyInclusion(proof, flipBit(leaf, bit), root)).toMatchObject({ ok: false, reason: 'root_mismatch' })
        expect(verifyInclusion(proof, leaf, flipBit(root, bit))).toMatchObject({ ok: false, reason: 'root_mismatch' })
        proof.inclusionPath.forEach((node, n) => {
          const tampered = { ...proof, inclusionPath: proof.inclusionPath.map((p, m) => (m === n ? flipBit(node, bit) : p)) }
          expect(verifyInclusion(tampered, leaf, root)).toMatchObject({ ok: false, reason: 'root_mismatch' })
        })
      }
    }
  })

  it('a flipped bit in either root or any consistency proof node, for every size1 below 37', () => {
    for (let size1 = 1; size1 < 37; size1++) {
      const proof = consistencyProof(leaves, size1, 37)
      const root1 = rootOf(leaves.slice(0, size1))
      expect(verifyConsistency(proof, root1, root).ok).toBe(true)
      for (const bit of [3, 200]) {
        expect(verifyConsistency(proof, flipBit(root1, bit), root).ok).toBe(false)
        expect(verifyConsistency(proof, root1, flipBit(root, bit)).ok).toBe(false)
        proof.consistencyPath.forEach((node, n) => {
          const tampered = { ...proof, consistencyPath: proof.consistencyPath.map((p, m) => (m === n ? flipBit(node, bit) : p)) }
          expect(verifyConsistency(tampered, root1, root).ok).toBe(false)
        })
      }
    }
  })

  it('hashes of 31 and 33 bytes wherever they appear', () => {
    const proof = inclusionProof(leaves, 5, 37)
    const leaf = leaves[5]!
    for (const length of [31, 33]) {
      const odd = (h: Uint8Array) => (length < 32 ? h.subarray(0, length) : Uint8Array.from([...h, 0]))
      expect(verifyInclusion(proof, odd(leaf), root)).toMatchObject({ ok: false, reason: 'hash_length' })
      expect(verifyInclusion(proof, leaf, odd(root))).toMatchObject({ ok: false, reason: 'hash_length' })
      const oddPath = { ...proof, inclusionPath: proof.inclusionPath.map((p, n) => (n === 2 ? odd(p) : p)) }
      expect(verifyInclusion(oddPath, leaf, root)).toMatchObject({ ok: false, reason: 'hash_length' })

      const consistency = consistencyProof(leaves, 13, 37)
      const root1 = rootOf(leaves.slice(0, 13))
      expect(verifyConsistency(consistency, odd(root1), root)).toMatchObject({ ok: false, reason: 'hash_length' })
      expect(verifyConsistency(consistency, root1, odd(root))).toMatchObject({ ok: false, reason: 'hash_length' })
      const oddConsistency = { ...consistency, consistencyPath: consistency.consistencyPath.map((p, n) => (n === 0 ? odd(p) : p)) }
      expect(verifyConsistency(oddConsistency, root1, root)).toMatchObject({ ok: false, reason: 'hash_length' })
      // Equal sizes compare the roots only, yet still refuse hashes of the wrong length.
      expect(verifyConsistency({ treeSize1: 1, treeSize2: 1, consistencyPath: [] }, odd(leaf), odd(leaf))).toMatchObject({ ok: false, reason: 'hash_length' })
    }
  })

  it('a leaf index at or beyond the tree size', () => {
    const proof = inclusionProof(leaves, 36, 37)
    expect(verifyInclusion({ ...proof, leafIndex: 37 }, leaves[36]!, root)).toMatchObject({ ok: false, reason: 'index_out_of_range' })
    expect(verifyInclusion({ leafIndex: 0, treeSize: 0, inclusionPath: [] }, leaves[0]!, EMPTY_ROOT)).toMatchObject({ ok: false, reason: 'index_out_of_range' })
    expect(verifyInclusion({ ...proof, leafIndex: 2 ** 64 - 1 }, leaves[36]!, root)).toMatchObject({ ok: false, reason: 'invalid_number' })
  })

  it('an inclusion path with a node too many or too few', () => {
    const proof = inclusionProof(leaves, 9, 37)
    const longer = { ...proof, inclusionPath: [...proof.inclusionPath, root] }
    const shorter = { ...proof, inclusionPath: proof.inclusionPath.slice(0, -1) }
    expect(verifyInclusion(longer, leaves[9]!, root)).toMatchObject({ ok: false, reason: 'path_length' })
    expect(verifyInclusion(shorter, leaves[9]!, root)).toMatchObject({ ok: false, reason: 'path_length' })
  })

  it('size1 greater than size2', () => {
    expect(verifyConsistency({ treeSize1: 5, treeSize2: 4, consistencyPath: [] }, root, root)).toMatchObject({ ok: false, reason: 'size_order' })
  })

  it('a consistency proof from the empty tree, with or without nodes, even between two empty trees', () => {
    expect(verifyConsistency({ treeSize1: 0, treeSize2: 37, consistencyPath: [root] }, EMPTY_ROOT, root)).toMatchObject({ ok: false, reason: 'empty_tree' })
    expect(verifyConsistency({ treeSize1: 0, treeSize2: 37, consistencyPath: [] }, EMPTY_ROOT, root)).toMatchObject({ ok: false, reason: 'empty_tree' })
    expect(verifyConsistency({ treeSize1: 0, treeSize2: 0, consistencyPath: [] }, EMPTY_ROOT, EMPTY_ROOT)).toMatchObject({ ok: false, reason: 'empty_tree' })
  })

  it('equal sizes with a non-empty proof or different roots', () => {
    const root5 = rootOf(leaves.slice(0, 5))
    expect(verifyConsistency({ treeSize1: 5, treeSize2: 5, consistencyPath: [] }, root5, root5)).toEqual({ ok: true })
    expect(verifyConsistency({ treeSize1: 5, treeSize2: 5, consistencyPath: [root5] }, root5, root5)).toMatchObject({ ok: false, reason: 'path_length' })
    expect(verifyConsistency({ treeSize1: 5, treeSize2: 5, consistencyPath: [] }, root5, root)).toMatchObject({ ok: false, reason: 'root_mismatch' })
  })

  it('a consistency path that is empty, a node too long or a node short', () => {
    const proof = consistencyProof(leaves, 13, 37)
    const root1 = rootOf(leaves.slice(0, 13))
    expect(verifyConsistency({ ...proof, consistencyPath: [] }, root1, root)).toMatchObject({ ok: false, reason: 'path_length' })
    expect(verifyConsistency({ ...proof, consistencyPath: [...proof.consistencyPath, root] }, root1, root)).toMatchObject({ ok: false, reason: 'path_length' })
    expect(verifyConsistency({ ...proof, consistencyPath: proof.consistencyPath.slice(0, -1) }, root1, root)).toMatchObject({ ok: false, reason: 'path_length' })
  })

  it('a consistency proof whose old tree was a power of two and which repeats its root', () => {
    const proof = consistencyProof(leaves, 16, 37)
    const root16 = rootOf(leaves.slice(0, 16))
    expect(verifyConsistency(proof, root16, root)).toEqual({ ok: true })
    expect(verifyConsistency({ ...proof, consistencyPath: [root16, ...proof.consistencyPath] }, root16, root).ok).toBe(false)
  })
})

describe('sizes beyond 32 bits', () => {
  // A tree whose every leaf is the same hash: each perfect subtree of a level has the same hash,
  // so a source for 2^41 + 12,345 leaves costs one hash per level, and the proofs are genuine.
  const size = 2 ** 41 + 12_345
  const perLevel = [leafHash(Buffer.from('same'))]
  for (let level = 1; level <= 42; level++) perLevel.push(nodeHash(perLevel[level - 1]!, perLevel[level - 1]!))
  const source: HashSource = { size, subtreeHash: (level) => perLevel[level]! }
  // MTH of the first n leaves: the fold of the perfect subtrees of n's binary digits.
  const rootOfSize = (n: number) => foldSubtreeHashes(perfectSubtrees({ begin: 0, end: n }).map((s) => perLevel[s.level]!))
  const root = rootOfSize(size)

  it('proves and verifies leaves past 2^32 without truncating indices', () => {
    for (const index of [0, 2 ** 32 + 7, 2 ** 41 - 1, 2 ** 41, size - 1]) {
      const proof = inclusionProof(source, index, size)
      expect(verifyInclusion(proof, perLevel[0]!, root)).toEqual({ ok: true })
      expect(verifyInclusion({ ...proof, treeSize: size - 12_345 }, perLevel[0]!, root).ok).toBe(false)
    }
  })

  it('proves consistency from a size past 2^32', () => {
    const size1 = 2 ** 33 + 3
    const root1 = rootOfSize(size1)
    expect(verifyConsistency(consistencyProof(source, size1, size), root1, root)).toEqual({ ok: true })
  })
})
