import { Type, type Static, type TSchema } from 'typebox'
import type { ErrorDetail } from '../../errors.js'
import type { Localized } from '../../i18n/locale.js'
import type { Facts } from './classification.js'
import type { Phase } from './schema.js'
import { OTHER_CATEGORY, causeCategory, isCategory, type Taxonomy } from './taxonomy.js'

// What an incident report says (issue 4 §1). One shape for every phase: the initial report fills
// what is known now, intermediate reports add or correct the impact and the response, the final
// report adds the root cause and the lessons. Drafts may be incomplete; what each phase needs
// before it can be submitted is checked by `problemsForPhase`. Pure: no I/O.

export const YES_NO_UNKNOWN = ['yes', 'no', 'unknown'] as const
export const CURRENT_STATUSES = ['investigating', 'contained', 'recovering', 'recovered'] as const
/** DORA's data losses: an effect on the availability, authenticity, integrity or confidentiality of data. */
export const DATA_IMPACT_KINDS = ['availability', 'authenticity', 'integrity', 'confidentiality'] as const
export const ROOT_CAUSE_ORIGINS = ['own', 'direct_provider', 'supply_chain'] as const

// Ajv coerces null to 0 or "" inside an anyOf, so nullable fields are declared with a type list
// (as in the assessment routes), which Ajv checks before coercing.
const nullable = <T>(type: string, extra: Record<string, unknown> = {}) => Type.Unsafe<T | null>({ type: [type, 'null'], ...extra })
const nullableText = (maxLength: number) => nullable<string>('string', { maxLength })
const NullableDateTime = nullable<string>('string', { format: 'date-time' })
const NullableDate = nullable<string>('string', { format: 'date' })
const NullableBoolean = nullable<boolean>('boolean')
const nullableEnum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null] })
// Taxonomy ids are checked against the taxonomy by the service (taxonomyProblems), after it has
// found the incident: a foreign id answers 404 whatever the body says.
const TaxonomyId = nullable<string>('string', { maxLength: 60 })
const Count = nullable<number>('integer', { minimum: 0 })
const Hours = nullable<number>('number', { minimum: 0, maximum: 1_000_000 })
const ShortList = (maxItems: number) => Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems })
const optional = <T extends TSchema>(schema: T) => Type.Optional(schema)
const closed = { additionalProperties: false }

export const ContactInput = Type.Object(
  {
    name: optional(nullableText(100)),
    department: optional(nullableText(200)),
    phone: optional(nullableText(50)),
    email: optional(nullable<string>('string', { format: 'email', maxLength: 254 })),
  },
  closed,
)

export const ImpactInput = Type.Object(
  {
    criticalServicesAffected: optional(NullableBoolean),
    criticalServices: optional(ShortList(50)),
    clientsAffected: optional(Count),
    clientsAffectedPercent: optional(nullable<number>('number', { minimum: 0, maximum: 100 })),
    transactionsAffected: optional(Count),
    durationHours: optional(Hours),
    criticalServiceDowntimeHours: optional(Hours),
    dataAffected: optional(nullableEnum(YES_NO_UNKNOWN)),
    dataImpact: optional(Type.Array(Type.Enum(DATA_IMPACT_KINDS), { maxItems: 4, uniqueItems: true })),
    dataKinds: optional(ShortList(30)),
    maliciousUnauthorisedAccess: optional(NullableBoolean),
    monetaryLossJpy: optional(Count),
    regions: optional(ShortList(100)),
  },
  closed,
)

export const TimelineEntryInput = Type.Object({ at: Type.String({ format: 'date-time' }), description: Type.String({ minLength: 1, maxLength: 2000 }) }, closed)
export const ThirdPartyInput = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), role: optional(nullableText(500)) }, closed)

export const InformedInput = Type.Object(
  {
    police: optional(NullableBoolean),
    policeAt: optional(NullableDateTime),
    nationalCyberCentre: optional(NullableBoolean),
    nationalCyberCentreAt: optional(NullableDateTime),
    isac: optional(NullableBoolean),
    isacAt: optional(NullableDateTime),
    others: optional(nullableText(1000)),
  },
  closed,
)

