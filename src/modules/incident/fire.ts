import { Type, type Static } from 'typebox'
import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { Classification } from './classification.js'
import {
  ContactInput,
  ImpactInput,
  InformedInput,
  MeasureInput,
  RootCauseInput,
  ThirdPartyInput,
  TimelineEntryInput,
  normalizeContent,
  taxonomyProblems,
  type ReportContent,
  type ReportContentInput,
} from './content.js'
import { schemaProblems } from './located-errors.js'
import { PHASES, type Phase } from './schema.js'
import type { Taxonomy } from './taxonomy.js'

// Incident reports as JSON for exchange, aligned with the structure of the FSB's Format for
// Incident Reporting Exchange (FIRE, 2025): reporting details, incident details, impact assessment,
// closure. An export carries the latest report of each incident with its history and
// classification; an import reads the same document back (the export-only parts are optional) and
// is checked whole, every problem named by its JSON path. Pure: no I/O.

export const FIRE_FORMAT = 'kamae.incident-report.fire'
export const FIRE_FORMAT_VERSION = 1

const closed = { additionalProperties: false }
const nullable = <T>(type: string, extra: Record<string, unknown> = {}) => Type.Unsafe<T | null>({ type: [type, 'null'], ...extra })
const NullableText = nullable<string>('string')
const NullableDateTime = nullable<string>('string', { format: 'date-time' })
const LocalizedText = Type.Object({ ja: Type.String(), en: Type.String() }, closed)
const PhaseEnum = Type.Enum(PHASES)

const ReportingDetails = Type.Object(
  {
    reference: Type.Optional(NullableText),
    reportingEntity: Type.Optional(Type.Object({ name: LocalizedText, sector: NullableText }, closed)),
    reportPhase: Type.Optional(nullable<Phase>('string', { enum: [...PHASES, null] })),
    reportVersion: Type.Optional(nullable<number>('integer', { minimum: 1 })),
    submittedAt: Type.Optional(NullableDateTime),
    contact: Type.Optional(ContactInput),
    reportHistory: Type.Optional(
      Type.Array(
        Type.Object(
          {
            version: Type.Integer({ minimum: 1 }),
            phase: PhaseEnum,
            submittedAt: Type.String({ format: 'date-time' }),
            dueAt: NullableDateTime,
            late: Type.Boolean(),
            severity: Type.String(),
            contentDigest: Type.String(),
          },
          closed,
        ),
      ),
    ),
  },
  closed,
)

const IncidentDetails = Type.Object(
  {
    title: Type.Optional(nullable<string>('string', { maxLength: 200 })),
    description: Type.Optional(nullable<string>('string', { maxLength: 8000 })),
    category: Type.Optional(nullable<string>('string', { maxLength: 60 })),
    categoryLabel: Type.Optional(Type.Union([LocalizedText, Type.Null()])),
    categoryOther: Type.Optional(nullable<string>('string', { maxLength: 200 })),
    detectedAt: Type.Optional(NullableDateTime),
    occurredAt: Type.Optional(NullableDateTime),
    recoveredAt: Type.Optional(NullableDateTime),
    currentStatus: Type.Optional(nullable<string>('string', { enum: ['investigating', 'contained', 'recovering', 'recovered', null] })),
    affectedServices: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
    customersAffected: Type.Optional(nullable<string>('string', { enum: ['yes', 'no', 'unknown', null] })),
    timeline: Type.Optional(Type.Array(TimelineEntryInput, { maxItems: 200 })),
    actionsTaken: Type.Optional(nullable<string>('string', { maxLength: 8000 })),
    thirdParties: Type.Optional(Type.Array(ThirdPartyInput, { maxItems: 50 })),
    notifications: Type.Optional(InformedInput),
  },
  closed,
)

const ClassificationExport = Type.Object(
  {
    ruleSet: Type.Object({ id: Type.String(), version: Type.String() }, closed),
    severity: Type.String(),
    computedSeverity: Type.String(),
    criteriaMet: Type.Array(Type.String()),
    summary: LocalizedText,
    override: Type.Union([Type.Object({ severity: Type.String(), reason: Type.String(), at: Type.String({ format: 'date-time' }) }, closed), Type.Null()]),
  },
  closed,
)

