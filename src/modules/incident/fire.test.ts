import { describe, expect, it } from 'vitest'
import { normalizeContent } from './content.js'
import { buildFireDocument, fireLocation, parseFireDocument, readFireFile, type IncidentRecord } from './fire.js'
import { reportingData } from './load-policy.js'
import { classifyContent } from './views.js'

// The FIRE JSON exchange: what is exported reads back to the same report, and a bad file is
// refused whole with each problem named by its JSON path.

const { policy, taxonomy } = reportingData()

const content = normalizeContent({
  title: 'DDoS攻撃によるWebサイトの停止',
  summary: '外部からの大量通信',
  detectedAt: '2026-05-01T00:30:00Z',
  occurredAt: '2026-05-01T00:00:00Z',
  recoveredAt: '2026-05-01T05:00:00Z',
  category: 'ddos',
  affectedServices: ['公式Webサイト', 'インターネットバンキング'],
  customersAffected: 'yes',
  currentStatus: 'recovered',
  contact: { name: '佐藤 花子', email: 'sato@example.jp' },
  impact: { criticalServicesAffected: true, criticalServiceDowntimeHours: 4.5, regions: ['全国'], dataImpact: ['availability'], clientsAffected: 30_000 },
  timeline: [{ at: '2026-05-01T00:30:00Z', description: '監視で検知' }],
  actionsTaken: 'DDoS対策サービスを有効化',
  thirdParties: [{ name: 'CDN事業者', role: '緩和' }],
  informed: { police: false, nationalCyberCentre: true, isac: true },
  rootCause: { category: 'malicious_action', subcategory: 'denial_of_service', origin: 'own', description: null },
  measuresTaken: '常時防御に切替',
  measuresPlanned: [{ description: '訓練', dueDate: '2026-09-30' }],
  lessonsLearned: '連絡体制の見直し',
})

const record: IncidentRecord = {
  reference: 'INC-2026-0003',
  institution: { nameJa: 'あおば銀行（デモ）', nameEn: 'Aoba Bank (demo)', sector: 'regional_bank' },
  status: 'closed',
  phase: 'final',
  version: 3,
  submittedAt: new Date('2026-05-20T00:00:00Z'),
  closedAt: new Date('2026-05-20T00:00:00Z'),
  content,
  classification: classifyContent(policy, content),
  override: { severity: 'non_major', reason: '影響は限定的', at: new Date('2026-05-21T00:00:00Z') },
  versions: [{ version: 1, phase: 'initial', submittedAt: new Date('2026-05-01T02:00:00Z'), dueAt: new Date('2026-05-02T00:30:00Z'), late: false, severity: 'non_major', contentDigest: 'a'.repeat(64) }],
  categoryLabel: { ja: 'DDoS攻撃', en: 'DDoS' },
  nextDue: null,
}

describe('FIRE JSON', () => {
  it('exports the four sections of the FIRE structure', () => {
    const [incident] = buildFireDocument([record], new Date('2026-06-01T00:00:00Z')).incidents
    expect(Object.keys(incident!)).toEqual(['reportingDetails', 'incidentDetails', 'impactAssessment', 'closure'])
    expect(incident!.reportingDetails).toMatchObject({ reference: 'INC-2026-0003', reportPhase: 'final', reportVersion: 3, contact: { name: '佐藤 花子' } })
    expect(incident!.impactAssessment?.classification).toMatchObject({ severity: 'non_major', computedSeverity: 'major', criteriaMet: ['critical_services', 'duration', 'data_loss'] })
    expect(incident!.closure).toMatchObject({ rootCause: { subcategory: 'denial_of_service' }, closedAt: '2026-05-20T00:00:00.000Z' })
  })

  it('reads an export back to the same report', () => {
    const document = JSON.parse(JSON.stringify(buildFireDocument([record], new Date())))
    const parsed = parseFireDocument(document, taxonomy)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.reports).toEqual([{ reference: 'INC-2026-0003', phase: 'final', content }])
  })

  it('reads a minimal hand-written file', () => {
    const parsed = parseFireDocument({ format: 'kamae.incident-report.fire', formatVersion: 1, incidents: [{ incidentDetails: { title: 'フィッシングサイト', category: 'phishing' } }] }, taxonomy)
    expect(parsed.ok && parsed.reports[0]?.content).toMatchObject({ title: 'フィッシングサイト', category: 'phishing', impact: { clientsAffected: null } })
  })

  it('refuses a bad file whole, naming every problem by its JSON path', () => {
    const document = JSON.parse(JSON.stringify(buildFireDocument([record, record], new Date())))
    document.incidents[0].impactAssessment.clientsAffected = 'many'
    document.incidents[1].incidentDetails.detectedAt = 'yesterday'
    document.incidents[1].closure.rootCause.mood = 'bad'
    const parsed = parseFireDocument(document, taxonomy)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.errors.map((e) => e.path)).toEqual([
      'incidents[0].impactAssessment.clientsAffected',
      'incidents[1].incidentDetails.detectedAt',
      'incidents[1].closure.rootCause.mood',
    ])
  })

  it('checks the taxonomy and names the place in the file', () => {
    const document = JSON.parse(JSON.stringify(buildFireDocument([record], new Date())))
    document.incidents[0].incidentDetails.category = 'alien_invasion'
    document.incidents[0].closure.rootCause.subcategory = 'hardware'
    const parsed = parseFireDocument(document, taxonomy)
    expect(!parsed.ok && parsed.errors).toEqual([
      { path: 'incidents[0].incidentDetails.category', message: { ja: 'インシデントの種類にない値です（alien_invasion）', en: 'Not an incident category (alien_invasion)' } },
      { path: 'incidents[0].closure.rootCause.subcategory', message: expect.objectContaining({ en: 'Not a subcategory of this root cause category (hardware)' }) },
    ])
  })

  it('refuses another format and a file that is not JSON', () => {
    expect(parseFireDocument({ format: 'stix', formatVersion: 1, incidents: [] }, taxonomy)).toMatchObject({ ok: false, errors: [{ path: 'format' }, { path: 'incidents' }] })
    expect(readFireFile(Buffer.from('{ "format": '), taxonomy)).toMatchObject({ ok: false, errors: [{ path: '$' }] })
  })

  it('maps report fields to their place in a FIRE incident', () => {
    expect(fireLocation('impact.clientsAffected')).toBe('impactAssessment.clientsAffected')
    expect(fireLocation('informed.police')).toBe('incidentDetails.notifications.police')
    expect(fireLocation('summary')).toBe('incidentDetails.description')
    expect(fireLocation('contact.name')).toBe('reportingDetails.contact.name')
    expect(fireLocation('category')).toBe('incidentDetails.category')
  })
})
