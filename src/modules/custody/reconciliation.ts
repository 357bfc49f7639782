import { compareAmounts } from './decimal.js'

// Reconciliation: what the chain shows against what was approved. The executed withdrawal must
// have sent exactly the approved amount to exactly the approved address in the recorded
// transaction; any difference is a mismatch, which raises an alert.

export const RECONCILED_FIELDS = ['amount', 'address', 'transactionId'] as const
export type ReconciledField = (typeof RECONCILED_FIELDS)[number]

export interface OnChainTransfer {
  amount: string
  address: string
  transactionId: string
}

/** The fields that differ; none means the withdrawal reconciles. Addresses compare exactly (base58 is case-sensitive). */
export function reconcile(approved: OnChainTransfer, observed: OnChainTransfer): ReconciledField[] {
  const differences: ReconciledField[] = []
  if (compareAmounts(approved.amount, observed.amount) !== 0) differences.push('amount')
  if (approved.address !== observed.address) differences.push('address')
  if (approved.transactionId !== observed.transactionId) differences.push('transactionId')
  return differences
}
