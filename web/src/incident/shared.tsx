import { Alert, Anchor, Badge, Button, Card, Group, List, Modal, ScrollArea, Stack, Table, Text, Textarea, ThemeIcon, Timeline, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconCircleCheck, IconCircleDashed, IconClockExclamation, IconFileTypeXls, IconJson, IconMessage, IconSend } from '@tabler/icons-react'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatBytes, formatDate, formatDateTime, shortHash } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import type { Lang } from '../types'
import type { AttachmentEntry, Classification, Deadlines, Message, Phase, ReportContent, VersionDetail, VersionSummary, Vocabulary } from './types'

// Pieces both sides of incident reporting show: badges, the classification with the criteria that
// fired, deadlines, the version timeline, a report as read, attachments and the message thread.

export const TAXONOMY_PATH = '/api/v1/incidents/taxonomy'

export function useVocabulary() {
  return useQuery<Vocabulary>(TAXONOMY_PATH).data
}

type LabelList = { id: string; label: { ja: string; en: string } }[]
export function labelOf(list: LabelList | undefined, id: string | null | undefined, lang: Lang): string {
  if (!id) return '—'
  const found = list?.find((entry) => entry.id === id)
  return found ? pick(found.label, lang) : id
}

export function causeLabel(vocab: Vocabulary | undefined, category: string | null, subcategory: string | null, lang: Lang): string {
  if (!category) return '—'
  const cause = vocab?.causes.find((c) => c.id === category)
  const top = cause ? pick(cause.label, lang) : category
  if (!subcategory) return top
  return `${top} / ${labelOf(cause?.subcategories, subcategory, lang)}`
}

/** ISO 8601 (UTC) to the value of a datetime-local input, in the browser's time zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

export function fromLocalInput(value: string): string | null {
  if (!value) return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

export function PhaseBadge({ phase, size = 'sm' }: { phase: Phase | null; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation()
  if (!phase) return <Text size="sm">—</Text>
  const color = phase === 'initial' ? 'blue' : phase === 'intermediate' ? 'cyan' : 'teal'
  return (
    <Badge color={color} variant="light" size={size} tt="none" data-phase={phase}>
      {t(`incident.phase.${phase}`)}
    </Badge>
  )
}

export function SeverityBadge({ severity, vocab, overridden = false }: { severity: string | null; vocab: Vocabulary | undefined; overridden?: boolean }) {
  const { t } = useTranslation()
  const lang = useLang()
  if (!severity) return <Text size="sm">—</Text>
  const major = severity === 'major'
  return (
    <Badge color={major ? 'red' : 'gray'} variant={major ? 'filled' : 'light'} tt="none" data-severity={severity}>
      {labelOf(vocab?.severities, severity, lang)}
      {overridden ? ` ${t('incident.overriddenMark')}` : ''}
    </Badge>
  )
}

export function OverdueBadge() {
  const { t } = useTranslation()
  return (
    <Badge color="red" variant="filled" tt="none" leftSection={<IconClockExclamation size={12} />} data-testid="overdue-badge">
      {t('incident.overdue')}
    </Badge>
  )
}

export function NextDue({ next }: { next: { phase: Phase; dueAt: string | null; overdue: boolean } | null }) {
  const { t } = useTranslation()
  const lang = useLang()
  if (!next) return <Text size="sm" c="dimmed">{t('incident.noNextReport')}</Text>
  return (
    <Stack gap={2}>
      <Text size="sm">
        {t(`incident.phase.${next.phase}`)}: {next.dueAt ? formatDateTime(next.dueAt, lang) : t('incident.noDeadline')}
      </Text>
      {next.overdue && <OverdueBadge />}
    </Stack>
  )
}

/** The severity the rule set gives, with every criterion: fired or not, and the values against the thresholds. */
export function ClassificationPanel({ classification, title, live = false }: { classification: Classification; title?: string; live?: boolean }) {
  const { t } = useTranslation()
  const lang = useLang()
  const major = classification.severity === 'major'
  return (
    <Card withBorder padding="md" data-testid="classification">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          {title ?? t('incident.classification.title')}
        </Title>
        {live && (
          <Badge variant="dot" color="blue" tt="none">
            {t('incident.classification.live')}
          </Badge>
        )}
      </Group>
      <Group gap="xs" mb="xs">
        <Badge color={major ? 'red' : 'gray'} variant={major ? 'filled' : 'light'} size="lg" tt="none" data-testid="classification-severity" data-severity={classification.severity}>
          {pick(classification.label, lang)}
        </Badge>
      </Group>
      <Text size="sm" mb="xs">
        {pick(classification.summary, lang)}
      </Text>
      <Stack gap={6}>
        {classification.criteria.map((criterion) => (
          <Group key={criterion.id} gap={8} wrap="nowrap" align="flex-start" data-fired={criterion.fired} data-testid="criterion">
            <ThemeIcon size={20} radius="xl" variant={criterion.fired ? 'filled' : 'light'} color={criterion.fired ? 'orange' : 'gray'} mt={2}>
              {criterion.fired ? <IconAlertTriangle size={12} /> : <IconCircleDashed size={12} />}
            </ThemeIcon>
            <div style={{ minWidth: 0 }}>
              <Text size="sm" fw={criterion.fired ? 600 : 400}>
                {pick(criterion.label, lang)}
                <Text span size="xs" c={criterion.fired ? 'orange.8' : 'dimmed'} ml={6}>
                  {criterion.fired ? t('incident.classification.fired') : t('incident.classification.notFired')}
                </Text>
              </Text>
              {criterion.conditions.map((condition) => (
                <Text key={condition.field} size="xs" c={condition.met ? 'orange.9' : 'dimmed'}>
                  {pick(condition.text, lang)}
                </Text>
              ))}
            </div>
          </Group>
        ))}
      </Stack>
      <Text size="xs" c="dimmed" mt="xs">
        {t('incident.classification.ruleSet', { id: classification.ruleSet.id, version: classification.ruleSet.version })}
      </Text>
    </Card>
  )
}

