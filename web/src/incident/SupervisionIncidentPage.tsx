import { Alert, Anchor, Badge, Button, Card, Grid, Group, Select, Stack, Text, Textarea, Title } from '@mantine/core'
import { IconArrowLeft, IconCircleCheck } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { AttachmentTable, ClassificationPanel, DeadlinesPanel, ExportButtons, labelOf, MessageThread, OverdueBadge, PhaseBadge, ReportView, SeverityBadge, useVocabulary, VersionTimeline } from './shared'
import type { SupervisorIncidentDetail, Vocabulary } from './types'

/** A submitted incident as the supervisor sees it: timeline, classification, receipt, override, thread. */
export function SupervisionIncidentPage() {
  const { id = '' } = useParams()
  const { t } = useTranslation()
  const lang = useLang()
  const vocab = useVocabulary()
  const incident = useQuery<SupervisorIncidentDetail>(`/api/v1/supervision/incidents/${id}`)

  if (incident.error && !incident.data) return <ErrorAlert error={incident.error} />
  if (!incident.data) return <PageLoader />
  const i = incident.data
  const base = `/api/v1/supervision/incidents/${i.id}`

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Anchor component={Link} to="/supervision/incidents" size="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('supervision.backToInbox')}
            </Group>
          </Anchor>
          <Text size="sm" fw={600}>
            {pick(i.institution.name, lang)}
            {i.institution.sector ? `（${t(`sector.${i.institution.sector}`)}）` : ''}
          </Text>
          <Group gap="xs">
            <Text ff="monospace" c="dimmed">
              {i.reference}
            </Text>
            <Title order={1} size="h3" data-testid="incident-title">
              {i.title ?? i.reference}
            </Title>
          </Group>
          <Group gap="xs">
            <PhaseBadge phase={i.latest.phase} size="md" />
            <SeverityBadge severity={i.severity} vocab={vocab} overridden={Boolean(i.override)} />
            <Text size="sm">{labelOf(vocab?.categories, i.category, lang)}</Text>
            <Text size="sm" c="dimmed">
              {t('incident.detectedAtShort', { at: formatDateTime(i.detectedAt, lang) })}
            </Text>
            {i.status === 'closed' && (
              <Badge color="teal" variant="light" tt="none">
                {t('incident.closed')}
              </Badge>
            )}
            {i.deadlines.overdue && <OverdueBadge />}
          </Group>
        </Stack>
        <ExportButtons base={base} />
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <AcknowledgeCard incident={i} onDone={(d) => incident.setData(d)} />
            <Card withBorder padding="md">
              <Title order={2} size="h5" mb="xs">
                {t('supervision.latestReport', { phase: t(`incident.phase.${i.latest.phase}`), n: i.latest.version })}
              </Title>
              <ReportView content={i.latest.content} vocab={vocab} />
            </Card>
            <Card withBorder padding="md">
              <Title order={2} size="h5" mb="xs">
                {t('incident.attachments.title')}
              </Title>
              <AttachmentTable attachments={i.attachments} downloadPath={(a) => `/api/v1/supervision/incident-attachments/${a}/download`} />
            </Card>
            <MessageThread path={`${base}/messages`} canPost={i.permissions.canMessage} side="supervisor" />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <VersionTimeline
              versions={i.versions}
              versionPath={(v) => `${base}/versions/${v}`}
              vocab={vocab}
              extra={(v) =>
                v.acknowledgedAt ? (
                  <Text size="xs" c="teal">
                    {t('supervision.ackedAt', { at: formatDateTime(v.acknowledgedAt, lang), name: v.acknowledgedBy?.displayName ?? '' })}
                  </Text>
                ) : (
                  <Text size="xs" c="orange">
                    {t('supervision.filter.unacknowledged')}
                  </Text>
                )
              }
            />
            <ClassificationPanel classification={i.latest.classification} title={t('supervision.computed')} />
            <OverrideCard incident={i} vocab={vocab} onDone={(d) => incident.setData(d)} />
            <DeadlinesPanel deadlines={i.deadlines} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function AcknowledgeCard({ incident, onDone }: { incident: SupervisorIncidentDetail; onDone: (d: SupervisorIncidentDetail) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const latest = incident.versions.find((v) => v.version === incident.latest.version)

  async function acknowledge() {
    setBusy(true)
    setError(null)
    try {
      const detail = await api.post<SupervisorIncidentDetail>(`/api/v1/supervision/incidents/${incident.id}/acknowledge`, { comment: comment.trim() || null })
      onDone(detail)
      setComment('')
      notifySuccess(t('supervision.ackDone'))
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  if (!incident.needsAcknowledgement) {
    return (
      <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="acknowledged">
        {latest?.acknowledgedAt
          ? t('supervision.ackedLatest', { phase: t(`incident.phase.${incident.latest.phase}`), at: formatDateTime(latest.acknowledgedAt, lang), name: latest.acknowledgedBy?.displayName ?? '' })
          : t('supervision.ackNotNeeded')}
      </Alert>
    )
  }
  return (
    <Card withBorder padding="md" style={{ borderColor: 'var(--mantine-color-orange-5)' }} data-testid="acknowledge-card">
      <Title order={2} size="h5" mb={4}>
        {t('supervision.ackTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('supervision.ackHelp', { phase: t(`incident.phase.${incident.latest.phase}`) })}
      </Text>
      <ErrorAlert error={error} onClose={() => setError(null)} />
      {incident.permissions.canAcknowledge ? (
        <Group align="flex-end" wrap="nowrap">
          <Textarea label={t('supervision.ackComment')} autosize minRows={1} style={{ flex: 1 }} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
          <Button color="teal" leftSection={<IconCircleCheck size={16} />} onClick={() => void acknowledge()} loading={busy}>
            {t('supervision.ack')}
          </Button>
        </Group>
      ) : (
        <Text size="sm">{t('supervision.viewerOnly')}</Text>
      )}
    </Card>
  )
}

function OverrideCard({ incident, vocab, onDone }: { incident: SupervisorIncidentDetail; vocab: Vocabulary | undefined; onDone: (d: SupervisorIncidentDetail) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [severity, setSeverity] = useState<string | null>(incident.override?.severity ?? null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [reasonMissing, setReasonMissing] = useState(false)

  async function save(withdraw: boolean) {
    if (!reason.trim()) {
      setReasonMissing(true)
      return
    }
    setBusy(true)
    setError(null)
    try {
      const detail = await api.put<SupervisorIncidentDetail>(`/api/v1/supervision/incidents/${incident.id}/severity`, { severity: withdraw ? null : severity, reason: reason.trim() })
      onDone(detail)
      setReason('')
      notifySuccess(withdraw ? t('supervision.override.withdrawn') : t('supervision.override.saved'))
    } catch (caught) {
      setError(asApiError(caught))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card withBorder padding="md" data-testid="override">
      <Title order={2} size="h5" mb={4}>
        {t('supervision.override.title')}
      </Title>
      <Group gap="xs" mb="xs">
        <Text size="sm">{t('supervision.override.computed')}</Text>
        <SeverityBadge severity={incident.computedSeverity} vocab={vocab} />
      </Group>
      {incident.override && (
        <Alert color="orange" variant="light" mb="xs" py={6}>
          <Text size="sm">
            {t('supervision.override.current', {
              severity: labelOf(vocab?.severities, incident.override.severity, lang),
              name: incident.override.overriddenBy.displayName,
              at: formatDateTime(incident.override.overriddenAt, lang),
            })}
          </Text>
          <Text size="sm">{t('supervision.override.reasonWas', { reason: incident.override.reason })}</Text>
        </Alert>
      )}
      <ErrorAlert error={error} onClose={() => setError(null)} />
      {incident.permissions.canOverride ? (
        <Stack gap="xs">
          <Select label={t('supervision.override.severity')} data={(vocab?.severities ?? []).map((s) => ({ value: s.id, label: pick(s.label, lang) }))} value={severity} onChange={setSeverity} />
          <Textarea
            label={t('supervision.override.reason')}
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value)
              setReasonMissing(false)
            }}
            error={reasonMissing ? t('supervision.override.reasonRequired') : undefined}
          />
          <Group justify="flex-end" gap="xs">
            {incident.override && (
              <Button variant="subtle" color="gray" onClick={() => void save(true)} loading={busy}>
                {t('supervision.override.withdraw')}
              </Button>
            )}
            <Button variant="light" color="orange" onClick={() => void save(false)} loading={busy} disabled={!severity}>
              {t('supervision.override.save')}
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Card>
  )
}
