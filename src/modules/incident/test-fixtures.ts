// Report contents shared by the incident tests.

/** A complete initial report (第一報), as an institution files it in Japanese. */
export function initialReport(detectedAt: Date, extra: Record<string, unknown> = {}) {
  return {
    title: 'インターネットバンキングへの不正ログイン',
    detectedAt: detectedAt.toISOString(),
    category: 'unauthorised_access',
    affectedServices: ['インターネットバンキング'],
    customersAffected: 'unknown',
    currentStatus: 'investigating',
    contact: { name: '山田 太郎', department: 'システム部', phone: '03-0000-0000' },
    ...extra,
  }
}

/** Sessions that outlive the days the deadline tests move the clock by. */
export const LONG_SESSIONS = { KAMAE_SESSION_IDLE_MINUTES: '525600', KAMAE_SESSION_TTL_MINUTES: '525600' }
