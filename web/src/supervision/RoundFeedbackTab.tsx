import { Alert, Button, Card, Group, Modal, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { IconAlertCircle, IconCircleCheck, IconFileTypePdf, IconReportAnalytics, IconSend } from '@tabler/icons-react'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../api'
import { ClassBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime, percent } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { BoxPlot, BoxPlotLegend } from './BoxPlot'
import { useGroupNames } from './shared'
import type { FeedbackJob, RoundDetail, SectorSummary } from './types'

// フィードバック（還元）: generate every submitting institution's report in one action (a background
// job: progress polled every second), release them, and the sector summary a supervisor may publish.

const POLL_MS = 1000

/** The feedback job, polled while it runs. */
function useFeedbackJob(roundId: string) {
  const job = useQuery<FeedbackJob>(`/api/v1/supervision/rounds/${roundId}/feedback`)
  const running = job.data?.state === 'running'
  const { setData } = job
  useEffect(() => {
    if (!running) return
    let cancelled = false
    const timer = window.setInterval(() => {
      api
        .get<FeedbackJob>(`/api/v1/supervision/rounds/${roundId}/feedback`)
        .then((next) => {
          if (!cancelled) setData(next)
        })
        .catch(() => undefined) // the next tick asks again
    }, POLL_MS)
    return () => {
      cancelled = true
      window.clearInterval(timer)
    }
  }, [running, roundId, setData])
  return job
}

export function RoundFeedbackTab({ round, onReleased }: { round: RoundDetail; onReleased: () => void }) {
  const { t } = useTranslation()
  if (round.status === 'draft') {
    return (
      <Alert color="gray" variant="light">
        {t('rounds.status.draftHelp')}
      </Alert>
    )
  }
  return (
    <Stack gap="md">
      <GenerationCard round={round} onReleased={onReleased} />
      <SummaryCard round={round} />
    </Stack>
  )
}

function GenerationCard({ round, onReleased }: { round: RoundDetail; onReleased: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const job = useFeedbackJob(round.id)
  const [busy, setBusy] = useState<'generate' | 'release' | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [confirmRelease, setConfirmRelease] = useState(false)
  const j = job.data
  const manage = round.permissions.manage

  async function generate() {
    setBusy('generate')
    setError(null)
    try {
      job.setData(await api.post<FeedbackJob>(`/api/v1/supervision/rounds/${round.id}/feedback/generate`))
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(null)
    }
  }

  async function release() {
    setBusy('release')
    setError(null)
    try {
      job.setData(await api.post<FeedbackJob>(`/api/v1/supervision/rounds/${round.id}/feedback/release`))
      setConfirmRelease(false)
      notifySuccess(t('rounds.feedback.releasedDone'))
      onReleased()
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(null)
    }
  }

  if (job.error && !j) return <ErrorAlert error={job.error} />
  if (!j) return <PageLoader />
  const running = j.state === 'running'
  const value = j.total > 0 ? (j.done / j.total) * 100 : 0
  const canRelease = manage && !running && j.generatedAt !== null && j.releasedAt === null

  return (
    <Card withBorder padding="md" data-testid="feedback-job" data-state={j.state}>
      <Group justify="space-between" align="flex-start" mb="xs">
        <div>
          <Title order={2} size="h5" mb={4}>
            {t('rounds.feedback.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('rounds.feedback.help')}
          </Text>
        </div>
        {manage && (
          <Group gap="xs" wrap="nowrap">
            <Button variant={j.generatedAt ? 'default' : 'filled'} leftSection={<IconReportAnalytics size={16} />} onClick={() => void generate()} loading={busy === 'generate'} disabled={running}>
              {j.generatedAt ? t('rounds.feedback.regenerate') : t('rounds.feedback.generate')}
            </Button>
            <Button color="teal" leftSection={<IconSend size={16} />} onClick={() => setConfirmRelease(true)} disabled={!canRelease}>
              {t('rounds.feedback.release')}
            </Button>
          </Group>
        )}
      </Group>
      <ErrorAlert error={error} onClose={() => setError(null)} />
      {j.state !== 'idle' && (
        <Stack gap={4} mt="sm">
          <Group justify="space-between">
            <Text size="sm" fw={500}>
              {running ? t('rounds.feedback.running') : j.state === 'done' ? t('rounds.feedback.doneState') : t('rounds.feedback.failedState')}
            </Text>
            <Text size="sm" data-testid="feedback-progress-count">
              {t('rounds.feedback.count', { done: j.done, total: j.total })}
            </Text>
          </Group>
          <Progress
            value={value}
            size="lg"
            animated={running}
            striped={running}
            color={j.state === 'failed' ? 'red' : j.state === 'done' ? 'teal' : 'kamae'}
            aria-label={t('rounds.feedback.progressLabel')}
            data-testid="feedback-progress"
            data-done={j.done}
            data-total={j.total}
          />
        </Stack>
      )}
      {j.state === 'failed' && (
        <Alert color="red" variant="light" mt="sm" icon={<IconAlertCircle size={18} />} role="alert">
          {j.error === 'interrupted' ? t('rounds.feedback.interrupted') : t('rounds.feedback.failed', { error: j.error ?? '' })}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} mt="sm">
        <Text size="sm">
          {t('rounds.feedback.generatedAt')}: {formatDateTime(j.generatedAt, lang)}
        </Text>
        <Text size="sm" data-testid="feedback-released" data-released={j.releasedAt ? 'true' : 'false'}>
          {t('rounds.feedback.releasedAt')}: {j.releasedAt ? formatDateTime(j.releasedAt, lang) : t('rounds.feedback.notReleased')}
        </Text>
      </SimpleGrid>
      {j.releasedAt && (
        <Alert color="teal" variant="light" mt="sm" icon={<IconCircleCheck size={18} />}>
          {t('rounds.feedback.releasedHelp')}
        </Alert>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        {t('rounds.feedback.previewHelp')}
      </Text>
      <Modal opened={confirmRelease} onClose={() => setConfirmRelease(false)} title={t('rounds.feedback.releaseTitle')}>
        <Stack gap="sm">
          <Text size="sm">{t('rounds.feedback.releaseHelp', { count: j.total })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRelease(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="teal" loading={busy === 'release'} onClick={() => void release()} data-autofocus>
              {t('rounds.feedback.releaseConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  )
}

/** 業界全体の傾向: the aggregate-only, k-anonymous summary, on screen and as a PDF. */
function SummaryCard({ round }: { round: RoundDetail }) {
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const summary = useQuery<SectorSummary>(`/api/v1/supervision/rounds/${round.id}/summary`)
  const base = `/api/v1/supervision/rounds/${round.id}/summary.pdf`
  const s = summary.data

  return (
    <Card withBorder padding="md" data-testid="sector-summary">
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Title order={2} size="h5" mb={4}>
            {t('rounds.summary.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('rounds.summary.help', { k: round.kAnonymity })}
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap">
          {(['ja', 'en'] as const).map((l) => (
            <Button key={l} component="a" href={`${base}?lang=${l}`} download variant={l === lang ? 'light' : 'default'} leftSection={<IconFileTypePdf size={16} />}>
              {t(`rounds.summary.pdf.${l}`)}
            </Button>
          ))}
        </Group>
      </Group>
      <ErrorAlert error={summary.error} />
      {!s ? (
        summary.error ? null : <PageLoader />
      ) : s.submissions === 0 ? (
        <Text size="sm" c="dimmed">
          {t('analysis.noSubmissions')}
        </Text>
      ) : (
        <Stack gap="md">
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <SummaryFigure label={t('analysis.submissions')} value={`${s.submissions} / ${s.targets}`} />
            <SummaryFigure label={t('analysis.meanOverall')} value={percent(s.headline.meanOverall)} />
            <SummaryFigure label={t('analysis.meanBasic')} value={percent(s.headline.meanBasicCompliance)} />
            <SummaryFigure label={t('analysis.fullBasic')} value={percent(s.headline.fullBasicComplianceRate)} />
          </SimpleGrid>
          {s.overall === null && (
            <Alert color="orange" variant="light">
              {t('rounds.summary.belowK', { k: s.k })}
            </Alert>
          )}
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing={4} fz="sm" data-testid="summary-sections">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('analysis.group')}</Table.Th>
                  <Table.Th w={60} ta="right">
                    {t('analysis.count')}
                  </Table.Th>
                  <Table.Th w={70} ta="right">
                    {t('analysis.stat.median')}
                  </Table.Th>
                  <Table.Th w={70} ta="right">
                    {t('analysis.stat.mean')}
                  </Table.Th>
                  <Table.Th w={280}>{t('analysis.distribution')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td fw={700}>{t('analysis.metric.overall')}</Table.Td>
                  <Table.Td ta="right">{s.overall?.count ?? '—'}</Table.Td>
                  <Table.Td ta="right">{percent(s.overall?.median)}</Table.Td>
                  <Table.Td ta="right">{percent(s.overall?.mean)}</Table.Td>
                  <Table.Td>
                    <BoxPlot distribution={s.overall} />
                  </Table.Td>
                </Table.Tr>
                {s.sections.map((section) => (
                  <Table.Tr key={section.ref}>
                    <Table.Td>
                      {section.ref} {pick(section.title, lang)}
                    </Table.Td>
                    <Table.Td ta="right">{section.distribution?.count ?? '—'}</Table.Td>
                    <Table.Td ta="right">{percent(section.distribution?.median)}</Table.Td>
                    <Table.Td ta="right">{percent(section.distribution?.mean)}</Table.Td>
                    <Table.Td>
                      <BoxPlot distribution={section.distribution} />
                    </Table.Td>
                  </Table.Tr>
                ))}
                {s.bySector.map((entry) => (
                  <Table.Tr key={`sector-${entry.sector}`}>
                    <Table.Td>{t('rounds.summary.sectorRow', { sector: entry.sector === 'others' ? t('rounds.summary.others') : names.sector(entry.sector) })}</Table.Td>
                    <Table.Td ta="right">{entry.distribution.count}</Table.Td>
                    <Table.Td ta="right">{percent(entry.distribution.median)}</Table.Td>
                    <Table.Td ta="right">{percent(entry.distribution.mean)}</Table.Td>
                    <Table.Td>
                      <BoxPlot distribution={entry.distribution} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <BoxPlotLegend />
          {s.othersFolded > 0 && (
            <Text size="xs" c="dimmed">
              {t('rounds.summary.othersFolded', { count: s.othersFolded, k: s.k })}
            </Text>
          )}
          {s.commonWeaknesses.length > 0 && (
            <div>
              <Title order={3} size="h6" mb={4}>
                {t('analysis.weaknessesTitle')}
              </Title>
              <Stack gap={4}>
                {s.commonWeaknesses.map((w) => (
                  <Group key={w.ref} gap={6} wrap="nowrap">
                    <Text size="sm" ff="monospace" w={80}>
                      {w.ref}
                    </Text>
                    <ClassBadge itemClass={w.class} size="xs" />
                    <Text size="sm" style={{ flex: 1 }} lineClamp={1}>
                      {pick(w.title, lang)}
                    </Text>
                    <Text size="sm" fw={600}>
                      {percent(w.implementationRate)}
                    </Text>
                  </Group>
                ))}
              </Stack>
            </div>
          )}
          {s.trend && (
            <Text size="sm">
              {t('rounds.summary.trend', {
                title: pick(s.trend.previousRoundTitle, lang),
                before: percent(s.trend.previousMeanOverall),
                now: percent(s.headline.meanOverall),
              })}
            </Text>
          )}
        </Stack>
      )}
    </Card>
  )
}

function SummaryFigure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={22} fw={700}>
        {value}
      </Text>
    </div>
  )
}
