import { Anchor, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core'
import { IconArrowLeft, IconLock, IconPencil, IconSend } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { RoundAnalysisTab } from './RoundAnalysisTab'
import { RoundFeedbackTab } from './RoundFeedbackTab'
import { RoundProgress } from './RoundListPage'
import { RoundStatusTab } from './RoundStatusTab'
import { catalogName, KindBadge, listed, RoundStatusBadge, useGroupNames } from './shared'
import type { RoundDetail } from './types'

const TABS = ['status', 'analysis', 'feedback'] as const
type Tab = (typeof TABS)[number]

/** One round as the supervisor runs it: header with its actions, then status, analysis and feedback. */
export function RoundPage() {
  const { id = '' } = useParams()
  const { t } = useTranslation()
  const lang = useLang()
  const [params, setParams] = useSearchParams()
  const round = useQuery<RoundDetail>(`/api/v1/supervision/rounds/${id}`)
  const asked = params.get('tab')
  const tab: Tab = TABS.includes(asked as Tab) ? (asked as Tab) : 'status'

  if (round.error && !round.data) return <ErrorAlert error={round.error} />
  if (!round.data) return <PageLoader />
  const r = round.data

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Anchor component={Link} to="/supervision/rounds" size="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('rounds.backToList')}
            </Group>
          </Anchor>
          <Group gap="xs">
            <Title order={1} size="h3" data-testid="round-title">
              {pick(r.title, lang)}
            </Title>
            <KindBadge kind={r.kind} />
            <RoundStatusBadge status={r.status} />
            {r.feedbackReleasedAt && (
              <Badge color="teal" variant="light" tt="none">
                {t('rounds.feedbackReleased')}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {catalogName(r.catalog, lang)}
          </Text>
        </Stack>
        <RoundActions round={r} onChange={(next) => round.setData(next)} />
      </Group>
      <RoundFacts round={r} />
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'status' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="status">{t('rounds.tabs.status')}</Tabs.Tab>
          <Tabs.Tab value="analysis">{t('rounds.tabs.analysis')}</Tabs.Tab>
          <Tabs.Tab value="feedback">{t('rounds.tabs.feedback')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="status">
          <RoundStatusTab round={r} />
        </Tabs.Panel>
        <Tabs.Panel value="analysis">
          <RoundAnalysisTab round={r} />
        </Tabs.Panel>
        <Tabs.Panel value="feedback">
          <RoundFeedbackTab round={r} onReleased={round.reload} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}

function RoundFacts({ round }: { round: RoundDetail }) {
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const target =
    round.target.mode === 'list'
      ? t('rounds.targetList', { count: round.target.institutionIds.length })
      : [
          round.target.sectors?.length ? listed(round.target.sectors.map(names.sector), lang) : t('rounds.allSectors'),
          round.target.sizes?.length ? listed(round.target.sizes.map(names.size), lang) : t('rounds.allSizes'),
        ].join(' / ')
  const facts = [
    { label: t('round.field.opensAt'), value: formatDateTime(round.opensAt, lang) },
    { label: t('round.field.dueAt'), value: formatDateTime(round.dueAt, lang) },
    { label: t('rounds.form.target'), value: target },
    { label: t('round.field.k'), value: String(round.kAnonymity) },
    { label: t('round.field.carryForward'), value: round.carryForward ? t('common.yes') : t('common.no') },
  ]
  return (
    <Card withBorder padding="md">
      <SimpleGrid cols={{ base: 2, md: 3, xl: 6 }} spacing="md">
        {facts.map((f) => (
          <div key={f.label}>
            <Text size="xs" c="dimmed">
              {f.label}
            </Text>
            <Text size="sm" fw={500}>
              {f.value}
            </Text>
          </div>
        ))}
        {round.status !== 'draft' && (
          <div>
            <Text size="xs" c="dimmed">
              {t('rounds.progress')}
            </Text>
            <RoundProgress round={round} />
          </div>
        )}
      </SimpleGrid>
      {round.instructions && (
        <Text size="sm" mt="sm" style={{ whiteSpace: 'pre-wrap' }} c="dimmed">
          {round.instructions}
        </Text>
      )}
    </Card>
  )
}

/** Edit, publish (fixes the targets and notifies them) and close, each behind a confirmation where it cannot be undone. */
function RoundActions({ round, onChange }: { round: RoundDetail; onChange: (round: RoundDetail) => void }) {
  const { t } = useTranslation()
  const [confirming, setConfirming] = useState<'publish' | 'close' | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  async function run(action: 'publish' | 'close') {
    setBusy(true)
    setError(null)
    try {
      const next = await api.post<RoundDetail>(`/api/v1/supervision/rounds/${round.id}/${action}`)
      onChange(next)
      setConfirming(null)
      notifySuccess(t(`rounds.actions.${action}Done`))
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <Group gap="xs" wrap="nowrap">
        {round.permissions.edit && (
          <Button component={Link} to={`/supervision/rounds/${round.id}/edit`} variant="default" leftSection={<IconPencil size={16} />}>
            {t('common.edit')}
          </Button>
        )}
        {round.permissions.close && (
          <Button variant="light" color="gray" leftSection={<IconLock size={16} />} onClick={() => setConfirming('close')}>
            {t('rounds.actions.close')}
          </Button>
        )}
        {round.permissions.publish && (
          <Button leftSection={<IconSend size={16} />} onClick={() => setConfirming('publish')}>
            {t('rounds.actions.publish')}
          </Button>
        )}
      </Group>
      <Modal
        opened={confirming !== null}
        onClose={() => {
          setConfirming(null)
          setError(null)
        }}
        title={confirming ? t(`rounds.actions.${confirming}Title`) : ''}
      >
        <Stack gap="sm">
          <Text size="sm">{confirming ? t(`rounds.actions.${confirming}Help`) : ''}</Text>
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(null)}>
              {t('common.cancel')}
            </Button>
            <Button color={confirming === 'close' ? 'gray' : undefined} loading={busy} onClick={() => confirming && void run(confirming)} data-autofocus>
              {confirming ? t(`rounds.actions.${confirming}Confirm`) : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  )
}
