import type { Queryable } from '../../db/database.js'
import { invalid } from '../../errors.js'
import { recordAudit } from '../audit/service.js'
import * as repo from './repository.js'

// Jurisdiction: which supervisor receives what from which institution (監督当局と所管の金融機関).
// A supervisor sees an institution's incident reports only through such a link. The demo seed links
// the demo supervisor to every demo institution; the supervision module will reuse these functions.

export type SupervisedOrganisation = repo.OrganisationRef

const notASupervisor = () => {
  const message = { ja: '監督当局の組織ではありません', en: 'Not a supervisor organisation' }
  return invalid(message, [{ path: 'supervisorOrgId', message }])
}
const notAnInstitution = () => {
  const message = { ja: '金融機関の組織ではありません', en: 'Not an institution' }
  return invalid(message, [{ path: 'institutionOrgId', message }])
}

/**
 * Puts an institution in a supervisor's jurisdiction (idempotent), inside the caller's
 * transaction, with an audit event when the link is new.
 */
export async function linkInstitution(tx: Queryable, supervisorOrgId: string, institutionOrgId: string, actorUserId: string | null = null, at = new Date()): Promise<void> {
  const supervisor = await repo.findOrganisation(tx, supervisorOrgId)
  if (supervisor?.kind !== 'supervisor') throw notASupervisor()
  const institution = await repo.findOrganisation(tx, institutionOrgId)
  if (institution?.kind !== 'institution') throw notAnInstitution()
  if (await repo.insertSupervisionLink(tx, supervisorOrgId, institutionOrgId, at)) {
    await recordAudit(tx, {
      actorUserId,
      orgId: supervisorOrgId,
      action: 'supervision.institution_linked',
      target: { type: 'organisation', id: institutionOrgId },
      after: { supervisorOrgId, institutionOrgId },
      at,
    })
  }
}

/** Takes an institution out of a supervisor's jurisdiction; reports already received stay out of sight too. */
export async function unlinkInstitution(tx: Queryable, supervisorOrgId: string, institutionOrgId: string, actorUserId: string | null = null, at = new Date()): Promise<void> {
  if (await repo.deleteSupervisionLink(tx, supervisorOrgId, institutionOrgId)) {
    await recordAudit(tx, {
      actorUserId,
      orgId: supervisorOrgId,
      action: 'supervision.institution_unlinked',
      target: { type: 'organisation', id: institutionOrgId },
      before: { supervisorOrgId, institutionOrgId },
      at,
    })
  }
}

/** The institutions in a supervisor's jurisdiction. */
export function institutionsSupervisedBy(db: Queryable, supervisorOrgId: string): Promise<SupervisedOrganisation[]> {
  return repo.institutionsOf(db, supervisorOrgId)
}

/** The supervisors an institution reports to. */
export function supervisorsOf(db: Queryable, institutionOrgId: string): Promise<SupervisedOrganisation[]> {
  return repo.supervisorsOf(db, institutionOrgId)
}
