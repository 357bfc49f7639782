import { describe, expect, it } from 'vitest'
import { MerkleTree } from './merkle-tree.js'
import { EMPTY_ROOT, MerkleError, consistencyProof, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from './merkle.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)))

describe('MerkleTree', () => {
  it('starts empty with the root of the empty tree', () => {
    const tree = new MerkleTree()
    expect(tree.size).toBe(0)
    expect(hex(tree.root())).toBe(hex(EMPTY_ROOT))
  })

  it('has the RFC 9162 root (rootOf) after every append, for sizes 0 to 300', () => {
    const leaves = leavesOf(300)
    const tree = new MerkleTree()
    const roots = [hex(tree.root())]
    for (const leaf of leaves) {
      tree.appendLeafHash(leaf)
      roots.push(hex(tree.root()))
    }
    expect(roots).toEqual(Array.from({ length: 301 }, (_, n) => hex(rootOf(leaves.slice(0, n)))))
  })

  it('answers the root of any earlier size', () => {
    const leaves = leavesOf(300)
    const tree = MerkleTree.fromLeafHashes(leaves)
    for (const size of [0, 1, 2, 3, 64, 65, 127, 128, 129, 255, 256, 299, 300]) {
      expect(hex(tree.rootAt(size)), `size ${size}`).toBe(hex(rootOf(leaves.slice(0, size))))
    }
  })

  it('returns the index of each appended entry and hashes entries as RFC 9162 leaves', () => {
    const tree = new MerkleTree()
    expect(tree.appendEntry(Buffer.from('first'))).toBe(0)
    expect(tree.appendEntry(Buffer.from('second'))).toBe(1)
    expect(hex(tree.leafHash(1))).toBe(hex(leafHash(Buffer.from('second'))))
  })

  it('generates inclusion proofs that verify for every (index, size) up to size 64', () => {
    const leaves = leavesOf(64)
    const tree = MerkleTree.fromLeafHashes(leaves)
    for (let size = 1; size <= 64; size++) {
      const root = tree.rootAt(size)
      for (let index = 0; index < size; index++) {
        const proof = tree.inclusionProof(index, size)
        expect(verifyInclusion(proof, leaves[index]!, root), `index ${index} size ${size}`).toEqual({ ok: true })
      }
    }
  })

  it('generates consistency proofs that verify for every (size1, size2) up to 64', () => {
    const leaves = leavesOf(64)
    const tree = MerkleTree.fromLeafHashes(leaves)
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = tree.consistencyProof(size1, size2)
        expect(verifyConsistency(proof, tree.rootAt(size1), tree.rootAt(size2)), `${size1} -> ${size2}`).toEqual({ ok: true })
      }
    }
  })

  it('generates the same proofs as the RFC recursion over the plain leaf list', () => {
    const leaves = leavesOf(45)
    const tree = MerkleTree.fromLeafHashes(leaves)
    for (let size = 1; size <= 45; size += 4) {
      for (let index = 0; index < size; index += 3) {
        expect(tree.inclusionProof(index, size).inclusionPath.map(hex)).toEqual(inclusionProof(leaves, index, size).inclusionPath.map(hex))
      }
      expect(tree.consistencyProof(1 + (size >> 1), size).consistencyPath.map(hex)).toEqual(
        consistencyProof(leaves, 1 + (size >> 1), size).consistencyPath.map(hex),
      )
    }
  })

  it('keeps proofs for an old head valid after the tree has grown', () => {
    const leaves = leavesOf(1000)
    const tree = MerkleTree.fromLeafHashes(leaves.slice(0, 700))
    const oldRoot = tree.root()
    const oldProof = tree.inclusionProof(123)
    for (const leaf of leaves.slice(700)) tree.appendLeafHash(leaf)
    expect(verifyInclusion(tree.inclusionProof(123, 700), leaves[123]!, oldRoot)).toEqual({ ok: true })
    expect(tree.inclusionProof(123, 700)).toEqual(oldProof)
    expect(verifyConsistency(tree.consistencyProof(700), oldRoot, tree.root())).toEqual({ ok: true })
  })

  it('stays correct where its storage moves to a new chunk (70,000 leaves)', () => {
    const leaves = leavesOf(70_000)
    const tree = MerkleTree.fromLeafHashes(leaves)
    for (const size of [32_767, 32_768, 32_769, 65_536, 70_000]) {
      expect(hex(tree.rootAt(size)), `size ${size}`).toBe(hex(rootOf(leaves.slice(0, size))))
    }
    for (const index of [32_767, 32_768, 65_535, 69_999]) {
      expect(verifyInclusion(tree.inclusionProof(index), leaves[index]!, tree.root()), `index ${index}`).toEqual({ ok: true })
    }
    expect(verifyConsistency(tree.consistencyProof(32_769), tree.rootAt(32_769), tree.root())).toEqual({ ok: true })
  })

  it('builds the same tree from entries as from their leaf hashes', () => {
    const entries = Array.from({ length: 300 }, (_, i) => Buffer.from(i % 7 === 0 ? 'x'.repeat(300 + i) : `entry ${i}`))
    const byEntry = new MerkleTree()
    for (const entry of entries) byEntry.appendEntry(entry)
    expect(hex(byEntry.root())).toBe(hex(rootOf(entries.map((entry) => leafHash(entry)))))
  })

  it('gives out copies, so a caller cannot change a stored hash', () => {
    const tree = MerkleTree.fromLeafHashes(leavesOf(4))
    const before = hex(tree.root())
    tree.subtreeHash(1, 0).fill(0)
    tree.leafHash(3).fill(0)
    tree.inclusionProof(0).inclusionPath[0]!.fill(0)
    const fresh = MerkleTree.fromLeafHashes(leavesOf(4))
    expect(hex(fresh.rootAt(4))).toBe(before)
    expect(hex(tree.rootAt(3))).toBe(hex(fresh.rootAt(3)))
  })

  it('refuses leaf hashes of 31 or 33 bytes, sizes beyond its leaves and subtrees not yet complete', () => {
    const tree = MerkleTree.fromLeafHashes(leavesOf(5))
    expect(() => tree.appendLeafHash(new Uint8Array(31))).toThrow(MerkleError)
    expect(() => tree.appendLeafHash(new Uint8Array(33))).toThrow(MerkleError)
    expect(tree.size).toBe(5)
    expect(() => tree.rootAt(6)).toThrow(MerkleError)
    expect(() => tree.inclusionProof(2, 6)).toThrow(MerkleError)
    expect(() => tree.subtreeHash(1, 2)).toThrow(MerkleError) // leaves 4 and 5: the 6th is missing
    expect(() => tree.subtreeHash(3, 0)).toThrow(MerkleError)
  })
})