export const RootCauseInput = Type.Object(
  {
    category: optional(TaxonomyId),
    subcategory: optional(TaxonomyId),
    origin: optional(nullableEnum(ROOT_CAUSE_ORIGINS)),
    description: optional(nullableText(8000)),
  },
  closed,
)

export const MeasureInput = Type.Object({ description: Type.String({ minLength: 1, maxLength: 2000 }), dueDate: optional(NullableDate) }, closed)

/** A report as written: every field optional, so a draft can be saved at any point. */
export const ReportContentInput = Type.Object(
  {
    title: optional(nullableText(200)),
    summary: optional(nullableText(8000)),
    detectedAt: optional(NullableDateTime),
    occurredAt: optional(NullableDateTime),
    recoveredAt: optional(NullableDateTime),
    category: optional(TaxonomyId),
    categoryOther: optional(nullableText(200)),
    affectedServices: optional(ShortList(50)),
    customersAffected: optional(nullableEnum(YES_NO_UNKNOWN)),
    currentStatus: optional(nullableEnum(CURRENT_STATUSES)),
    contact: optional(ContactInput),
    impact: optional(ImpactInput),
    timeline: optional(Type.Array(TimelineEntryInput, { maxItems: 200 })),
    actionsTaken: optional(nullableText(8000)),
    thirdParties: optional(Type.Array(ThirdPartyInput, { maxItems: 50 })),
    informed: optional(InformedInput),
    rootCause: optional(RootCauseInput),
    measuresTaken: optional(nullableText(8000)),
    measuresPlanned: optional(Type.Array(MeasureInput, { maxItems: 100 })),
    lessonsLearned: optional(nullableText(8000)),
  },
  closed,
)
export type ReportContentInput = Static<typeof ReportContentInput>

type YesNoUnknown = (typeof YES_NO_UNKNOWN)[number]

/** A report as stored: every field present, blank text as null, times as ISO 8601 in UTC. */
export interface ReportContent {
  title: string | null
  summary: string | null
  detectedAt: string | null
  occurredAt: string | null
  recoveredAt: string | null
  category: string | null
  categoryOther: string | null
  affectedServices: string[]
  customersAffected: YesNoUnknown | null
  currentStatus: (typeof CURRENT_STATUSES)[number] | null
  contact: { name: string | null; department: string | null; phone: string | null; email: string | null }
  impact: {
    criticalServicesAffected: boolean | null
    criticalServices: string[]
    clientsAffected: number | null
    clientsAffectedPercent: number | null
    transactionsAffected: number | null
    durationHours: number | null
    criticalServiceDowntimeHours: number | null
    dataAffected: YesNoUnknown | null
    dataImpact: (typeof DATA_IMPACT_KINDS)[number][]
    dataKinds: string[]
    maliciousUnauthorisedAccess: boolean | null
    monetaryLossJpy: number | null
    regions: string[]
  }
  timeline: { at: string; description: string }[]
  actionsTaken: string | null
  thirdParties: { name: string; role: string | null }[]
  informed: {
    police: boolean | null
    policeAt: string | null
    nationalCyberCentre: boolean | null
    nationalCyberCentreAt: string | null
    isac: boolean | null
    isacAt: string | null
    others: string | null
  }
  rootCause: { category: string | null; subcategory: string | null; origin: (typeof ROOT_CAUSE_ORIGINS)[number] | null; description: string | null }
  measuresTaken: string | null
  measuresPlanned: { description: string; dueDate: string | null }[]
  lessonsLearned: string | null
  /** Files submitted with the report (filled at submission; a draft's files are listed apart). */
  attachments: { id: string; filename: string; mediaType: string; sizeBytes: number; sha256: string }[]
}

// ---------------------------------------------------------------- normalising

const text = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}
const time = (value: string | null | undefined): string | null => {
  const raw = text(value)
  if (raw === null) return null
  const parsed = new Date(raw)
  return Number.isNaN(parsed.getTime()) ? raw : parsed.toISOString()
}
const list = (values: readonly string[] | undefined): string[] => [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v !== ''))]
const value = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v)

