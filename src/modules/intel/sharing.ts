import { randomUUID } from 'node:crypto'
import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { RecipientKind } from './schema.js'
import { patternFor, uuidV5, type ObservableType } from './stix-build.js'
import { TLP_LEVELS, TLP2_MARKING_IDS, tlpMarkingDefinition, type SharedObjectAccess, type TlpLevel } from './tlp.js'

// Sharing under TLP 2.0 (issue 5 §2), the pure part: which label an object is stored under, what
// the recipients of a share mean to `mayRead`, which recipients a label admits, and the STIX report
// bundle an institution shares (from one of its incidents or a list of indicators). No I/O.

// ---------------------------------------------------------------- labels

/** The more restrictive of two labels (RED is the most restrictive). */
export function mostRestrictive(a: TlpLevel, b: TlpLevel): TlpLevel {
  return TLP_LEVELS.indexOf(a) <= TLP_LEVELS.indexOf(b) ? a : b
}

/**
 * The one label a stored object carries: the object's own TLP marking, never widened — the label
 * chosen for the share makes it more restrictive when it is; an unmarked object takes the chosen
 * label, else the collection's default.
 */
export function effectiveTlp(own: TlpLevel | null, chosen: TlpLevel | null, collectionDefault: TlpLevel): TlpLevel {
  if (own && chosen) return mostRestrictive(own, chosen)
  return own ?? chosen ?? collectionDefault
}

// ---------------------------------------------------------------- recipients

export interface Recipients {
  orgIds: string[]
  userIds: string[]
  clientOrgIds: string[]
}

export const NO_RECIPIENTS: Recipients = { orgIds: [], userIds: [], clientOrgIds: [] }

export interface RecipientRow {
  kind: RecipientKind
  orgId: string | null
  userId: string | null
}

/** What a stored object was shared with, as `mayRead` reads it. */
export function accessOf(
  object: { tlp: TlpLevel; producerOrgId: string; communityId: string; collectionId: string },
  recipients: readonly RecipientRow[],
): SharedObjectAccess {
  const orgs = recipients.filter((r) => r.kind === 'org' && r.orgId).map((r) => r.orgId!)
  return {
    tlp: object.tlp,
    producerOrgId: object.producerOrgId,
    // An organisation named for RED reads as a whole; named for AMBER(+STRICT) it is the recipient.
    recipientOrgIds: orgs,
    namedRecipients: { userIds: recipients.filter((r) => r.kind === 'user' && r.userId).map((r) => r.userId!), orgIds: orgs },
    clientOrgIds: recipients.filter((r) => r.kind === 'client' && r.orgId).map((r) => r.orgId!),
    communityId: object.communityId,
    collectionId: object.collectionId,
  }
}

const RECIPIENT_RULES: Localized = {
  ja: 'TLP:RED は受信者（組織または個人）、TLP:AMBER+STRICT と TLP:AMBER は受信組織を指定します',
  en: 'TLP:RED names its recipients (organisations or people), TLP:AMBER+STRICT and TLP:AMBER their recipient organisations',
}

/** Which recipients a label admits (FIRST TLP 2.0): an empty list for a label that needs some is refused too. */
export function recipientProblems(tlp: TlpLevel, recipients: Recipients, at: string): ErrorDetail[] {
  const problems: ErrorDetail[] = []
  if (recipients.userIds.length > 0 && tlp !== 'red') {
    problems.push({ path: `${at}.userIds`, message: { ja: '個人を受信者にできるのは TLP:RED だけです', en: 'Only TLP:RED names people as recipients' } })
  }
  if (recipients.clientOrgIds.length > 0 && tlp !== 'amber') {
    problems.push({ path: `${at}.clientOrgIds`, message: { ja: '顧客（クライアント）を指定できるのは TLP:AMBER だけです', en: 'Only TLP:AMBER names clients' } })
  }
  if (recipients.orgIds.length > 0 && (tlp === 'green' || tlp === 'clear')) {
    problems.push({
      path: `${at}.orgIds`,
      message: { ja: 'TLP:GREEN と TLP:CLEAR は受信者を指定しません（コミュニティ・コレクション全体に共有されます）', en: 'TLP:GREEN and TLP:CLEAR name no recipients (they go to the whole community or collection)' },
    })
  }
  const needsRecipients = tlp === 'red' || tlp === 'amber+strict' || tlp === 'amber'
  if (needsRecipients && recipients.orgIds.length === 0 && (tlp !== 'red' || recipients.userIds.length === 0)) {
    problems.push({ path: `${at}.orgIds`, message: RECIPIENT_RULES })
  }
  return problems
}

