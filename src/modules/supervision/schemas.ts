import { Type } from 'typebox'
import { DateTime, Localized, Uuid } from '../../http/schemas.js'
import { SECTORS, SIZE_BANDS } from '../catalog/catalog-types.js'
import { ROUND_KINDS, ROUND_STATUSES } from './schema.js'

// Request and response schemas of the supervision routes (typebox). Responses are serialised by
// these schemas, which drop any field not declared.

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])
const Score = Nullable(Type.Number())
const Kind = Type.Enum(ROUND_KINDS)
const Status = Type.Enum(ROUND_STATUSES)
const DisplayState = Type.Enum(['not_started', 'in_progress', 'submitted', 'late', 'returned'])
const ItemClass = Type.Enum(['basic', 'desirable'])

export const RoundParams = Type.Object({ id: Uuid })
export const InstitutionParams = Type.Object({ id: Uuid, orgId: Uuid })
export const SubmissionParams = Type.Object({ id: Uuid, orgId: Uuid, submissionId: Uuid })
export const MySubmissionParams = Type.Object({ id: Uuid, submissionId: Uuid })
export const LangQuery = Type.Object({ lang: Type.Optional(Type.Enum(['ja', 'en'])) })

const CatalogRef = Type.Object({ id: Uuid, key: Type.String(), version: Type.String(), title: Localized })
const Counts = Type.Object({ targets: Type.Integer(), started: Type.Integer(), submitted: Type.Integer(), late: Type.Integer(), returned: Type.Integer() })

const roundSummaryFields = {
  id: Uuid,
  kind: Kind,
  title: Localized,
  status: Status,
  catalog: CatalogRef,
  opensAt: DateTime,
  dueAt: DateTime,
  createdAt: DateTime,
  publishedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  feedbackReleasedAt: Nullable(DateTime),
  counts: Counts,
}
export const RoundSummary = Type.Object(roundSummaryFields)

const TargetSpec = Type.Object(
  {
    mode: Type.Enum(['criteria', 'list']),
    sectors: Nullable(Type.Array(Type.Enum(SECTORS), { maxItems: SECTORS.length })),
    sizes: Nullable(Type.Array(Type.Enum(SIZE_BANDS), { maxItems: SIZE_BANDS.length })),
    institutionIds: Type.Array(Uuid, { maxItems: 5000 }),
  },
  { additionalProperties: false },
)

const TargetView = Type.Object({
  mode: Type.Enum(['criteria', 'list']),
  sectors: Nullable(Type.Array(Type.String())),
  sizes: Nullable(Type.Array(Type.String())),
  institutionIds: Type.Array(Uuid),
})

export const RoundDetail = Type.Object({
  ...roundSummaryFields,
  instructions: Type.String(),
  target: TargetView,
  carryForward: Type.Boolean(),
  kAnonymity: Type.Integer(),
  feedbackGeneratedAt: Nullable(DateTime),
  permissions: Type.Object({ edit: Type.Boolean(), publish: Type.Boolean(), close: Type.Boolean(), manage: Type.Boolean() }),
})

export const RoundBody = Type.Object(
  {
    kind: Kind,
    title: Type.Object({ ja: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    catalogId: Uuid,
    target: TargetSpec,
    opensAt: Type.String({ format: 'date-time' }),
    dueAt: Type.String({ format: 'date-time' }),
    instructions: Type.Optional(Type.String({ maxLength: 10000 })),
    carryForward: Type.Optional(Type.Boolean()),
    kAnonymity: Type.Optional(Type.Integer({ minimum: 2, maximum: 100 })),
  },
  { additionalProperties: false },
)

const InstitutionRef = Type.Object({ id: Uuid, name: Localized, sector: Type.String(), sizeBand: Type.String() })

export const TargetStatus = Type.Object({
  institution: InstitutionRef,
  state: DisplayState,
  submission: Nullable(
    Type.Object({
      id: Uuid,
      version: Type.Integer(),
      submittedAt: DateTime,
      digest: Type.String(),
      late: Type.Boolean(),
      source: Type.Enum(['online', 'import']),
      overallScore: Score,
    }),
  ),
  lastRemindedAt: Nullable(DateTime),
})
export const TargetsQuery = Type.Object({ state: Type.Optional(DisplayState) })

export const ReminderBody = Type.Object(
  { institutionIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000 })), message: Type.Optional(Type.String({ maxLength: 4000 })) },
  { additionalProperties: false },
)

const SubmissionEntry = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  submittedAt: DateTime,
  submittedBy: Type.String(),
  digest: Type.String(),
  late: Type.Boolean(),
  source: Type.Enum(['online', 'import']),
  overallScore: Score,
  basicCompliance: Score,
})