const ImpactAssessment = Type.Object({ ...ImpactInput.properties, classification: Type.Optional(Type.Union([ClassificationExport, Type.Null()])) }, closed)

const Closure = Type.Object(
  {
    rootCause: Type.Optional(RootCauseInput),
    measuresTaken: Type.Optional(nullable<string>('string', { maxLength: 8000 })),
    measuresPlanned: Type.Optional(Type.Array(MeasureInput, { maxItems: 100 })),
    lessonsLearned: Type.Optional(nullable<string>('string', { maxLength: 8000 })),
    closedAt: Type.Optional(NullableDateTime),
  },
  closed,
)

export const FireIncident = Type.Object(
  {
    reportingDetails: Type.Optional(ReportingDetails),
    incidentDetails: IncidentDetails,
    impactAssessment: Type.Optional(ImpactAssessment),
    closure: Type.Optional(Closure),
  },
  closed,
)

export const FireDocument = Type.Object(
  {
    format: Type.Literal(FIRE_FORMAT),
    formatVersion: Type.Literal(FIRE_FORMAT_VERSION),
    exportedAt: Type.Optional(Type.String({ format: 'date-time' })),
    incidents: Type.Array(FireIncident, { minItems: 1, maxItems: 500 }),
  },
  closed,
)
export type FireDocument = Static<typeof FireDocument>
export type FireIncident = Static<typeof FireIncident>

// ---------------------------------------------------------------- export

/** One incident as the exports see it: its latest report and what surrounds it. */
export interface IncidentRecord {
  reference: string
  institution: { nameJa: string; nameEn: string; sector: string | null }
  status: 'draft' | 'open' | 'closed'
  /** The phase and version of the report exported; for a never-submitted incident, the draft's phase and no version. */
  phase: Phase | null
  version: number | null
  submittedAt: Date | null
  closedAt: Date | null
  content: ReportContent
  classification: Classification
  override: { severity: string; reason: string; at: Date } | null
  versions: { version: number; phase: Phase; submittedAt: Date; dueAt: Date | null; late: boolean; severity: string; contentDigest: string }[]
  categoryLabel: Localized | null
  nextDue: { phase: Phase; dueAt: Date | null; overdue: boolean } | null
}

const iso = (date: Date | null) => (date ? date.toISOString() : null)

export function toFireIncident(record: IncidentRecord): FireIncident {
  const { content, classification } = record
  return {
    reportingDetails: {
      reference: record.reference,
      reportingEntity: { name: { ja: record.institution.nameJa, en: record.institution.nameEn }, sector: record.institution.sector },
      reportPhase: record.phase,
      reportVersion: record.version,
      submittedAt: iso(record.submittedAt),
      contact: content.contact,
      reportHistory: record.versions.map((v) => ({
        version: v.version,
        phase: v.phase,
        submittedAt: v.submittedAt.toISOString(),
        dueAt: iso(v.dueAt),
        late: v.late,
        severity: v.severity,
        contentDigest: v.contentDigest,
      })),
    },
    incidentDetails: {
      title: content.title,
      description: content.summary,
      category: content.category,
      categoryLabel: record.categoryLabel,
      categoryOther: content.categoryOther,
      detectedAt: content.detectedAt,
      occurredAt: content.occurredAt,
      recoveredAt: content.recoveredAt,
      currentStatus: content.currentStatus,
      affectedServices: content.affectedServices,
      customersAffected: content.customersAffected,
      timeline: content.timeline,
      actionsTaken: content.actionsTaken,
      thirdParties: content.thirdParties,
      notifications: content.informed,
    },
    impactAssessment: {
      ...content.impact,
      classification: {
        ruleSet: classification.ruleSet,
        severity: record.override?.severity ?? classification.severity,
        computedSeverity: classification.severity,
        criteriaMet: classification.criteria.filter((c) => c.fired).map((c) => c.id),
        summary: classification.summary,
        override: record.override ? { severity: record.override.severity, reason: record.override.reason, at: record.override.at.toISOString() } : null,
      },
    },
    closure: {
      rootCause: content.rootCause,
      measuresTaken: content.measuresTaken,
      measuresPlanned: content.measuresPlanned,
      lessonsLearned: content.lessonsLearned,
      closedAt: iso(record.closedAt),
    },
  }
}