// ---------------------------------------------------------------- identities

/** An organisation's STIX identity id: the same wherever and whenever it is generated (UUIDv5). */
export const identityIdOf = (orgId: string) => `identity--${uuidV5(`organisation:${orgId}`)}`

export interface OrganisationIdentity {
  id: string
  kind: string
  nameJa: string
  nameEn: string
  createdAt: Date
}

/** The STIX identity of an organisation (the author of what it shares, or the ISAC standing in for it). */
export function identityObject(org: OrganisationIdentity): Record<string, unknown> {
  const created = org.createdAt.toISOString()
  return {
    type: 'identity',
    spec_version: '2.1',
    id: identityIdOf(org.id),
    created,
    modified: created,
    name: org.nameEn || org.nameJa,
    description: org.nameJa,
    identity_class: 'organization',
    sectors: ['financial-services'],
  }
}

// ---------------------------------------------------------------- reports

export interface IndicatorSpec {
  kind?: ObservableType | 'ip'
  value?: string
  /** A STIX pattern written by hand, instead of kind and value. */
  pattern?: string
  name?: string
  description?: string
}

export interface ReportSpec {
  title: string
  description: string | null
  /** Report labels: the incident's category, when the report comes from an incident. */
  labels: string[]
  tlp: TlpLevel
  /** The identity in created_by_ref: the producer's, or the ISAC's for a report anonymous to members. */
  author: Record<string, unknown> & { id: string }
  indicators: IndicatorSpec[]
  /** The incident the report tells of: its title and category only. */
  incident: { title: string; category: string | null } | null
  now: Date
}

/**
 * The objects of a shared report: the author's identity, the TLP marking definition, the incident
 * (when there is one), the indicators and the report naming them all, every one marked with the
 * label and attributed to the author. Problems name the indicator (`indicators[2].value`).
 */
export function buildReportObjects(spec: ReportSpec, at = 'body'): { objects: Record<string, unknown>[]; problems: ErrorDetail[] } {
  const now = spec.now.toISOString()
  const marking = TLP2_MARKING_IDS[spec.tlp]
  const common = { spec_version: '2.1', created: now, modified: now, created_by_ref: spec.author.id, object_marking_refs: [marking] }
  const problems: ErrorDetail[] = []
  const indicators: Record<string, unknown>[] = []
  spec.indicators.forEach((indicator, i) => {
    const path = `${at}.indicators[${i}]`
    let pattern = indicator.pattern?.trim()
    if (!pattern) {
      if (!indicator.kind || !indicator.value) {
        const message = { ja: '種類と値、またはパターンを指定してください', en: 'Give a kind and a value, or a pattern' }
        problems.push({ path: `${path}.value`, message })
        return
      }
      const built = patternFor(indicator.kind, indicator.value)
      if (!built.ok) {
        problems.push({ path: `${path}.value`, message: built.reason })
        return
      }
      pattern = built.pattern
    }
    indicators.push({
      type: 'indicator',
      ...common,
      id: `indicator--${randomUUID()}`,
      name: indicator.name?.trim() || indicator.value?.trim() || pattern,
      ...(indicator.description?.trim() ? { description: indicator.description.trim() } : {}),
      indicator_types: ['malicious-activity'],
      pattern,
      pattern_type: 'stix',
      valid_from: now,
    })
  })
  const incident = spec.incident
    ? { type: 'incident', ...common, id: `incident--${randomUUID()}`, name: spec.incident.title, ...(spec.incident.category ? { labels: [spec.incident.category] } : {}) }
    : null
  const refs = [...(incident ? [incident.id] : []), ...indicators.map((o) => o.id as string)]
  const report = {
    type: 'report',
    ...common,
    id: `report--${randomUUID()}`,
    name: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    report_types: ['threat-report'],
    published: now,
    object_refs: refs,
    ...(spec.labels.length > 0 ? { labels: spec.labels } : {}),
  }
  const objects = [spec.author, tlpMarkingDefinition(spec.tlp), ...(incident ? [incident] : []), ...indicators, report]
  return { objects, problems }
}