const ThreadEntry = Type.Object({
  id: Uuid,
  kind: Type.Enum(['return', 'response', 'reminder', 'submission']),
  side: Type.Enum(['supervisor', 'institution']),
  author: Nullable(Type.String()),
  body: Type.String(),
  submissionVersion: Nullable(Type.Integer()),
  createdAt: DateTime,
})

export const InstitutionInRound = Type.Object({
  target: TargetStatus,
  submissions: Type.Array(SubmissionEntry),
  thread: Type.Array(ThreadEntry),
  scores: Nullable(Type.Object({ sections: Type.Array(Type.Object({ ref: Type.String(), title: Localized, score: Score, basicCompliance: Score })) })),
})

export const CommentBody = Type.Object({ comment: Type.String({ maxLength: 10000 }) }, { additionalProperties: false })
export const MessageBody = Type.Object({ body: Type.String({ maxLength: 10000 }) }, { additionalProperties: false })
export const SubmitBody = Type.Object({ assessmentId: Uuid }, { additionalProperties: false })

export const MyRoundSummary = Type.Object({
  id: Uuid,
  kind: Kind,
  title: Localized,
  status: Status,
  supervisor: Localized,
  dueAt: DateTime,
  state: DisplayState,
  feedbackReleased: Type.Boolean(),
})

export const InstitutionRound = Type.Object({
  id: Uuid,
  kind: Kind,
  title: Localized,
  status: Status,
  supervisor: Localized,
  catalog: CatalogRef,
  opensAt: DateTime,
  dueAt: DateTime,
  instructions: Type.String(),
  carryForward: Type.Boolean(),
  state: DisplayState,
  assessmentId: Nullable(Uuid),
  submissions: Type.Array(SubmissionEntry),
  thread: Type.Array(ThreadEntry),
  feedbackReleased: Type.Boolean(),
  permissions: Type.Object({ start: Type.Boolean(), submit: Type.Boolean(), respond: Type.Boolean() }),
})

export const ApprovedAssessment = Type.Object({ id: Uuid, title: Type.String(), version: Type.Integer(), approvedAt: Nullable(DateTime) })
export const StartedAssessment = Type.Object({ assessmentId: Uuid, carried: Type.Integer() })
export const Jurisdiction = Type.Array(InstitutionRef)

// ---------------------------------------------------------------- analysis and feedback

const Distribution = Type.Object({
  count: Type.Integer(),
  mean: Type.Number(),
  p10: Type.Number(),
  p25: Type.Number(),
  median: Type.Number(),
  p75: Type.Number(),
  p90: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
})
const GroupFigure = Type.Object({ sector: Type.String(), sizeBand: Nullable(Type.String()), size: Type.Integer(), belowK: Type.Boolean(), distribution: Nullable(Distribution) })
const MetricFigures = { all: Nullable(Distribution), bySector: Type.Array(GroupFigure), byPeer: Type.Array(GroupFigure) }
const CommonWeakness = Type.Object({ ref: Type.String(), sectionRef: Type.String(), class: ItemClass, title: Localized, implementationRate: Type.Number(), assessed: Type.Integer() })

export const RoundAnalysis = Type.Object({
  k: Type.Integer(),
  targets: Type.Integer(),
  submissions: Type.Integer(),
  overall: Type.Object(MetricFigures),
  basicCompliance: Type.Object(MetricFigures),
  fullBasicComplianceRate: Score,
  sections: Type.Array(Type.Object({ ref: Type.String(), title: Localized, ...MetricFigures })),
  items: Type.Array(
    Type.Object({
      ref: Type.String(),
      sectionRef: Type.String(),
      class: ItemClass,
      title: Localized,
      assessed: Type.Integer(),
      inPlace: Type.Integer(),
      rate: Score,
      previousRate: Score,
    }),
  ),
  commonWeaknesses: Type.Array(CommonWeakness),
  previous: Nullable(
    Type.Object({
      roundId: Uuid,
      title: Localized,
      submissions: Type.Integer(),
      overallMean: Score,
      basicComplianceMean: Score,
      sections: Type.Array(Type.Object({ ref: Type.String(), mean: Score })),
    }),
  ),
})

export const DrillDownQuery = Type.Object({
  sectionRef: Type.Optional(Type.String({ maxLength: 40 })),
  sector: Type.Optional(Type.Enum(SECTORS)),
  sizeBand: Type.Optional(Type.Enum(SIZE_BANDS)),
  itemRef: Type.Optional(Type.String({ maxLength: 40 })),
})