export function buildFireDocument(records: IncidentRecord[], exportedAt: Date): FireDocument {
  return { format: FIRE_FORMAT, formatVersion: FIRE_FORMAT_VERSION, exportedAt: exportedAt.toISOString(), incidents: records.map(toFireIncident) }
}

// ---------------------------------------------------------------- import

export interface ImportedReport {
  reference: string | null
  phase: Phase | null
  content: ReportContent
}

export type FireImport = { ok: true; reports: ImportedReport[] } | { ok: false; errors: ErrorDetail[] }

/** Where a field of the report content sits in a FIRE incident, for locating problems in the file. */
const FIRE_LOCATION: [string, string][] = [
  ['contact', 'reportingDetails.contact'],
  ['impact', 'impactAssessment'],
  ['rootCause', 'closure.rootCause'],
  ['measuresTaken', 'closure.measuresTaken'],
  ['measuresPlanned', 'closure.measuresPlanned'],
  ['lessonsLearned', 'closure.lessonsLearned'],
  ['informed', 'incidentDetails.notifications'],
  ['summary', 'incidentDetails.description'],
]

export function fireLocation(contentPath: string): string {
  for (const [field, location] of FIRE_LOCATION) {
    if (contentPath === field || contentPath.startsWith(`${field}.`) || contentPath.startsWith(`${field}[`)) return location + contentPath.slice(field.length)
  }
  return `incidentDetails.${contentPath}`
}

export function fromFireIncident(incident: FireIncident): ReportContentInput {
  const details = incident.incidentDetails
  const { classification: _classification, ...impact } = incident.impactAssessment ?? {}
  const closure = incident.closure ?? {}
  return {
    title: details.title,
    summary: details.description,
    detectedAt: details.detectedAt,
    occurredAt: details.occurredAt,
    recoveredAt: details.recoveredAt,
    category: details.category,
    categoryOther: details.categoryOther,
    affectedServices: details.affectedServices,
    customersAffected: details.customersAffected as ReportContentInput['customersAffected'],
    currentStatus: details.currentStatus as ReportContentInput['currentStatus'],
    contact: incident.reportingDetails?.contact,
    impact,
    timeline: details.timeline,
    actionsTaken: details.actionsTaken,
    thirdParties: details.thirdParties,
    informed: details.notifications,
    rootCause: closure.rootCause,
    measuresTaken: closure.measuresTaken,
    measuresPlanned: closure.measuresPlanned,
    lessonsLearned: closure.lessonsLearned,
  }
}

/** Reads a FIRE document (already parsed from JSON): every report in it, or every problem with it. */
export function parseFireDocument(raw: unknown, taxonomy: Taxonomy): FireImport {
  const structural = schemaProblems(FireDocument, raw)
  if (structural.length > 0) return { ok: false, errors: structural }
  const document = raw as FireDocument
  const errors: ErrorDetail[] = []
  const reports = document.incidents.map((incident, i): ImportedReport => {
    const content = normalizeContent(fromFireIncident(incident))
    for (const problem of taxonomyProblems(content, taxonomy, '')) {
      errors.push({ path: `incidents[${i}].${fireLocation(problem.path.replace(/^\./, ''))}`, message: problem.message })
    }
    return { reference: incident.reportingDetails?.reference ?? null, phase: incident.reportingDetails?.reportPhase ?? null, content }
  })
  return errors.length > 0 ? { ok: false, errors } : { ok: true, reports }
}

/** Reads the bytes of an uploaded FIRE file. */
export function readFireFile(data: Buffer, taxonomy: Taxonomy): FireImport {
  let raw: unknown
  try {
    raw = JSON.parse(data.toString('utf8').replace(/^\uFEFF/, ''))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, errors: [{ path: '$', message: { ja: `ファイルを JSON として読めません: ${reason}`, en: `The file is not valid JSON: ${reason}` } }] }
  }
  return parseFireDocument(raw, taxonomy)
}
