// Logs shared by the ledger tests.
import type { AppContext } from '../../context.js'
import { appendEntries } from './durable-log.js'
import type { LedgerEntry } from './entry.js'
import { ensureLog, findLog, type LedgerLog } from './service.js'
import { signHead } from './sign-heads.js'
import type { SignedTreeHead } from './tree-head.js'

/** A distinct audit-like entry: pseudonymous actor, a digest for the target. */
export const makeEntry = (i: number, tag = 'test'): LedgerEntry => ({
  kind: `${tag}.event`,
  seq: i,
  actor: `pseudonym-${i % 7}`,
  target: { type: 'assessment', digest: `sha256-${((i + 1) * 7919) % 100_003}` },
})

/** A log holding the given batches of entries, with a head signed after each batch. */
export async function makeSignedLog(
  ctx: AppContext,
  input: { name: string; ownerOrgId?: string | null; batches: number[]; tag?: string },
): Promise<{ log: LedgerLog; entries: LedgerEntry[]; heads: SignedTreeHead[] }> {
  const log = await ensureLog(ctx.db, { name: input.name, ownerOrgId: input.ownerOrgId ?? null })
  const entries: LedgerEntry[] = []
  const heads: SignedTreeHead[] = []
  for (const size of input.batches) {
    const batch = Array.from({ length: size }, (_, i) => makeEntry(entries.length + i, input.tag))
    await appendEntries(ctx.db, log.name, batch)
    entries.push(...batch)
    heads.push(await signHead(ctx, log.name))
  }
  return { log: (await findLog(ctx.db, log.name))!, entries, heads }
}
