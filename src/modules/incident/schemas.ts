import { Type } from 'typebox'
import { DateTime, Localized, Uuid } from '../../http/schemas.js'
import { SECTORS } from '../catalog/catalog-types.js'
import { ReportContentInput } from './content.js'
import { DEADLINE_ANCHORS } from './deadlines.js'
import { PHASES } from './schema.js'

// Request and response schemas of the incident routes (typebox). Responses are serialised by these
// schemas, which drop any field not declared: a second guard against leaking a column.

const OptionalDateTime = Type.Union([DateTime, Type.Null()])
const OptionalText = Type.Union([Type.String(), Type.Null()])
const Phase = Type.Enum(PHASES)
const IncidentStatus = Type.Enum(['draft', 'open', 'closed'])
const LevelId = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 60 })

export const Person = Type.Object({ id: Type.String(), displayName: Type.String() })
const OptionalPerson = Type.Union([Person, Type.Null()])
export const OrgRef = Type.Object({ id: Type.String(), name: Localized, sector: OptionalText })

/** A report's content as answered: the input fields plus the files submitted with it. */
export const ReportContentView = Type.Object({
  ...ReportContentInput.properties,
  attachments: Type.Array(Type.Object({ id: Type.String(), filename: Type.String(), mediaType: Type.String(), sizeBytes: Type.Integer(), sha256: Type.String() })),
})

export const Classification = Type.Object({
  ruleSet: Type.Object({ id: Type.String(), version: Type.String() }),
  severity: Type.String(),
  label: Localized,
  summary: Localized,
  criteria: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Localized,
      fired: Type.Boolean(),
      conditions: Type.Array(Type.Object({ field: Type.String(), met: Type.Boolean(), text: Localized })),
    }),
  ),
  levels: Type.Array(Type.Object({ id: Type.String(), label: Localized, met: Type.Boolean() })),
})

export const AttachmentEntry = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  mediaType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  uploadedAt: DateTime,
  uploadedBy: Person,
  version: Type.Union([Type.Integer(), Type.Null()]),
})

const versionSummaryFields = {
  id: Type.String(),
  version: Type.Integer(),
  phase: Phase,
  submittedAt: DateTime,
  submittedBy: Person,
  severity: Type.String(),
  dueAt: OptionalDateTime,
  late: Type.Boolean(),
  changes: Type.Array(Type.String()),
}
export const VersionSummary = Type.Object(versionSummaryFields)
export const VersionDetail = Type.Object({ ...versionSummaryFields, content: ReportContentView, contentDigest: Type.String(), classification: Classification })

const NextReport = Type.Union([Type.Object({ phase: Phase, dueAt: OptionalDateTime, overdue: Type.Boolean() }), Type.Null()])
export const Deadlines = Type.Object({
  phases: Type.Array(
    Type.Object({
      phase: Phase,
      dueAt: OptionalDateTime,
      submittedAt: OptionalDateTime,
      status: Type.Enum(['pending', 'submitted', 'not_required', 'missed']),
      late: Type.Boolean(),
      overdue: Type.Boolean(),
    }),
  ),
  next: NextReport,
  overdue: Type.Boolean(),
})

const Acknowledgement = Type.Object({ supervisor: OrgRef, version: Type.Integer(), acknowledgedAt: DateTime, acknowledgedBy: Person, comment: OptionalText })
const SeverityOverride = Type.Object({ supervisor: OrgRef, severity: Type.String(), reason: Type.String(), overriddenAt: DateTime, overriddenBy: Person })
export const Message = Type.Object({
  id: Type.String(),
  supervisor: OrgRef,
  from: Type.Enum(['institution', 'supervisor']),
  author: Person,
  body: Type.String(),
  createdAt: DateTime,
})
const Problem = Type.Object({ path: Type.String(), message: Localized })

export const IncidentDetail = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  status: IncidentStatus,
  title: OptionalText,
  category: OptionalText,
  severity: OptionalText,
  detectedAt: OptionalDateTime,
  createdAt: DateTime,
  updatedAt: DateTime,
  createdBy: Person,
  latest: Type.Union([VersionDetail, Type.Null()]),
  versions: Type.Array(VersionSummary),
  draft: Type.Union([
    Type.Object({ phase: Phase, content: ReportContentView, updatedAt: DateTime, updatedBy: Person, classification: Classification, problems: Type.Array(Problem) }),
    Type.Null(),
  ]),
  nextPhases: Type.Array(Phase),
  deadlines: Deadlines,
  attachments: Type.Array(AttachmentEntry),
  recipients: Type.Array(OrgRef),
  acknowledgements: Type.Array(Acknowledgement),
  severityOverrides: Type.Array(SeverityOverride),
  awaitingReply: Type.Boolean(),
  permissions: Type.Object({ canEdit: Type.Boolean(), canSubmit: Type.Boolean(), canMessage: Type.Boolean() }),
})

export const IncidentListEntry = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  status: IncidentStatus,
  title: OptionalText,
  category: OptionalText,
  severity: OptionalText,
  latestPhase: Type.Union([Phase, Type.Null()]),
  latestVersion: Type.Integer(),
  detectedAt: OptionalDateTime,
  lastSubmittedAt: OptionalDateTime,
  updatedAt: DateTime,
  draft: Type.Union([Type.Object({ phase: Phase, updatedAt: DateTime }), Type.Null()]),
  next: NextReport,
  overdue: Type.Boolean(),
  awaitingReply: Type.Boolean(),
})