/** The stored form of what was written: trimmed, blanks as null, lists without blanks or repeats. */
export function normalizeContent(input: ReportContentInput): ReportContent {
  const impact = input.impact ?? {}
  const informed = input.informed ?? {}
  const rootCause = input.rootCause ?? {}
  const contact = input.contact ?? {}
  return {
    title: text(input.title),
    summary: text(input.summary),
    detectedAt: time(input.detectedAt),
    occurredAt: time(input.occurredAt),
    recoveredAt: time(input.recoveredAt),
    category: text(input.category),
    categoryOther: text(input.categoryOther),
    affectedServices: list(input.affectedServices),
    customersAffected: value(input.customersAffected),
    currentStatus: value(input.currentStatus),
    contact: { name: text(contact.name), department: text(contact.department), phone: text(contact.phone), email: text(contact.email) },
    impact: {
      criticalServicesAffected: value(impact.criticalServicesAffected),
      criticalServices: list(impact.criticalServices),
      clientsAffected: value(impact.clientsAffected),
      clientsAffectedPercent: value(impact.clientsAffectedPercent),
      transactionsAffected: value(impact.transactionsAffected),
      durationHours: value(impact.durationHours),
      criticalServiceDowntimeHours: value(impact.criticalServiceDowntimeHours),
      dataAffected: value(impact.dataAffected),
      dataImpact: [...new Set(impact.dataImpact ?? [])],
      dataKinds: list(impact.dataKinds),
      maliciousUnauthorisedAccess: value(impact.maliciousUnauthorisedAccess),
      monetaryLossJpy: value(impact.monetaryLossJpy),
      regions: list(impact.regions),
    },
    timeline: (input.timeline ?? [])
      .map((entry) => ({ at: time(entry.at) ?? entry.at, description: entry.description.trim() }))
      .filter((entry) => entry.description !== '')
      .sort((a, b) => a.at.localeCompare(b.at)),
    actionsTaken: text(input.actionsTaken),
    thirdParties: (input.thirdParties ?? []).map((p) => ({ name: p.name.trim(), role: text(p.role) })).filter((p) => p.name !== ''),
    informed: {
      police: value(informed.police),
      policeAt: time(informed.policeAt),
      nationalCyberCentre: value(informed.nationalCyberCentre),
      nationalCyberCentreAt: time(informed.nationalCyberCentreAt),
      isac: value(informed.isac),
      isacAt: time(informed.isacAt),
      others: text(informed.others),
    },
    rootCause: { category: text(rootCause.category), subcategory: text(rootCause.subcategory), origin: value(rootCause.origin), description: text(rootCause.description) },
    measuresTaken: text(input.measuresTaken),
    measuresPlanned: (input.measuresPlanned ?? [])
      .map((m) => ({ description: m.description.trim(), dueDate: text(m.dueDate) }))
      .filter((m) => m.description !== ''),
    lessonsLearned: text(input.lessonsLearned),
    attachments: [],
  }
}

export const emptyContent = (): ReportContent => normalizeContent({})

// ---------------------------------------------------------------- facts for the classification

const HOUR_MS = 3_600_000

/**
 * The facts the rule set looks at. The duration is the reported one, or else the time from
 * occurrence (or detection) to recovery when both are known.
 */
export function factsOf(content: ReportContent): Facts {
  const { impact } = content
  return {
    'impact.criticalServicesAffected': impact.criticalServicesAffected,
    'impact.maliciousUnauthorisedAccess': impact.maliciousUnauthorisedAccess,
    'impact.clientsAffected': impact.clientsAffected,
    'impact.clientsAffectedPercent': impact.clientsAffectedPercent,
    'impact.transactionsAffected': impact.transactionsAffected,
    'impact.durationHours': impact.durationHours ?? derivedDurationHours(content),
    'impact.criticalServiceDowntimeHours': impact.criticalServiceDowntimeHours,
    'impact.regions': impact.regions,
    'impact.dataImpact': impact.dataImpact,
    'impact.dataAffected': impact.dataAffected,
    'impact.monetaryLossJpy': impact.monetaryLossJpy,
    customersAffected: content.customersAffected,
    category: content.category,
  }
}

