import { digestOf } from '../../canonical-json.js'

// What an approval is bound to: the SHA-256 of the RFC 8785 canonical JSON of a withdrawal
// request's material fields (or an allow-list change's). Any change of amount, address, asset or
// purpose gives another digest, and approvals given to the old one no longer count.

export interface RequestMaterial {
  requestId: string
  orgId: string
  reference: string
  requestedBy: string
  asset: string
  /** Normal form (decimal.ts), so "1.50" and "1.5" are one amount and one digest. */
  amount: string
  destinationAddress: string
  purpose: string
}

export function requestDigest(material: RequestMaterial): string {
  return digestOf({ type: 'kamae.custody.withdrawal-request', v: 1, ...material })
}

export interface ChangeMaterial {
  changeId: string
  orgId: string
  kind: 'add' | 'remove'
  asset: string
  address: string
  label: string
  /** The entry a removal takes off the list; null for an addition. */
  entryId: string | null
  proposedBy: string
}

export function changeDigest(material: ChangeMaterial): string {
  return digestOf({ type: 'kamae.custody.allow-list-change', v: 1, ...material })
}

export const DIGEST_PATTERN = '^[0-9a-f]{64}$'
