import type { Catalog, LocalizedText } from '../catalog/catalog-types.js'
import type { AssessmentStatus, RemediationStatus } from './schema.js'

// What an assessment looks like when it leaves Kamae as a file (XLSX) and what an import may change.
// The service builds an AssessmentExchange from the database; xlsx.ts turns it into a workbook and
// back. A round trip export -> import -> export must give the same exchange.

export interface AnswerExchange {
  ref: string
  inScope: boolean
  /** An option value of the item's scale, or null when unanswered or not applicable. */
  value: number | null
  notApplicable: boolean
  naReason: string | null
  comment: string | null
}

export interface EvidenceExchange {
  itemRef: string
  filename: string
  sha256: string
  sizeBytes: number
  mediaType: string
  uploadedAt: string // ISO 8601
}

export interface ActionExchange {
  /** null for a new action written into the workbook by hand. */
  id: string | null
  title: string
  description: string | null
  owner: string | null
  dueDate: string | null // YYYY-MM-DD
  status: RemediationStatus
  itemRefs: string[]
}

export interface AssessmentExchange {
  assessment: {
    id: string
    title: string
    version: number
    status: AssessmentStatus
    organisation: LocalizedText
    catalogKey: string
    catalogVersion: string
    exportedAt: string // ISO 8601
  }
  catalog: Catalog
  answers: AnswerExchange[] // one per catalog item, in catalog order
  evidence: EvidenceExchange[]
  actions: ActionExchange[]
}

/** What a valid workbook asks to change: every answer row it holds, and actions to create or update. */
export interface ImportPlan {
  answers: AnswerExchange[]
  actions: ActionExchange[]
}