function derivedDurationHours(content: ReportContent): number | null {
  const start = content.occurredAt ?? content.detectedAt
  if (!start || !content.recoveredAt) return null
  const ms = Date.parse(content.recoveredAt) - Date.parse(start)
  return Number.isFinite(ms) && ms >= 0 ? Math.round((ms / HOUR_MS) * 100) / 100 : null
}

// ---------------------------------------------------------------- what a report must say

const need = (ja: string, en: string): Localized => ({ ja, en })

const MESSAGES = {
  title: need('件名を入力してください', 'Give the incident a title'),
  detectedAt: need('検知日時を入力してください', 'Enter when the incident was detected'),
  detectedInFuture: need('検知日時が未来になっています', 'The detection time is in the future'),
  occurredAfterDetected: need('発生日時は検知日時より前にしてください', 'The incident cannot occur after it was detected'),
  recoveredBeforeStart: need('復旧日時は発生・検知日時より後にしてください', 'Recovery cannot come before the incident occurred or was detected'),
  category: need('インシデントの種類を選んでください', 'Choose the incident category'),
  categoryOther: need('「その他」の内容を入力してください', 'Describe the incident category "other"'),
  affectedServices: need('影響を受けたサービスを1つ以上入力してください', 'Name at least one affected service'),
  customersAffected: need('顧客への影響の有無を選んでください（不明も可）', 'Say whether customers are affected (unknown is allowed)'),
  currentStatus: need('現在の状況を選んでください', 'Choose the current status'),
  contactName: need('連絡担当者の氏名を入力してください', 'Name the contact person'),
  contactReach: need('連絡担当者の電話番号またはメールアドレスを入力してください', "Give the contact person's phone number or e-mail address"),
  criticalServices: need('重要業務への影響の有無を選んでください', 'Say whether critical services are affected'),
  actionsTaken: need('実施した対応を入力してください', 'Describe the actions taken'),
  rootCauseCategory: need('原因の分類を選んでください', 'Choose the root cause category'),
  rootCauseSubcategory: need('原因の詳細分類を選んでください', 'Choose the root cause subcategory'),
  rootCauseOrigin: need('原因の所在（自社・直接の委託先・サプライチェーン）を選んでください', 'Choose where the cause lies (own, direct provider, supply chain)'),
  measuresTaken: need('実施した再発防止策を入力してください', 'Describe the measures taken against recurrence'),
  recoveredAt: need('最終報には復旧日時が必要です', 'The final report needs the recovery time'),
  recovered: need('最終報は復旧後に提出してください（現在の状況: 復旧済み）', 'Submit the final report once recovered (current status: recovered)'),
  unknownCategory: (id: string) => need(`インシデントの種類にない値です（${id}）`, `Not an incident category (${id})`),
  unknownCause: (id: string) => need(`原因の分類にない値です（${id}）`, `Not a root cause category (${id})`),
  unknownSubcause: (id: string) => need(`この原因の分類にない詳細分類です（${id}）`, `Not a subcategory of this root cause category (${id})`),
}

/** Values that must come from the taxonomy: checked whenever a report is saved or imported. */
export function taxonomyProblems(content: ReportContent, taxonomy: Taxonomy, prefix: string): ErrorDetail[] {
  const problems: ErrorDetail[] = []
  if (content.category !== null && !isCategory(taxonomy, content.category)) {
    problems.push({ path: `${prefix}.category`, message: MESSAGES.unknownCategory(content.category) })
  }
  const { category, subcategory } = content.rootCause
  if (category !== null) {
    const cause = causeCategory(taxonomy, category)
    if (!cause) problems.push({ path: `${prefix}.rootCause.category`, message: MESSAGES.unknownCause(category) })
    else if (subcategory !== null && !cause.subcategories.some((s) => s.id === subcategory)) {
      problems.push({ path: `${prefix}.rootCause.subcategory`, message: MESSAGES.unknownSubcause(subcategory) })
    }
  } else if (subcategory !== null) {
    problems.push({ path: `${prefix}.rootCause.category`, message: MESSAGES.rootCauseCategory })
  }
  return problems
}

/** Clock skew allowed between the reporter's idea of "now" and the server's. */
const FUTURE_TOLERANCE_MS = 5 * 60_000

