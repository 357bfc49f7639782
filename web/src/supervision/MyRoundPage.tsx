import { Alert, Anchor, Button, Card, Grid, Group, Modal, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core'
import { IconArrowLeft, IconArrowRight, IconFileSpreadsheet, IconPlayerPlay, IconReportAnalytics, IconSend } from '@tabler/icons-react'
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
import { bracketed, catalogName, Digest, FollowUpThread, isOverdue, KindBadge, OverdueRoundBadge, RoundStatusBadge, SubmissionTable, TargetStateBadge } from './shared'
import type { ApprovedAssessment, InstitutionRound } from './types'

/** A round as the institution sees it: what is asked, its assessment, submitting, the history and the follow-up. */
export function MyRoundPage() {
  const { id = '' } = useParams()
  const { t } = useTranslation()
  const lang = useLang()
  const round = useQuery<InstitutionRound>(`/api/v1/rounds/${id}`)

  if (round.error && !round.data) return <ErrorAlert error={round.error} />
  if (!round.data) return <PageLoader />
  const r = round.data
  const latest = [...r.submissions].sort((a, b) => b.version - a.version)[0]
  const lastReturn = [...r.thread].reverse().find((entry) => entry.kind === 'return')

  return (
    <Stack gap="md" maw={1400}>
      <Stack gap={4}>
        <Anchor component={Link} to="/" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} />
            {t('nav.dashboard')}
          </Group>
        </Anchor>
        <Group gap="xs">
          <Title order={1} size="h3" data-testid="round-title">
            {pick(r.title, lang)}
          </Title>
          <KindBadge kind={r.kind} />
          <TargetStateBadge state={r.state} />
          {r.status === 'closed' && <RoundStatusBadge status={r.status} />}
          {r.status === 'published' && isOverdue(r.dueAt, r.state) && <OverdueRoundBadge />}
        </Group>
      </Stack>
      <Card withBorder padding="md">
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
          <Fact label={t('myRound.supervisor')} value={pick(r.supervisor, lang)} />
          <Fact label={t('round.field.dueAt')} value={formatDateTime(r.dueAt, lang)} testId="due-at" />
          <Fact label={t('round.field.opensAt')} value={formatDateTime(r.opensAt, lang)} />
          <Fact label={t('round.field.catalog')} value={catalogName(r.catalog, lang)} />
        </SimpleGrid>
      </Card>
      {r.feedbackReleased && (
        <Alert color="teal" variant="light" icon={<IconReportAnalytics size={18} />} title={t('myRound.feedbackReleased')} data-testid="feedback-released">
          <Group justify="space-between">
            <Text size="sm">{t('myRound.feedbackReleasedHelp')}</Text>
            <Button component={Link} to={`/rounds/${r.id}/feedback`} color="teal" rightSection={<IconArrowRight size={16} />}>
              {t('myRound.openFeedback')}
            </Button>
          </Group>
        </Alert>
      )}
      {r.state === 'returned' && lastReturn && (
        <Alert color="grape" variant="light" title={t('myRound.returned')} data-testid="returned-alert">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {lastReturn.body}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            {t('myRound.returnedHelp')}
          </Text>
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            {r.instructions && (
              <Card withBorder padding="md">
                <Title order={2} size="h5" mb="xs">
                  {t('round.field.instructions')}
                </Title>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="instructions">
                  {r.instructions}
                </Text>
              </Card>
            )}
            <AnswerCard round={r} onChange={(next) => round.setData(next)} reload={round.reload} />
            <Card withBorder padding="md">
              <Title order={2} size="h5" mb="xs">
                {t('round.submissions.title')}
              </Title>
              {latest && (
                <Stack gap={2} mb="sm" data-testid="latest-digest">
                  <Text size="sm">{t('myRound.latestDigest', { n: latest.version })}</Text>
                  <Digest digest={latest.digest} full />
                </Stack>
              )}
              <SubmissionTable submissions={r.submissions} snapshotPath={(submissionId) => `/api/v1/rounds/${r.id}/submissions/${submissionId}`} />
              <Text size="xs" c="dimmed" mt="xs">
                {t('round.submissions.digestHelp')}
              </Text>
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            <FollowUpThread
              thread={r.thread}
              side="institution"
              supervisorName={pick(r.supervisor, lang)}
              compose={
                r.permissions.respond
                  ? {
                      label: t('myRound.answer'),
                      button: t('myRound.send'),
                      onSend: async (body) => {
                        round.setData(await api.post<InstitutionRound>(`/api/v1/rounds/${r.id}/messages`, { body }))
                      },
                    }
                  : undefined
              }
            />
            <Card withBorder padding="md">
              <Title order={2} size="h5" mb={4}>
                {t('myRound.templateTitle')}
              </Title>
              <Text size="sm" c="dimmed" mb="xs">
                {t('myRound.templateHelp')}
              </Text>
              <Group gap="xs">
                {(['ja', 'en'] as const).map((l) => (
                  <Button key={l} component="a" href={`/api/v1/rounds/${r.id}/template.xlsx?lang=${l}`} download variant={l === 'ja' ? 'light' : 'default'} leftSection={<IconFileSpreadsheet size={16} />}>
                    {t(`exchange.export.${l}`)}
                  </Button>
                ))}
              </Group>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={500} data-testid={testId}>
        {value}
      </Text>
    </div>
  )
}

/** Start the round's assessment (pre-filled when the round carries answers forward), then submit an approved one. */
function AnswerCard({ round, onChange, reload }: { round: InstitutionRound; onChange: (next: InstitutionRound) => void; reload: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const approved = useQuery<ApprovedAssessment[]>(`/api/v1/rounds/${round.id}/assessments`)
  const [chosen, setChosen] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState<'start' | 'submit' | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const choices = approved.data ?? []
  const selected = chosen ?? choices[0]?.id ?? null
  const selectedEntry = choices.find((a) => a.id === selected)

  async function start() {
    setBusy('start')
    setError(null)
    try {
      const started = await api.post<{ assessmentId: string; carried: number }>(`/api/v1/rounds/${round.id}/assessment`)
      notifySuccess(started.carried > 0 ? t('myRound.startedCarried', { count: started.carried }) : t('myRound.started'))
      reload()
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(null)
    }
  }

  async function submit() {
    if (!selected) return
    setBusy('submit')
    setError(null)
    try {
      const next = await api.post<InstitutionRound>(`/api/v1/rounds/${round.id}/submissions`, { assessmentId: selected })
      onChange(next)
      setConfirming(false)
      notifySuccess(t('myRound.submitted', { n: next.submissions.reduce((max, s) => Math.max(max, s.version), 0) }))
    } catch (reason) {
      setConfirming(false)
      setError(asApiError(reason))
    } finally {
      setBusy(null)
    }
  }

  const resubmission = round.submissions.length > 0
  return (
    <Card withBorder padding="md" data-testid="answer-card">
      <Title order={2} size="h5" mb="sm">
        {t('myRound.answerTitle')}
      </Title>
      <Stack gap="md">
        <div>
          <Text size="sm" fw={600}>
            {t('myRound.step1')}
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            {round.carryForward ? t('myRound.step1CarryHelp') : t('myRound.step1Help')}
          </Text>
          {round.assessmentId ? (
            <Button component={Link} to={`/assessments/${round.assessmentId}`} variant="light" rightSection={<IconArrowRight size={16} />} data-testid="open-round-assessment">
              {t('myRound.openAssessment')}
            </Button>
          ) : round.permissions.start ? (
            <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => void start()} loading={busy === 'start'}>
              {t('myRound.start')}
            </Button>
          ) : (
            <Text size="sm" c="dimmed">
              {t('myRound.cannotStart')}
            </Text>
          )}
        </div>
        <div>
          <Text size="sm" fw={600}>
            {resubmission ? t('myRound.step2Again') : t('myRound.step2')}
          </Text>
          <Text size="xs" c="dimmed" mb={6}>
            {t('myRound.step2Help')}
          </Text>
          {!round.permissions.submit ? (
            <Text size="sm" c="dimmed">
              {round.status === 'published' ? t('myRound.cannotSubmitRole') : t('myRound.cannotSubmitClosed')}
            </Text>
          ) : new Date(round.opensAt).getTime() > Date.now() ? (
            <Text size="sm" c="dimmed">
              {t('myRound.notOpenYet', { at: formatDateTime(round.opensAt, lang) })}
            </Text>
          ) : approved.data && choices.length === 0 ? (
            <Alert color="yellow" variant="light" py="xs">
              {t('myRound.noApproved')}
            </Alert>
          ) : (
            <Group align="flex-end" gap="sm">
              <Select
                label={t('myRound.chooseAssessment')}
                w={420}
                allowDeselect={false}
                value={selected}
                onChange={setChosen}
                data={choices.map((a) => ({
                  value: a.id,
                  label: bracketed(a.title, `${t('round.versionN', { n: a.version })}${a.approvedAt ? ` · ${t('myRound.approvedAt', { at: formatDateTime(a.approvedAt, lang) })}` : ''}`, lang),
                }))}
              />
              <Button color="teal" leftSection={<IconSend size={16} />} onClick={() => setConfirming(true)} disabled={!selected}>
                {resubmission ? t('myRound.resubmit') : t('myRound.submit')}
              </Button>
            </Group>
          )}
        </div>
        <ErrorAlert error={error ?? approved.error} onClose={error ? () => setError(null) : undefined} />
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('myRound.confirmTitle')}>
        <Stack gap="sm">
          <Text size="sm">{t('myRound.confirmHelp', { title: selectedEntry?.title ?? '', supervisor: pick(round.supervisor, lang) })}</Text>
          {new Date(round.dueAt).getTime() < Date.now() && round.state !== 'returned' && (
            <Alert color="orange" variant="light" py="xs">
              {t('myRound.confirmLate')}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="teal" loading={busy === 'submit'} onClick={() => void submit()} leftSection={<IconSend size={16} />} data-autofocus>
              {t('myRound.confirmSubmit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  )
}
