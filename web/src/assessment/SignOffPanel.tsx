import { Alert, Anchor, Badge, Button, Card, Grid, Group, Modal, Select, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core'
import { IconArrowBackUp, IconCheck, IconGitCompare, IconLockOpen, IconPencil, IconSend, IconShieldCheck } from '@tabler/icons-react'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api, ApiError } from '../api'
import { useSession } from '../auth/session'
import { StatusBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime, shortHash } from '../common/format'
import { asApiError, useLang } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { pick } from '../i18n'
import type { AssessmentDetail, Catalog, CatalogItem, Diff, Lang } from '../types'
import { allItems, type Progress } from './catalog'

type WorkflowAction = 'request-review' | 'approve' | 'return' | 'reopen'

/** Sign-off: who drafted, who asked for review, who approved; the actions the caller may take; versions. */
export function SignOffPanel({
  assessment,
  catalog,
  progress,
  onChanged,
}: {
  assessment: AssessmentDetail
  catalog: Catalog
  progress: Progress | null
  onChanged: (next: AssessmentDetail) => void
}) {
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <Stack gap="md">
          <WorkflowCard assessment={assessment} progress={progress} onChanged={onChanged} />
          <HistoryCard assessment={assessment} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 6 }}>
        <VersionsCard assessment={assessment} catalog={catalog} />
      </Grid.Col>
    </Grid>
  )
}

function WorkflowCard({ assessment, progress, onChanged }: { assessment: AssessmentDetail; progress: Progress | null; onChanged: (next: AssessmentDetail) => void }) {
  const { t } = useTranslation()
  const { membership } = useSession()
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState<WorkflowAction | null>(null)
  const [error, setError] = useState<{ action: WorkflowAction; error: ApiError } | null>(null)
  const [confirmReopen, setConfirmReopen] = useState(false)
  const { permissions, status } = assessment
  const isApprover = membership?.role === 'approver'
  const unanswered = progress ? progress.total - progress.answered : 0

  async function run(action: WorkflowAction) {
    setBusy(action)
    setError(null)
    try {
      const text = comment.trim()
      const body = action === 'reopen' ? undefined : action === 'return' ? { comment: text } : { comment: text || null }
      const next = await api.post<AssessmentDetail>(`/api/v1/assessments/${assessment.id}/${action}`, body)
      setComment('')
      notifySuccess(t(`signoff.done.${action}`))
      onChanged(next)
    } catch (reason) {
      setError({ action, error: asApiError(reason) })
    } finally {
      setBusy(null)
      setConfirmReopen(false)
    }
  }

  const errorTitle = error ? t(`signoff.refused.${error.action}`) : undefined

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {t('signoff.title')}
        </Title>
        <StatusBadge status={status} size="lg" />
      </Group>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t(`signoff.explain.${status}`)}
        </Text>
        {error && (
          <div data-testid="signoff-error">
            <ErrorAlert error={error.error} title={errorTitle} onClose={() => setError(null)} />
          </div>
        )}

        {status === 'draft' && permissions.canRequestReview && (
          <>
            {unanswered > 0 && (
              <Alert color="yellow" variant="light" py="xs">
                {t('signoff.unansweredWarning', { count: unanswered })}
              </Alert>
            )}
            <Textarea
              label={t('signoff.commentForReviewer')}
              autosize
              minRows={2}
              maxRows={5}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              maxLength={4000}
            />
            <Group>
              <Button leftSection={<IconSend size={16} />} loading={busy === 'request-review'} onClick={() => void run('request-review')}>
                {t('signoff.requestReview')}
              </Button>
            </Group>
          </>
        )}

        {status === 'in_review' && (isApprover || permissions.canApprove || permissions.canReturn) && (
          <>
            {!permissions.canApprove && (
              <Alert color="yellow" variant="light" py="xs">
                {t('signoff.mayBeRefused')}
              </Alert>
            )}
            <Textarea
              label={t('signoff.approverComment')}
              description={t('signoff.approverCommentHelp')}
              autosize
              minRows={2}
              maxRows={5}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              maxLength={4000}
            />
            <Group>
              <Button color="teal" leftSection={<IconShieldCheck size={16} />} loading={busy === 'approve'} onClick={() => void run('approve')}>
                {t('signoff.approve')}
              </Button>
              <Button
                color="orange"
                variant="light"
                leftSection={<IconArrowBackUp size={16} />}
                loading={busy === 'return'}
                disabled={!comment.trim()}
                onClick={() => void run('return')}
              >
                {t('signoff.return')}
              </Button>
            </Group>
            {!comment.trim() && (
              <Text size="xs" c="dimmed">
                {t('signoff.returnNeedsComment')}
              </Text>
            )}
          </>
        )}

        {status === 'in_review' && !isApprover && !permissions.canApprove && (
          <Text size="sm">{t('signoff.waitingForApprover')}</Text>
        )}

        {status === 'approved' && permissions.canReopen && (
          <Group>
            <Button variant="light" leftSection={<IconLockOpen size={16} />} onClick={() => setConfirmReopen(true)}>
              {t('signoff.reopen')}
            </Button>
          </Group>
        )}
      </Stack>
      <Modal opened={confirmReopen} onClose={() => setConfirmReopen(false)} title={t('signoff.reopen')}>
        <Stack>
          <Text size="sm">{t('signoff.reopenConfirm', { version: assessment.version + 1 })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmReopen(false)}>
              {t('common.cancel')}
            </Button>
            <Button loading={busy === 'reopen'} onClick={() => void run('reopen')}>
              {t('signoff.reopen')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  )
}