/**
 * What is missing or inconsistent before a report of this phase can be submitted. Each phase
 * needs what the earlier ones need: the initial report what is known now (issue 4 §1), an
 * intermediate report the impact on critical services and the actions taken, the final report
 * the root cause, the measures against recurrence and the recovery.
 */
export function problemsForPhase(content: ReportContent, phase: Phase, taxonomy: Taxonomy, now: Date, prefix: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [...taxonomyProblems(content, taxonomy, prefix)]
  const missing = (field: string, message: Localized) => problems.push({ path: `${prefix}.${field}`, message })

  if (!content.title) missing('title', MESSAGES.title)
  if (!content.detectedAt) missing('detectedAt', MESSAGES.detectedAt)
  else if (Date.parse(content.detectedAt) > now.getTime() + FUTURE_TOLERANCE_MS) missing('detectedAt', MESSAGES.detectedInFuture)
  if (content.occurredAt && content.detectedAt && Date.parse(content.occurredAt) > Date.parse(content.detectedAt)) {
    missing('occurredAt', MESSAGES.occurredAfterDetected)
  }
  const start = content.occurredAt ?? content.detectedAt
  if (content.recoveredAt && start && Date.parse(content.recoveredAt) < Date.parse(start)) missing('recoveredAt', MESSAGES.recoveredBeforeStart)
  if (!content.category) missing('category', MESSAGES.category)
  else if (content.category === OTHER_CATEGORY && !content.categoryOther) missing('categoryOther', MESSAGES.categoryOther)
  if (content.affectedServices.length === 0) missing('affectedServices', MESSAGES.affectedServices)
  if (!content.customersAffected) missing('customersAffected', MESSAGES.customersAffected)
  if (!content.currentStatus) missing('currentStatus', MESSAGES.currentStatus)
  if (!content.contact.name) missing('contact.name', MESSAGES.contactName)
  if (!content.contact.phone && !content.contact.email) missing('contact.phone', MESSAGES.contactReach)
  if (phase === 'initial') return problems

  if (content.impact.criticalServicesAffected === null) missing('impact.criticalServicesAffected', MESSAGES.criticalServices)
  if (!content.actionsTaken) missing('actionsTaken', MESSAGES.actionsTaken)
  if (phase === 'intermediate') return problems

  if (!content.rootCause.category) missing('rootCause.category', MESSAGES.rootCauseCategory)
  if (!content.rootCause.subcategory) missing('rootCause.subcategory', MESSAGES.rootCauseSubcategory)
  if (!content.rootCause.origin) missing('rootCause.origin', MESSAGES.rootCauseOrigin)
  if (!content.measuresTaken) missing('measuresTaken', MESSAGES.measuresTaken)
  if (!content.recoveredAt) missing('recoveredAt', MESSAGES.recoveredAt)
  if (content.currentStatus && content.currentStatus !== 'recovered') missing('currentStatus', MESSAGES.recovered)
  return problems
}

// ---------------------------------------------------------------- what changed between versions

const NESTED = new Set(['contact', 'impact', 'informed', 'rootCause'])

/** The fields a version changed against the one before (`impact.clientsAffected`, `timeline`, …). */
export function changedFields(before: ReportContent | null, after: ReportContent): string[] {
  const changed: string[] = []
  for (const key of Object.keys(after) as (keyof ReportContent)[]) {
    if (key === 'attachments') continue
    const next = after[key] as unknown
    const previous = before ? (before[key] as unknown) : undefined
    if (NESTED.has(key) && next && typeof next === 'object') {
      for (const [field, v] of Object.entries(next)) {
        const old = previous && typeof previous === 'object' ? (previous as Record<string, unknown>)[field] : undefined
        if (!sameValue(old, v) && !(before === null && isBlank(v))) changed.push(`${key}.${field}`)
      }
    } else if (!sameValue(previous, next) && !(before === null && isBlank(next))) {
      changed.push(key)
    }
  }
  // A version lists the files sent with it, so any file at all is news.
  if (after.attachments.length > 0) changed.push('attachments')
  return changed
}

const isBlank = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0)
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