export const DrillDownRow = Type.Object({
  institution: InstitutionRef,
  score: Score,
  basicCompliance: Score,
  itemInPlace: Nullable(Type.Boolean()),
  submission: Type.Object({ id: Uuid, version: Type.Integer(), submittedAt: DateTime, late: Type.Boolean() }),
})

const PeerGroup = Type.Object({
  level: Type.Enum(['peer', 'sector', 'all']),
  sector: Nullable(Type.String()),
  sizeBand: Nullable(Type.String()),
  size: Type.Integer(),
  fellBackFrom: Nullable(Type.Enum(['peer', 'sector'])),
})
const SectionFeedback = Type.Object({ ref: Type.String(), title: Localized, score: Score, peers: Nullable(Distribution), percentileRank: Score, previousScore: Score })

export const FeedbackReport = Type.Object({
  roundId: Uuid,
  roundTitle: Localized,
  roundKind: Kind,
  catalog: Type.Object({ key: Type.String(), version: Type.String(), title: Localized }),
  institution: Type.Object({ id: Uuid, name: Localized, sector: Type.String(), sizeBand: Type.String() }),
  submission: Type.Object({ version: Type.Integer(), submittedAt: Type.String(), digest: Type.String(), late: Type.Boolean() }),
  generatedAt: Type.String(),
  k: Type.Integer(),
  peerGroup: PeerGroup,
  overall: SectionFeedback,
  basicCompliance: Type.Object({ own: Score, peers: Nullable(Distribution) }),
  sections: Type.Array(SectionFeedback),
  unmetBasicItems: Type.Array(Type.Object({ ref: Type.String(), sectionRef: Type.String(), title: Localized, ownScore: Type.Number() })),
  largestGaps: Type.Array(
    Type.Object({ ref: Type.String(), sectionRef: Type.String(), class: ItemClass, title: Localized, ownScore: Type.Number(), peerImplementationRate: Type.Number() }),
  ),
  trend: Type.Array(Type.Object({ roundId: Uuid, roundTitle: Localized, closedAt: Type.String(), overall: Score, basicCompliance: Score })),
})

export const SectorSummary = Type.Object({
  roundId: Uuid,
  roundTitle: Localized,
  catalog: Type.Object({ key: Type.String(), version: Type.String(), title: Localized }),
  generatedAt: Type.String(),
  k: Type.Integer(),
  targets: Type.Integer(),
  submissions: Type.Integer(),
  headline: Type.Object({ meanOverall: Score, meanBasicCompliance: Score, fullBasicComplianceRate: Score }),
  overall: Nullable(Distribution),
  sections: Type.Array(Type.Object({ ref: Type.String(), title: Localized, distribution: Nullable(Distribution) })),
  bySector: Type.Array(Type.Object({ sector: Type.String(), distribution: Distribution })),
  othersFolded: Type.Integer(),
  commonWeaknesses: Type.Array(CommonWeakness),
  trend: Nullable(Type.Object({ previousRoundId: Uuid, previousRoundTitle: Localized, previousMeanOverall: Score, previousMeanBasicCompliance: Score })),
})

export const FeedbackJob = Type.Object({
  state: Type.Enum(['idle', 'running', 'done', 'failed']),
  total: Type.Integer(),
  done: Type.Integer(),
  startedAt: Nullable(DateTime),
  finishedAt: Nullable(DateTime),
  error: Nullable(Type.String()),
  generatedAt: Nullable(DateTime),
  releasedAt: Nullable(DateTime),
})

export const CsvQuery = Type.Object({ table: Type.Optional(Type.Enum(['status', 'scores', 'answers'])), lang: Type.Optional(Type.Enum(['ja', 'en'])) })

const SignedHead = Type.Object({
  logId: Type.String(),
  treeSize: Type.Integer(),
  rootHash: Type.String(),
  timestamp: Type.Integer(),
  keyId: Type.String(),
  signature: Type.String(),
})

export const SubmissionReceipt = Type.Object({
  claim: Type.Object({ roundId: Uuid, institutionOrgId: Uuid, version: Type.Integer(), digest: Type.String(), late: Type.Boolean() }),
  receipt: Nullable(
    Type.Object({
      logId: Type.String(),
      leafIndex: Type.Integer(),
      treeSize: Type.Integer(),
      leafHash: Type.String(),
      rootHash: Type.String(),
      inclusionPath: Type.Array(Type.String()),
      signedHead: Nullable(SignedHead),
      entry: Type.String(),
    }),
  ),
})