export function DeadlinesPanel({ deadlines }: { deadlines: Deadlines }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Card withBorder padding="md" data-testid="deadlines">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {t('incident.deadlines.title')}
        </Title>
        {deadlines.overdue && <OverdueBadge />}
      </Group>
      <Stack gap={6}>
        {deadlines.phases.map((p) => (
          <Group key={p.phase} justify="space-between" wrap="nowrap" gap="xs">
            <Group gap={6} wrap="nowrap">
              <PhaseBadge phase={p.phase} size="xs" />
              <Text size="xs" c="dimmed">
                {t(`incident.deadlines.status.${p.status}`)}
              </Text>
            </Group>
            <Stack gap={0} align="flex-end">
              <Text size="xs">{p.dueAt ? t('incident.deadlines.due', { at: formatDateTime(p.dueAt, lang) }) : t('incident.noDeadline')}</Text>
              {p.submittedAt && <Text size="xs" c="dimmed">{t('incident.deadlines.submitted', { at: formatDateTime(p.submittedAt, lang) })}</Text>}
              {p.overdue && (
                <Text size="xs" c="red" fw={600}>
                  {t('incident.overdue')}
                </Text>
              )}
              {p.late && !p.overdue && (
                <Text size="xs" c="orange">
                  {t('incident.deadlines.late')}
                </Text>
              )}
            </Stack>
          </Group>
        ))}
      </Stack>
    </Card>
  )
}

