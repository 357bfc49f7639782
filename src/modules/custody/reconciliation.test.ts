import { describe, expect, it } from 'vitest'
import { reconcile } from './reconciliation.js'

const approved = { amount: '1.5', address: 'bc1qcoldwalletdestination0001', transactionId: 'f'.repeat(64) }

describe('reconciliation against the chain', () => {
  it('matches the same amount written differently', () => {
    expect(reconcile(approved, { ...approved, amount: '1.500' })).toEqual([])
  })

  it('names every field that differs', () => {
    expect(reconcile(approved, { amount: '1.49', address: 'bc1qattackeraddress00000000001', transactionId: 'e'.repeat(64) })).toEqual(['amount', 'address', 'transactionId'])
  })

  it('compares addresses exactly, case included', () => {
    expect(reconcile(approved, { ...approved, address: approved.address.toUpperCase() })).toEqual(['address'])
  })
})
