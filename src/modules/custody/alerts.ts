import { randomUUID } from 'node:crypto'
import type { Queryable } from '../../db/database.js'
import type { Localized } from '../../i18n/locale.js'
import { recordAudit } from '../audit/service.js'
import { notifyOrganisations, type NotificationMessage } from '../notification/service.js'
import * as repo from './repository.js'
import type { CustodyAlertKind } from './schema.js'

// Alerts of withdrawal control: a row the exchange's admins list and acknowledge, an in-app
// notification to the exchange, and an audit event — all in the caller's transaction. E-mail
// copies of the notifications go out after commit (notification/service.ts emailNotifications).

export const ALERT_TITLES: Record<CustodyAlertKind, Localized> = {
  new_destination: { ja: 'ホワイトリストにない送付先アドレス', en: 'Destination address not on the allow-list' },
  amount_over_threshold: { ja: '閾値を超える出庫数量', en: 'Withdrawal amount over the alert threshold' },
  approval_outside_hours: { ja: '営業時間外の承認', en: 'Approval outside business hours' },
  reconciliation_mismatch: { ja: '照合不一致', en: 'Reconciliation mismatch' },
  code_attempts_exceeded: { ja: '確認コードの誤入力回数の超過', en: 'Confirmation code tried too many times' },
  policy_changed: { ja: '出庫ポリシーの変更', en: 'Withdrawal policy changed' },
}

export interface AlertInput {
  orgId: string
  kind: CustodyAlertKind
  request: { id: string; reference: string; digest: string } | null
  message: Localized
  raisedBy: string | null
  at: Date
}

/** Raises the alert; answers the notification to e-mail after commit. */
export async function raiseAlert(tx: Queryable, input: AlertInput): Promise<{ orgIds: readonly string[]; message: NotificationMessage }> {
  const id = randomUUID()
  await repo.insertAlert(tx, {
    id,
    orgId: input.orgId,
    kind: input.kind,
    requestId: input.request?.id ?? null,
    requestDigest: input.request?.digest ?? null,
    messageJa: input.message.ja,
    messageEn: input.message.en,
    raisedBy: input.raisedBy,
    raisedAt: input.at,
  })
  await recordAudit(tx, {
    actorUserId: input.raisedBy,
    orgId: input.orgId,
    action: 'custody.alert_raised',
    target: { type: 'custody_alert', id },
    after: { kind: input.kind, requestId: input.request?.id ?? null, requestDigest: input.request?.digest ?? null, message: input.message },
    details: { kind: input.kind, ...(input.request ? { requestId: input.request.id, reference: input.request.reference, requestDigest: input.request.digest } : {}) },
    at: input.at,
  })
  const title = ALERT_TITLES[input.kind]
  const prefix = input.request ? `${input.request.reference}: ` : ''
  return notifyOrganisations(
    tx,
    [input.orgId],
    {
      kind: `custody.${input.kind}`,
      title: { ja: `【出庫管理】${prefix}${title.ja}`, en: `[Withdrawal control] ${prefix}${title.en}` },
      body: input.message,
      link: input.request ? `/custody/requests/${input.request.id}` : '/custody/alerts',
    },
    input.at,
  )
}
