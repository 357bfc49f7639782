import { Alert, Anchor, Button, Card, Grid, Group, Modal, Progress, ScrollArea, Stack, Table, Text, Textarea, Title } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconAlertCircle, IconArrowBackUp, IconArrowLeft, IconCircleCheck, IconEye, IconFileTypePdf, IconFileUpload } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { api, ApiError, uploadFile } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { percent, percentValue } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { FeedbackReportView } from './FeedbackReportView'
import { FollowUpThread, isOverdue, OverdueRoundBadge, SubmissionTable, TargetStateBadge, useGroupNames } from './shared'
import type { FeedbackReport, InstitutionInRound, RoundDetail } from './types'

const XLSX_TYPES = { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['.xlsx'] }

/** One institution in a round, as the supervisor sees it: submissions, scores, follow-up, import, feedback. */
export function InstitutionInRoundPage() {
  const { id = '', orgId = '' } = useParams()
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const round = useQuery<RoundDetail>(`/api/v1/supervision/rounds/${id}`)
  const detail = useQuery<InstitutionInRound>(`/api/v1/supervision/rounds/${id}/institutions/${orgId}`)

  const error = detail.error ?? round.error
  if (error && (!detail.data || !round.data)) return <ErrorAlert error={error} />
  if (!detail.data || !round.data) return <PageLoader />
  const d = detail.data
  const r = round.data
  const base = `/api/v1/supervision/rounds/${r.id}/institutions/${orgId}`
  const institution = d.target.institution
  const submitted = d.target.state === 'submitted' || d.target.state === 'late'

  return (
    <Stack gap="md" maw={1400}>
      <Stack gap={4}>
        <Anchor component={Link} to={`/supervision/rounds/${r.id}`} size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} />
            {t('rounds.backToRoundNamed', { title: pick(r.title, lang) })}
          </Group>
        </Anchor>
        <Group gap="xs">
          <Title order={1} size="h3" data-testid="institution-name">
            {pick(institution.name, lang)}
          </Title>
          <TargetStateBadge state={d.target.state} />
          {r.status === 'published' && isOverdue(r.dueAt, d.target.state) && <OverdueRoundBadge />}
        </Group>
        <Text size="sm" c="dimmed">
          {names.group(institution.sector, institution.sizeBand)} · {pick(r.title, lang)}
        </Text>
      </Stack>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="md">
            <Card withBorder padding="md">
              <Title order={2} size="h5" mb="xs">
                {t('round.submissions.title')}
              </Title>
              <SubmissionTable submissions={d.submissions} snapshotPath={(submissionId) => `${base}/submissions/${submissionId}`} />
              <Text size="xs" c="dimmed" mt="xs">
                {t('round.submissions.digestHelp')}
              </Text>
            </Card>
            <SectionScores detail={d} />
            <FeedbackCard round={r} base={base} submitted={d.submissions.length > 0} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            {r.permissions.manage && submitted && r.status !== 'draft' && <ReturnCard base={base} onDone={(next) => detail.setData(next)} />}
            <FollowUpThread thread={d.thread} side="supervisor" />
            {r.permissions.manage && r.status === 'published' && <ImportCard base={base} onDone={(next) => detail.setData(next)} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function SectionScores({ detail }: { detail: InstitutionInRound }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Card withBorder padding="md" data-testid="institution-scores">
      <Title order={2} size="h5" mb="xs">
        {t('rounds.institution.scores')}
      </Title>
      {!detail.scores ? (
        <Text size="sm" c="dimmed">
          {t('round.submissions.none')}
        </Text>
      ) : (
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('scores.section')}</Table.Th>
              <Table.Th w={190}>{t('scores.score')}</Table.Th>
              <Table.Th w={130} ta="right">
                {t('scores.basicCompliance')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {detail.scores.sections.map((section) => (
              <Table.Tr key={section.ref}>
                <Table.Td>
                  {section.ref} {pick(section.title, lang)}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Progress value={percentValue(section.score)} size="sm" w={100} aria-hidden />
                    <Text size="sm">{percent(section.score)}</Text>
                  </Group>
                </Table.Td>
                <Table.Td ta="right">{percent(section.basicCompliance)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}

/** 差戻し: returns the current submission with comments; the institution answers and resubmits. */
function ReturnCard({ base, onDone }: { base: string; onDone: (next: InstitutionInRound) => void }) {
  const { t } = useTranslation()
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  async function send() {
    setBusy(true)
    setError(null)
    try {
      onDone(await api.post<InstitutionInRound>(`${base}/return`, { comment: comment.trim() }))
      setComment('')
      notifySuccess(t('rounds.institution.returned'))
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card withBorder padding="md" style={{ borderColor: 'var(--mantine-color-grape-4)' }} data-testid="return-card">
      <Title order={2} size="h5" mb={4}>
        {t('rounds.institution.returnTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('rounds.institution.returnHelp')}
      </Text>
      <Stack gap="xs">
        <Textarea
          label={t('rounds.institution.returnComment')}
          autosize
          minRows={3}
          value={comment}
          onChange={(e) => setComment(e.currentTarget.value)}
          error={error?.details.find((detail) => detail.path.startsWith('body.comment'))?.message}
        />
        <ErrorAlert error={error && !error.details.some((detail) => detail.path.startsWith('body.comment')) ? error : null} onClose={() => setError(null)} />
        <Group justify="flex-end">
          <Button color="grape" leftSection={<IconArrowBackUp size={16} />} onClick={() => void send()} loading={busy} disabled={!comment.trim()}>
            {t('rounds.institution.return')}
          </Button>
        </Group>
      </Stack>
    </Card>
  )
}

/** A check sheet the institution sent outside Kamae, recorded as its submission; a bad file changes nothing and says which cells. */
function ImportCard({ base, onDone }: { base: string; onDone: (next: InstitutionInRound) => void }) {
  const { t } = useTranslation()
  const [progress, setProgress] = useState<number | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [fileName, setFileName] = useState<string | null>(null)

  function importFile(file: File) {
    setError(null)
    setDone(null)
    setFileName(file.name)
    setProgress(0)
    uploadFile<InstitutionInRound>(`${base}/import`, file, setProgress)
      .promise.then((next) => {
        onDone(next)
        setDone(file.name)
      })
      .catch((reason: unknown) => setError(asApiError(reason)))
      .finally(() => setProgress(null))
  }

  return (
    <Card withBorder padding="md" data-testid="import-card">
      <Title order={2} size="h5" mb={4}>
        {t('rounds.institution.importTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('rounds.institution.importHelp')}
      </Text>
      <Stack gap="sm">
        <Dropzone
          onDrop={(files) => files[0] && importFile(files[0])}
          onReject={(rejections) => {
            setDone(null)
            setFileName(rejections[0]?.file.name ?? null)
            setError(new ApiError(0, 'not_xlsx', t('exchange.notXlsx')))
          }}
          multiple={false}
          accept={XLSX_TYPES}
          loading={progress !== null}
          inputProps={{ 'aria-label': t('rounds.institution.importChoose') }}
          p="md"
        >
          <Group justify="center" gap="sm" mih={40} style={{ pointerEvents: 'none' }}>
            <IconFileUpload size={24} color="var(--mantine-color-dimmed)" />
            <Text size="sm">{t('exchange.drop')}</Text>
          </Group>
        </Dropzone>
        {progress !== null && <Progress value={progress * 100} animated aria-label={t('exchange.uploading')} />}
        {done && (
          <Alert color="teal" icon={<IconCircleCheck size={18} />} data-testid="import-done">
            {t('rounds.institution.imported', { name: done })}
          </Alert>
        )}
        {error && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} title={t('exchange.refused', { name: fileName ?? '' })} role="alert" data-testid="import-errors">
            <Text size="sm" mb={error.details.length ? 'xs' : 0}>
              {error.message}
            </Text>
            {error.details.length > 0 && (
              <ScrollArea.Autosize mah={300} type="auto">
                <Table verticalSpacing={3} fz="sm" withTableBorder bg="white">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={140}>{t('exchange.cell')}</Table.Th>
                      <Table.Th>{t('exchange.problem')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {error.details.map((detail, index) => (
                      <Table.Tr key={`${detail.path}-${index}`}>
                        <Table.Td ff="monospace">{detail.path}</Table.Td>
                        <Table.Td>{detail.message}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            )}
          </Alert>
        )}
      </Stack>
    </Card>
  )
}

/** The feedback as it would be generated now (preview), and the generated PDFs once there are some. */
function FeedbackCard({ round, base, submitted }: { round: RoundDetail; base: string; submitted: boolean }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const preview = useQuery<FeedbackReport>(open ? `${base}/feedback` : null)
  return (
    <Card withBorder padding="md" data-testid="institution-feedback">
      <Title order={2} size="h5" mb={4}>
        {t('rounds.institution.feedbackTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {submitted ? (round.feedbackGeneratedAt ? t('rounds.institution.feedbackGenerated') : t('rounds.institution.feedbackNotGenerated')) : t('rounds.institution.feedbackNeedsSubmission')}
      </Text>
      <Group gap="xs">
        <Button variant="light" leftSection={<IconEye size={16} />} onClick={() => setOpen(true)} disabled={!submitted}>
          {t('rounds.institution.preview')}
        </Button>
        {submitted &&
          round.feedbackGeneratedAt &&
          (['ja', 'en'] as const).map((l) => (
            <Button key={l} component="a" href={`${base}/feedback.pdf?lang=${l}`} download variant="default" leftSection={<IconFileTypePdf size={16} />}>
              {t(`feedback.pdf.${l}`)}
            </Button>
          ))}
      </Group>
      <Modal opened={open} onClose={() => setOpen(false)} size="80rem" title={t('rounds.institution.previewTitle')} scrollAreaComponent={ScrollArea.Autosize}>
        <ErrorAlert error={preview.error} />
        {preview.data ? <FeedbackReportView report={preview.data} /> : !preview.error && <PageLoader />}
      </Modal>
    </Card>
  )
}
