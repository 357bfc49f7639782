import { describe, expect, it } from 'vitest'
import { borderOf, extendRange, type SubtreeHash } from './compact-range.js'
import { MerkleTree } from './merkle-tree.js'
import { EMPTY_ROOT, MerkleError, leafHash, rootOf } from './merkle.js'

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)))

describe('the compact range of a log', () => {
  it('is the perfect subtrees of the size in binary, largest first', () => {
    expect(borderOf(0)).toEqual([])
    expect(borderOf(13)).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ])
  })

  it('takes batches of leaves and gives the same roots and subtree hashes as the whole tree', () => {
    const leaves = leavesOf(200)
    const tree = MerkleTree.fromLeafHashes(leaves)
    let border: SubtreeHash[] = []
    let size = 0
    const completed: SubtreeHash[] = []
    for (const batch of [1, 2, 5, 8, 31, 64, 89]) {
      const result = extendRange(size, border, leaves.slice(size, size + batch))
      size = result.size
      border = result.border
      completed.push(...result.completed)
      expect(hex(result.root), `size ${size}`).toBe(hex(rootOf(leaves.slice(0, size))))
    }
    expect(size).toBe(200)
    // Every perfect subtree of level >= 1 within 200 leaves was completed exactly once.
    const expectedCount = [1, 2, 3, 4, 5, 6, 7].reduce((sum, level) => sum + Math.floor(200 / 2 ** level), 0)
    expect(completed).toHaveLength(expectedCount)
    for (const node of completed) expect(hex(node.hash)).toBe(hex(tree.subtreeHash(node.level, node.index)))
  })

  it('answers the empty root when nothing is appended to the empty log', () => {
    expect(hex(extendRange(0, [], []).root)).toBe(hex(EMPTY_ROOT))
  })

  it('refuses a border that does not match the size', () => {
    const first = extendRange(0, [], leavesOf(3))
    expect(() => extendRange(4, first.border, leavesOf(1))).toThrow(MerkleError)
  })
})
