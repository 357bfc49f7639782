import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../paths.js'
import { HASH_SIZE, verifyConsistency, verifyInclusion, type ProofCheck } from './merkle.js'

// The RFC 6962/9162 proof vectors of transparency-dev/merkle, read from ../shared/reference (never
// copied into this repository). Every case goes through the verifiers; a case passes when the
// verifier rejects exactly the cases the vector marks wantErr — and, as the reference README asks
// of a correct verifier, also every case carrying a hash that is not 32 bytes (one upstream case
// accepts two equal 12-byte roots at size 1; Kamae refuses it).
const vectorsDir = resolve(packageRoot, '../shared/reference/merkle-vectors/testdata')
const present = existsSync(vectorsDir)

interface InclusionVector {
  leafIdx: number
  treeSize: number
  root: string
  leafHash: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}

interface ConsistencyVector {
  size1: number
  size2: number
  root1: string
  root2: string
  proof: string[] | null
  desc: string
  wantErr: boolean
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? jsonFiles(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : []))
    .sort()
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'))
const read = <T>(file: string) => [relative(vectorsDir, file), JSON.parse(readFileSync(file, 'utf8')) as T] as const
const inclusionCases = jsonFiles(join(vectorsDir, 'inclusion')).map((file) => read<InclusionVector>(file))
const consistencyCases = jsonFiles(join(vectorsDir, 'consistency')).map((file) => read<ConsistencyVector>(file))

const hasShortOrLongHash = (hashes: string[]) => hashes.some((h) => bytes(h).length !== HASH_SIZE)
const expectedToFail = (wantErr: boolean, hashes: string[]) => wantErr || hasShortOrLongHash(hashes)

function checkInclusion(v: InclusionVector): ProofCheck {
  return verifyInclusion({ leafIndex: v.leafIdx, treeSize: v.treeSize, inclusionPath: (v.proof ?? []).map(bytes) }, bytes(v.leafHash), bytes(v.root))
}

function checkConsistency(v: ConsistencyVector): ProofCheck {
  return verifyConsistency({ treeSize1: v.size1, treeSize2: v.size2, consistencyPath: (v.proof ?? []).map(bytes) }, bytes(v.root1), bytes(v.root2))
}

const title = present
  ? 'RFC 9162 reference vectors (../shared/reference/merkle-vectors)'
  : 'RFC 9162 reference vectors: ../shared/reference/merkle-vectors is absent, skipped'

describe.skipIf(!present)(title, () => {
  it('finds the 98 inclusion and 98 consistency cases the reference README lists', () => {
    expect(inclusionCases).toHaveLength(98)
    expect(consistencyCases).toHaveLength(98)
  })

  describe('inclusion proofs', () => {
    it.each(inclusionCases)('%s', (_name, v) => {
      const result = checkInclusion(v)
      const mustFail = expectedToFail(v.wantErr, [v.root, v.leafHash, ...(v.proof ?? [])])
      expect(result.ok, result.ok ? 'accepted' : `${result.reason}: ${result.message}`).toBe(!mustFail)
    })
  })

  describe('consistency proofs', () => {
    it.each(consistencyCases)('%s', (_name, v) => {
      const result = checkConsistency(v)
      const mustFail = expectedToFail(v.wantErr, [v.root1, v.root2, ...(v.proof ?? [])])
      expect(result.ok, result.ok ? 'accepted' : `${result.reason}: ${result.message}`).toBe(!mustFail)
    })
  })

  it('refuses the upstream case that accepts 12-byte roots, for their length', () => {
    const lenient = consistencyCases.filter(([, v]) => !v.wantErr && hasShortOrLongHash([v.root1, v.root2, ...(v.proof ?? [])]))
    expect(lenient.map(([name]) => name)).toEqual(['consistency/additional/sizes-are-equal-one-and-proof-is-empty.json'])
    for (const [, v] of lenient) expect(checkConsistency(v)).toMatchObject({ ok: false, reason: 'hash_length' })
  })

  it('accepts every valid case with 32-byte hashes and rejects every mutated one', () => {
    const outcomes = [
      ...inclusionCases.map(([, v]) => ({ valid: !expectedToFail(v.wantErr, [v.root, v.leafHash, ...(v.proof ?? [])]), ok: checkInclusion(v).ok })),
      ...consistencyCases.map(([, v]) => ({ valid: !expectedToFail(v.wantErr, [v.root1, v.root2, ...(v.proof ?? [])]), ok: checkConsistency(v).ok })),
    ]
    const tally = {
      validAccepted: outcomes.filter((o) => o.valid && o.ok).length,
      mutatedRejected: outcomes.filter((o) => !o.valid && !o.ok).length,
      wrong: outcomes.filter((o) => o.valid !== o.ok).length,
    }
    expect(tally).toEqual({ validAccepted: 11, mutatedRejected: 185, wrong: 0 })
  })
})