const LastMessageFrom = Type.Union([Type.Enum(['institution', 'supervisor']), Type.Null()])

export const InboxEntry = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  institution: OrgRef,
  status: IncidentStatus,
  title: OptionalText,
  category: Type.String(),
  severity: Type.String(),
  computedSeverity: Type.String(),
  overridden: Type.Boolean(),
  latestPhase: Phase,
  latestVersion: Type.Integer(),
  detectedAt: DateTime,
  firstSubmittedAt: DateTime,
  lastSubmittedAt: DateTime,
  next: NextReport,
  overdue: Type.Boolean(),
  acknowledged: Type.Boolean(),
  lastMessageFrom: LastMessageFrom,
})

export const SupervisorIncidentDetail = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  institution: OrgRef,
  status: IncidentStatus,
  title: OptionalText,
  category: Type.String(),
  severity: Type.String(),
  computedSeverity: Type.String(),
  override: Type.Union([SeverityOverride, Type.Null()]),
  detectedAt: DateTime,
  firstSubmittedAt: DateTime,
  lastSubmittedAt: DateTime,
  closedAt: OptionalDateTime,
  latest: VersionDetail,
  versions: Type.Array(Type.Object({ ...versionSummaryFields, acknowledgedAt: OptionalDateTime, acknowledgedBy: OptionalPerson })),
  deadlines: Deadlines,
  attachments: Type.Array(AttachmentEntry),
  needsAcknowledgement: Type.Boolean(),
  lastMessageFrom: LastMessageFrom,
  permissions: Type.Object({ canAcknowledge: Type.Boolean(), canOverride: Type.Boolean(), canMessage: Type.Boolean() }),
})

const Counts = Type.Record(Type.String(), Type.Integer())
export const SectorStats = Type.Object({
  from: Type.String(),
  to: Type.String(),
  sector: OptionalText,
  months: Type.Array(Type.Object({ month: Type.String(), total: Type.Integer(), byCategory: Counts, bySeverity: Counts })),
  totals: Type.Object({ total: Type.Integer(), byCategory: Counts, bySeverity: Counts }),
})

const Labelled = Type.Object({ id: Type.String(), label: Localized })
export const Vocabulary = Type.Object({
  categories: Type.Array(Labelled),
  causes: Type.Array(Type.Object({ id: Type.String(), label: Localized, subcategories: Type.Array(Labelled) })),
  phases: Type.Array(Labelled),
  incidentStatuses: Type.Array(Labelled),
  currentStatuses: Type.Array(Labelled),
  yesNoUnknown: Type.Array(Labelled),
  dataImpactKinds: Type.Array(Labelled),
  origins: Type.Array(Labelled),
  ruleSet: Type.Object({ id: Type.String(), version: Type.String(), title: Localized, source: Type.Union([Localized, Type.Null()]) }),
  severities: Type.Array(Type.Object({ id: Type.String(), label: Localized, description: Localized })),
  criteria: Type.Array(
    Type.Object({ id: Type.String(), label: Localized, note: Type.Union([Localized, Type.Null()]), fields: Type.Array(Type.Object({ field: Type.String(), label: Localized })) }),
  ),
  deadlines: Type.Array(
    Type.Object({ phase: Phase, after: Type.Enum(DEADLINE_ANCHORS), hours: Type.Number(), days: Type.Number(), months: Type.Number(), note: Type.Union([Localized, Type.Null()]) }),
  ),
})

// ---------------------------------------------------------------- requests

const closed = { additionalProperties: false }
const nullableText = (maxLength: number) => Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength })

export const VersionParams = Type.Object({ id: Uuid, version: Type.Integer({ minimum: 1, maximum: 100_000 }) })
export const CreateBody = Type.Object({ content: Type.Optional(ReportContentInput), submit: Type.Optional(Type.Boolean()) }, closed)
export const DraftBody = Type.Object({ phase: Phase, content: ReportContentInput }, closed)
export const InstitutionMessageBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 8000 }), supervisorOrgId: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid' })) },
  closed,
)
export const SupervisorMessageBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 8000 }) }, closed)
export const AcknowledgeBody = Type.Object({ comment: Type.Optional(nullableText(2000)) }, closed)
export const OverrideBody = Type.Object(
  { severity: Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 60 }), reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  closed,
)
export const SelectionBody = Type.Object({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 500 }) }, closed)
export const LangQuery = Type.Object({ lang: Type.Optional(Type.Enum(['ja', 'en'])) })
export const InboxQuery = Type.Object({
  sector: Type.Optional(Type.Enum(SECTORS)),
  category: Type.Optional(LevelId),
  severity: Type.Optional(LevelId),
  phase: Type.Optional(Phase),
  overdue: Type.Optional(Type.Boolean()),
  acknowledged: Type.Optional(Type.Boolean()),
  institutionId: Type.Optional(Uuid),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
})
export const StatsQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' })),
  to: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' })),
  sector: Type.Optional(Type.Enum(SECTORS)),
})

export const DiscardOutcome = Type.Object({ ok: Type.Literal(true), incidentDeleted: Type.Boolean() })
export const ImportOutcome = Type.Object({ created: Type.Array(Type.Object({ id: Type.String(), reference: Type.String() })) })

/** Bytes sent as they are (Fastify never serializes a Buffer or a stream). */
export { Binary } from '../../http/files.js'