function HistoryCard({ assessment }: { assessment: AssessmentDetail }) {
  const { t } = useTranslation()
  const lang = useLang()
  const steps = [
    { key: 'created', icon: IconPencil, who: assessment.createdBy?.displayName, at: assessment.createdAt, comment: null as string | null, color: 'gray' },
    ...(assessment.returnedAt
      ? [{ key: 'returned', icon: IconArrowBackUp, who: null, at: assessment.returnedAt, comment: assessment.returnComment, color: 'orange' }]
      : []),
    ...(assessment.reviewRequestedAt
      ? [{ key: 'reviewRequested', icon: IconSend, who: assessment.reviewRequestedBy?.displayName, at: assessment.reviewRequestedAt, comment: null, color: 'orange' }]
      : []),
    ...(assessment.approvedAt
      ? [{ key: 'approved', icon: IconCheck, who: assessment.approvedBy?.displayName, at: assessment.approvedAt, comment: assessment.approvalComment, color: 'teal' }]
      : []),
  ].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''))

  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="sm">
        {t('signoff.history')}
      </Title>
      <Timeline bulletSize={22} lineWidth={2} active={steps.length - 1}>
        {steps.map((step) => (
          <Timeline.Item key={step.key} bullet={<step.icon size={12} />} color={step.color} title={t(`signoff.step.${step.key}`)}>
            <Text size="xs" c="dimmed">
              {[step.who, formatDateTime(step.at, lang)].filter(Boolean).join(' · ')}
            </Text>
            {step.comment && (
              <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap' }}>
                {step.comment}
              </Text>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
    </Card>
  )
}

function VersionsCard({ assessment, catalog }: { assessment: AssessmentDetail; catalog: Catalog }) {
  const { t } = useTranslation()
  const lang = useLang()
  const versions = [...assessment.versions].sort((a, b) => b.version - a.version)
  const previous = versions.find((v) => v.version < assessment.version)
  const [from, setFrom] = useState<string | null>(previous?.id ?? null)
  const [to, setTo] = useState<string | null>(assessment.id)
  const [diff, setDiff] = useState<Diff | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const options = versions.map((v) => ({ value: v.id, label: `${t('assessments.versionN', { n: v.version })} (${t(`status.${v.status}`)})` }))

  async function compare() {
    if (!from || !to) return
    setBusy(true)
    setError(null)
    try {
      setDiff(await api.get<Diff>(`/api/v1/assessments/${to}/diff?against=${from}`))
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="sm">
        {t('versions.title')}
      </Title>
      <Table verticalSpacing={4} fz="sm" mb="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('assessments.version')}</Table.Th>
            <Table.Th>{t('assessments.status')}</Table.Th>
            <Table.Th>{t('versions.approvedAt')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.id} bg={v.id === assessment.id ? 'kamae.0' : undefined}>
              <Table.Td>{t('assessments.versionN', { n: v.version })}</Table.Td>
              <Table.Td>
                <StatusBadge status={v.status} size="sm" />
              </Table.Td>
              <Table.Td>{formatDateTime(v.approvedAt, lang)}</Table.Td>
              <Table.Td>
                {v.id === assessment.id ? (
                  <Badge size="xs" variant="light" tt="none">
                    {t('versions.current')}
                  </Badge>
                ) : (
                  <Anchor component={Link} to={`/assessments/${v.id}/signoff`} size="sm">
                    {t('versions.open')}
                  </Anchor>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {versions.length < 2 ? (
        <Text size="sm" c="dimmed">
          {t('versions.onlyOne')}
        </Text>
      ) : (
        <Stack gap="sm">
          <Group align="flex-end" gap="sm">
            <Select label={t('versions.from')} data={options} value={from} onChange={setFrom} w={190} allowDeselect={false} />
            <Select label={t('versions.to')} data={options} value={to} onChange={setTo} w={190} allowDeselect={false} />
            <Button variant="light" leftSection={<IconGitCompare size={16} />} onClick={() => void compare()} loading={busy} disabled={!from || !to || from === to}>
              {t('versions.compare')}
            </Button>
          </Group>
          <ErrorAlert error={error} />
          {diff && <DiffTable diff={diff} catalog={catalog} lang={lang} />}
        </Stack>
      )}
    </Card>
  )
}

function DiffTable({ diff, catalog, lang }: { diff: Diff; catalog: Catalog; lang: Lang }) {
  const { t } = useTranslation()
  const items = useMemo(() => new Map(allItems(catalog).map((i) => [i.ref, i])), [catalog])
  if (diff.changes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('versions.noChanges')}
      </Text>
    )
  }
  const show = (item: CatalogItem | undefined, field: string, value: unknown) => describeValue(item, field, value, lang, t)
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table verticalSpacing={4} fz="sm" striped data-testid="diff-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('versions.item')}</Table.Th>
            <Table.Th>{t('versions.field')}</Table.Th>
            <Table.Th>{t('versions.before')}</Table.Th>
            <Table.Th>{t('versions.after')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {diff.changes.map((change, index) => {
            const item = items.get(change.ref)
            return (
              <Table.Tr key={`${change.ref}-${change.field}-${index}`}>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {change.ref}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={1}>
                    {pick(item?.title, lang)}
                  </Text>
                </Table.Td>
                <Table.Td>{t(`diffField.${change.field}`, { defaultValue: change.field })}</Table.Td>
                <Table.Td c="dimmed">{show(item, change.field, change.before)}</Table.Td>
                <Table.Td>{show(item, change.field, change.after)}</Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

function describeValue(item: CatalogItem | undefined, field: string, value: unknown, lang: Lang, t: (key: string) => string): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no')
  if (field === 'value' && typeof value === 'number') {
    const option = item?.scale.options.find((o) => o.value === value)
    return option ? `${value} ${pick(option.label, lang)}` : String(value)
  }
  if (typeof value === 'object') {
    const file = value as { filename?: unknown; sha256?: unknown }
    if (typeof file.filename === 'string') return `${file.filename}${typeof file.sha256 === 'string' ? ` (${shortHash(file.sha256)})` : ''}`
    return JSON.stringify(value)
  }
  return String(value)
}
