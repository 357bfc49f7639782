import { randomUUID } from 'node:crypto'
import { digestOf } from '../../canonical-json.js'
import type { Queryable } from '../../db/database.js'
import { recordAudit } from '../audit/service.js'
import * as repo from './repository.js'
import type { CustodyStepSubject } from './schema.js'

// Every step of a withdrawal request, an allow-list change or the policy is written twice in the
// caller's transaction: as a row of custody_steps (shown on the request's detail) and as an audit
// event, which the audit trail turns into a ledger entry (issue 6 §2). The step record's digest
// is the audit event's after-digest, so a step shown on screen can be found in the ledger.

const AUDIT_TARGETS: Record<CustodyStepSubject, string> = {
  request: 'custody_request',
  allow_list_change: 'custody_allow_list_change',
  policy: 'custody_policy',
}

export interface StepInput {
  orgId: string
  subject: { type: CustodyStepSubject; id: string }
  /** e.g. 'created', 'approved', 'executed'. */
  step: string
  actorUserId: string | null
  /** The digest of what the step acted on (the request digest), when it has one. */
  subjectDigest: string | null
  /** Facts of the step for the audit trail: never a code, an e-mail address or a name. */
  details?: Record<string, unknown>
  at: Date
}

/** Records the step and its audit event; answers the step record's digest. */
export async function recordStep(tx: Queryable, input: StepInput): Promise<string> {
  const id = randomUUID()
  const details = input.details ?? {}
  const record = {
    type: 'kamae.custody.step',
    v: 1,
    id,
    orgId: input.orgId,
    subject: input.subject,
    step: input.step,
    actor: input.actorUserId,
    subjectDigest: input.subjectDigest,
    details,
    at: input.at.toISOString(),
  }
  const stepDigest = digestOf(record)
  await repo.insertStep(tx, {
    id,
    orgId: input.orgId,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    step: input.step,
    actorUserId: input.actorUserId,
    subjectDigest: input.subjectDigest,
    stepDigest,
    at: input.at,
  })
  await recordAudit(tx, {
    actorUserId: input.actorUserId,
    orgId: input.orgId,
    action: `custody.${input.subject.type}.${input.step}`,
    target: { type: AUDIT_TARGETS[input.subject.type], id: input.subject.id },
    after: record,
    details: { ...details, step: input.step, stepId: id, stepDigest, ...(input.subjectDigest ? { requestDigest: input.subjectDigest } : {}) },
    at: input.at,
  })
  return stepDigest
}
