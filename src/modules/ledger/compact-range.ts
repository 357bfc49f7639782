import { EMPTY_ROOT, HASH_SIZE, MerkleError, foldSubtreeHashes, nodeHash, perfectSubtrees, type SubtreeAddress } from './merkle.js'

// The compact range of a log of n leaves: the hashes of the perfect subtrees of n's binary digits,
// largest first (the tree's right border). With it alone a log can take new leaves — it learns
// every perfect subtree they complete and the new root — without reading anything else. A
// database log keeps every perfect subtree hash anyway (proofs need them), so it loads its
// border with one query per batch. Pure: no I/O.

export interface SubtreeHash extends SubtreeAddress {
  hash: Uint8Array
}

export interface ExtendedRange {
  size: number
  /** The new compact range, largest subtree first. */
  border: SubtreeHash[]
  /** Every perfect subtree of level >= 1 that the new leaves completed, in completion order. */
  completed: SubtreeHash[]
  /** MTH of the first `size` leaves. */
  root: Uint8Array
}

/** The addresses of a log's compact range at `size` (the hashes a batch needs to go on). */
export function borderOf(size: number): SubtreeAddress[] {
  return perfectSubtrees({ begin: 0, end: size })
}

/**
 * Appends leaf hashes to the compact range of a log of `size` leaves. `border` holds the hashes of
 * borderOf(size), in that order.
 */
export function extendRange(size: number, border: readonly SubtreeHash[], leafHashes: readonly Uint8Array[]): ExtendedRange {
  const expected = borderOf(size)
  if (border.length !== expected.length || expected.some((a, i) => a.level !== border[i]!.level || a.index !== border[i]!.index)) {
    throw new MerkleError('size_beyond_tree', `the border given is not the compact range of ${size} leaves`)
  }
  const stack: SubtreeHash[] = border.map((node) => ({ ...node }))
  const completed: SubtreeHash[] = []
  let index = size
  for (const hash of leafHashes) {
    if (hash.length !== HASH_SIZE) throw new MerkleError('hash_length', `leaf hash #${index} is not ${HASH_SIZE} bytes`)
    stack.push({ level: 0, index, hash })
    index += 1
    // Two neighbours of one level are the two halves of a new perfect subtree.
    for (let top = stack.length - 1; top > 0 && stack[top]!.level === stack[top - 1]!.level; top = stack.length - 1) {
      const right = stack.pop()!
      const left = stack.pop()!
      const parent = { level: left.level + 1, index: left.index / 2, hash: nodeHash(left.hash, right.hash) }
      completed.push(parent)
      stack.push(parent)
    }
  }
  const root = stack.length === 0 ? Uint8Array.from(EMPTY_ROOT) : foldSubtreeHashes(stack.map((node) => node.hash))
  return { size: index, border: stack, completed, root }
}