/** Submitted versions, newest first; each opens as submitted. */
export function VersionTimeline({ versions, versionPath, vocab, extra }: { versions: VersionSummary[]; versionPath: (version: number) => string; vocab: Vocabulary | undefined; extra?: (v: VersionSummary) => ReactNode }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [open, setOpen] = useState<number | null>(null)
  const ordered = [...versions].sort((a, b) => b.version - a.version)
  return (
    <Card withBorder padding="md" data-testid="version-timeline">
      <Title order={3} size="h5" mb="sm">
        {t('incident.timeline.title')}
      </Title>
      {ordered.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('incident.timeline.none')}
        </Text>
      ) : (
        <Timeline active={ordered.length} bulletSize={22} lineWidth={2}>
          {ordered.map((v) => (
            <Timeline.Item
              key={v.id}
              bullet={<IconCircleCheck size={14} />}
              title={
                <Group gap={6}>
                  <PhaseBadge phase={v.phase} />
                  <Text size="sm" fw={600}>
                    {t('incident.timeline.version', { n: v.version })}
                  </Text>
                  <SeverityBadge severity={v.severity} vocab={vocab} />
                  {v.late && (
                    <Badge color="orange" variant="light" size="sm" tt="none">
                      {t('incident.deadlines.late')}
                    </Badge>
                  )}
                </Group>
              }
              data-testid="timeline-entry"
              data-phase={v.phase}
            >
              <Text size="xs" c="dimmed">
                {t('incident.timeline.submittedBy', { at: formatDateTime(v.submittedAt, lang), name: v.submittedBy.displayName })}
              </Text>
              {extra?.(v)}
              {v.changes.length > 0 && (
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {t('incident.timeline.changes', { count: v.changes.length })}
                </Text>
              )}
              <Anchor component="button" size="sm" onClick={() => setOpen(v.version)}>
                {t('incident.timeline.view')}
              </Anchor>
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      <Modal opened={open !== null} onClose={() => setOpen(null)} size="xl" title={open !== null ? t('incident.timeline.version', { n: open }) : ''} scrollAreaComponent={ScrollArea.Autosize}>
        {open !== null && <VersionView path={versionPath(open)} vocab={vocab} />}
      </Modal>
    </Card>
  )
}

function VersionView({ path, vocab }: { path: string; vocab: Vocabulary | undefined }) {
  const { t } = useTranslation()
  const lang = useLang()
  const version = useQuery<VersionDetail>(path)
  if (version.error) return <ErrorAlert error={version.error} />
  if (!version.data) return <PageLoader />
  const v = version.data
  return (
    <Stack gap="sm" data-testid="version-view">
      <Group gap="xs">
        <PhaseBadge phase={v.phase} />
        <Text size="sm">{t('incident.timeline.submittedBy', { at: formatDateTime(v.submittedAt, lang), name: v.submittedBy.displayName })}</Text>
      </Group>
      <Text size="xs" c="dimmed">
        {t('incident.timeline.immutable', { digest: shortHash(v.contentDigest) })}
      </Text>
      <ClassificationPanel classification={v.classification} />
      <ReportView content={v.content} vocab={vocab} />
    </Stack>
  )
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  // Fields not reported (yet) are left out: an initial report says little, and that is expected.
  if (children === '—') return null
  return (
    <Table.Tr>
      <Table.Th w={200} style={{ verticalAlign: 'top', fontWeight: 500 }}>
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  )
}

const show = (value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? '—' : String(value))

/** A report as written (read-only): every field that has a value, grouped like the form. */
export function ReportView({ content, vocab }: { content: ReportContent; vocab: Vocabulary | undefined }) {
  const { t } = useTranslation()
  const lang = useLang()
  const bool = (value: boolean | null) => (value === null ? '—' : value ? t('common.yes') : t('common.no'))
  const list = (values: string[]) => (values.length ? values.join('、') : '—')
  const f = (key: string) => t(`incident.field.${key}`)
  return (
    <Table withRowBorders verticalSpacing={4} fz="sm" data-testid="report-view">
      <Table.Tbody>
        <Row label={f('title')}>{show(content.title)}</Row>
        <Row label={f('category')}>
          {labelOf(vocab?.categories, content.category, lang)}
          {content.categoryOther ? `（${content.categoryOther}）` : ''}
        </Row>
        <Row label={f('detectedAt')}>{formatDateTime(content.detectedAt, lang)}</Row>
        <Row label={f('occurredAt')}>{formatDateTime(content.occurredAt, lang)}</Row>
        <Row label={f('recoveredAt')}>{formatDateTime(content.recoveredAt, lang)}</Row>
        <Row label={f('affectedServices')}>{list(content.affectedServices)}</Row>
        <Row label={f('customersAffected')}>{labelOf(vocab?.yesNoUnknown, content.customersAffected, lang)}</Row>
        <Row label={f('currentStatus')}>{labelOf(vocab?.currentStatuses, content.currentStatus, lang)}</Row>
        <Row label={f('contact')}>
          {[content.contact.name, content.contact.department, content.contact.phone, content.contact.email].filter(Boolean).join(' / ') || '—'}
        </Row>
        <Row label={f('summary')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {show(content.summary)}
          </Text>
        </Row>
        <Row label={f('impact.criticalServicesAffected')}>
          {bool(content.impact.criticalServicesAffected)}
          {content.impact.criticalServices.length ? `（${list(content.impact.criticalServices)}）` : ''}
        </Row>
        <Row label={f('impact.clientsAffected')}>
          {show(content.impact.clientsAffected)}
          {content.impact.clientsAffectedPercent !== null ? `（${content.impact.clientsAffectedPercent}%）` : ''}
        </Row>
        <Row label={f('impact.transactionsAffected')}>{show(content.impact.transactionsAffected)}</Row>
        <Row label={f('impact.durationHours')}>{show(content.impact.durationHours)}</Row>
        <Row label={f('impact.criticalServiceDowntimeHours')}>{show(content.impact.criticalServiceDowntimeHours)}</Row>
        <Row label={f('impact.dataAffected')}>
          {labelOf(vocab?.yesNoUnknown, content.impact.dataAffected, lang)}
          {content.impact.dataImpact.length ? `（${content.impact.dataImpact.map((k) => labelOf(vocab?.dataImpactKinds, k, lang)).join('、')}）` : ''}
          {content.impact.dataKinds.length ? ` ${list(content.impact.dataKinds)}` : ''}
        </Row>
        <Row label={f('impact.maliciousUnauthorisedAccess')}>{bool(content.impact.maliciousUnauthorisedAccess)}</Row>
        <Row label={f('impact.monetaryLossJpy')}>{content.impact.monetaryLossJpy === null ? '—' : t('incident.yen', { amount: content.impact.monetaryLossJpy.toLocaleString(lang === 'en' ? 'en-GB' : 'ja-JP') })}</Row>
        <Row label={f('impact.regions')}>{list(content.impact.regions)}</Row>
        <Row label={f('timeline')}>
          {content.timeline.length === 0 ? (
            '—'
          ) : (
            <List size="sm" spacing={2}>
              {content.timeline.map((e, i) => (
                <List.Item key={i}>
                  {formatDateTime(e.at, lang)} — {e.description}
                </List.Item>
              ))}
            </List>
          )}
        </Row>
        <Row label={f('actionsTaken')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {show(content.actionsTaken)}
          </Text>
        </Row>
        <Row label={f('thirdParties')}>{content.thirdParties.length ? content.thirdParties.map((p) => (p.role ? `${p.name}（${p.role}）` : p.name)).join('、') : '—'}</Row>
        <Row label={f('informed')}>
          {t('incident.field.informedPolice')}: {bool(content.informed.police)} / {t('incident.field.informedNcc')}: {bool(content.informed.nationalCyberCentre)} / {t('incident.field.informedIsac')}: {bool(content.informed.isac)}
          {content.informed.others ? ` / ${content.informed.others}` : ''}
        </Row>
        <Row label={f('rootCause')}>
          <Text size="sm" data-testid="root-cause">
            {causeLabel(vocab, content.rootCause.category, content.rootCause.subcategory, lang)}
            {content.rootCause.origin ? `（${labelOf(vocab?.origins, content.rootCause.origin, lang)}）` : ''}
          </Text>
          {content.rootCause.description && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {content.rootCause.description}
            </Text>
          )}
        </Row>
        <Row label={f('measuresTaken')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {show(content.measuresTaken)}
          </Text>
        </Row>
        <Row label={f('measuresPlanned')}>
          {content.measuresPlanned.length === 0 ? (
            '—'
          ) : (
            <List size="sm" spacing={2}>
              {content.measuresPlanned.map((m, i) => (
                <List.Item key={i}>
                  {m.description}
                  {m.dueDate ? `（${formatDate(m.dueDate, lang)}）` : ''}
                </List.Item>
              ))}
            </List>
          )}
        </Row>
        <Row label={f('lessonsLearned')}>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {show(content.lessonsLearned)}
          </Text>
        </Row>
        {(content.attachments ?? []).length > 0 && <Row label={t('incident.attachments.title')}>{list((content.attachments ?? []).map((a) => a.filename))}</Row>}
      </Table.Tbody>
    </Table>
  )
}

export function AttachmentTable({ attachments, downloadPath, onDelete }: { attachments: AttachmentEntry[]; downloadPath: (id: string) => string; onDelete?: (a: AttachmentEntry) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  if (attachments.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t('incident.attachments.none')}
      </Text>
    )
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table verticalSpacing={4} fz="sm" data-testid="attachment-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('incident.attachments.file')}</Table.Th>
            <Table.Th w={80}>{t('incident.attachments.size')}</Table.Th>
            <Table.Th w={110}>{t('incident.attachments.report')}</Table.Th>
            <Table.Th w={150}>{t('incident.attachments.uploadedAt')}</Table.Th>
            {onDelete && <Table.Th w={60} />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {attachments.map((a) => (
            <Table.Tr key={a.id}>
              <Table.Td>
                <Tooltip label={`SHA-256 ${a.sha256}`} multiline w={300} style={{ wordBreak: 'break-all' }}>
                  <Anchor href={downloadPath(a.id)} download={a.filename} size="sm" style={{ wordBreak: 'break-all' }}>
                    {a.filename}
                  </Anchor>
                </Tooltip>
              </Table.Td>
              <Table.Td>{formatBytes(a.sizeBytes, lang)}</Table.Td>
              <Table.Td>{a.version === null ? t('incident.attachments.waiting') : t('incident.timeline.version', { n: a.version })}</Table.Td>
              <Table.Td>
                <Text size="xs">{formatDateTime(a.uploadedAt, lang)}</Text>
              </Table.Td>
              {onDelete && (
                <Table.Td>
                  {a.version === null && (
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => onDelete(a)}>
                      {t('common.delete')}
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

export function ExportButtons({ base }: { base: string }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Group gap="xs">
      <Button component="a" href={`${base}/export.json`} download variant="default" size="xs" leftSection={<IconJson size={16} />}>
        {t('incident.export.json')}
      </Button>
      <Button component="a" href={`${base}/export.xlsx?lang=${lang}`} download variant="default" size="xs" leftSection={<IconFileTypeXls size={16} />}>
        {t('incident.export.xlsx')}
      </Button>
    </Group>
  )
}

/** 質問・回答: the supervisor's requests for information and the institution's answers. */
export function MessageThread({ path, canPost, side }: { path: string; canPost: boolean; side: 'institution' | 'supervisor' }) {
  const { t } = useTranslation()
  const lang = useLang()
  const messages = useQuery<Message[]>(path)
  const [body, setBody] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  async function send() {
    if (!body.trim()) return
    setBusy(true)
    setError(null)
    try {
      const posted = await api.post<Message>(path, { body: body.trim() })
      messages.setData((previous) => [...(previous ?? []), posted])
      setBody('')
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card withBorder padding="md" data-testid="message-thread">
      <Group gap={6} mb="sm">
        <IconMessage size={18} />
        <Title order={3} size="h5">
          {t('incident.messages.title')}
        </Title>
      </Group>
      <ErrorAlert error={messages.error} />
      <Stack gap="xs">
        {(messages.data ?? []).length === 0 && !messages.loading && (
          <Text size="sm" c="dimmed">
            {t('incident.messages.none')}
          </Text>
        )}
        {(messages.data ?? []).map((m) => {
          const mine = m.from === side
          return (
            <Card key={m.id} padding="xs" radius="md" bg={mine ? 'kamae.0' : 'gray.1'} ml={mine ? 40 : 0} mr={mine ? 0 : 40} data-testid="message" data-from={m.from}>
              <Group justify="space-between" gap="xs">
                <Text size="xs" fw={600}>
                  {m.from === 'supervisor' ? pick(m.supervisor.name, lang) : t('incident.messages.institution')} · {m.author.displayName}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(m.createdAt, lang)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {m.body}
              </Text>
            </Card>
          )
        })}
        <ErrorAlert error={error} onClose={() => setError(null)} />
        {canPost ? (
          <>
            <Textarea
              label={side === 'supervisor' ? t('incident.messages.ask') : t('incident.messages.answer')}
              autosize
              minRows={2}
              maxRows={8}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
            />
            <Group justify="flex-end">
              <Button leftSection={<IconSend size={16} />} onClick={() => void send()} loading={busy} disabled={!body.trim()}>
                {t('incident.messages.send')}
              </Button>
            </Group>
          </>
        ) : (
          side === 'institution' &&
          (messages.data ?? []).length === 0 && (
            <Alert variant="light" color="gray" py={6}>
              <Text size="xs">{t('incident.messages.waitForSupervisor')}</Text>
            </Alert>
          )
        )}
      </Stack>
    </Card>
  )
}
