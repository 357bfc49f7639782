import { Alert, Anchor, Badge, Button, Card, Group, Menu, Modal, SegmentedControl, Stack, Table, Text, Textarea } from '@mantine/core'
import { IconBellRinging, IconChevronDown, IconFileTypeCsv, IconFileTypeXls } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime, percent } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { bracketed, Digest, isOverdue, OverdueRoundBadge, TargetStateBadge, useGroupNames } from './shared'
import { TARGET_STATES, type RoundDetail, type TargetState, type TargetStatus } from './types'

type Filter = 'all' | TargetState

/** 提出状況: every target institution with its state, filterable; reminders and exports. */
export function RoundStatusTab({ round }: { round: RoundDetail }) {
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const [filter, setFilter] = useState<Filter>('all')
  const [reminding, setReminding] = useState(false)
  const targets = useQuery<TargetStatus[]>(round.status === 'draft' ? null : `/api/v1/supervision/rounds/${round.id}/targets`)

  if (round.status === 'draft') {
    return (
      <Alert color="gray" variant="light">
        {t('rounds.status.draftHelp')}
      </Alert>
    )
  }
  const all = targets.data ?? []
  const count = (state: TargetState) => all.filter((target) => target.state === state).length
  const shown = filter === 'all' ? all : all.filter((target) => target.state === filter)
  const base = `/api/v1/supervision/rounds/${round.id}`

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <SegmentedControl
          aria-label={t('rounds.status.filter')}
          value={filter}
          onChange={(value) => setFilter(value as Filter)}
          data={[
            { value: 'all', label: t('rounds.status.all', { count: all.length }) },
            ...TARGET_STATES.map((state) => ({ value: state, label: bracketed(t(`round.state.${state}`), String(count(state)), lang) })),
          ]}
        />
        <Group gap="xs">
          {round.permissions.manage && round.status === 'published' && (
            <Button variant="light" color="orange" leftSection={<IconBellRinging size={16} />} onClick={() => setReminding(true)}>
              {t('rounds.status.remind')}
            </Button>
          )}
          <Button component="a" href={`${base}/export.xlsx?lang=${lang}`} download variant="default" leftSection={<IconFileTypeXls size={16} />}>
            {t('rounds.status.exportXlsx')}
          </Button>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" leftSection={<IconFileTypeCsv size={16} />} rightSection={<IconChevronDown size={14} />}>
                {t('rounds.status.exportCsv')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {(['status', 'scores', 'answers'] as const).map((table) => (
                <Menu.Item key={table} component="a" href={`${base}/export.csv?table=${table}&lang=${lang}`} download>
                  {t(`rounds.status.csv.${table}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      <ErrorAlert error={targets.error} />
      {targets.loading && !targets.data ? (
        <PageLoader />
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={1100}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" data-testid="target-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('rounds.status.institution')}</Table.Th>
                  <Table.Th w={170}>{t('round.field.sectors')}</Table.Th>
                  <Table.Th w={150}>{t('rounds.status.state')}</Table.Th>
                  <Table.Th w={200}>{t('round.submissions.submittedAt')}</Table.Th>
                  <Table.Th w={200}>{t('round.submissions.digest')}</Table.Th>
                  <Table.Th w={90}>{t('round.submissions.score')}</Table.Th>
                  <Table.Th w={160}>{t('rounds.status.lastReminded')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={7}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        {t('rounds.status.empty')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {shown.map((target) => (
                  <Table.Tr key={target.institution.id} data-testid="target-row" data-state={target.state}>
                    <Table.Td>
                      <Anchor component={Link} to={`/supervision/rounds/${round.id}/institutions/${target.institution.id}`} fw={600}>
                        {pick(target.institution.name, lang)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{names.sector(target.institution.sector)}</Text>
                      <Text size="xs" c="dimmed">
                        {names.size(target.institution.sizeBand)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <TargetStateBadge state={target.state} size="sm" />
                        {isOverdue(round.dueAt, target.state) && round.status === 'published' && <OverdueRoundBadge />}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {target.submission ? (
                        <>
                          <Text size="sm">{formatDateTime(target.submission.submittedAt, lang)}</Text>
                          <Group gap={4}>
                            <Text size="xs" c="dimmed">
                              {t('round.versionN', { n: target.submission.version })} · {t(`round.source.${target.submission.source}`)}
                            </Text>
                            {target.submission.late && (
                              <Badge color="orange" variant="light" size="xs" tt="none">
                                {t('round.late')}
                              </Badge>
                            )}
                          </Group>
                        </>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>{target.submission ? <Digest digest={target.submission.digest} /> : '—'}</Table.Td>
                    <Table.Td>{percent(target.submission?.overallScore)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(target.lastRemindedAt, lang)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <ReminderModal
        opened={reminding}
        onClose={() => setReminding(false)}
        roundId={round.id}
        waiting={all.filter((target) => target.state !== 'submitted' && target.state !== 'late').length}
        onSent={targets.reload}
      />
    </Stack>
  )
}

function ReminderModal({ opened, onClose, roundId, waiting, onSent }: { opened: boolean; onClose: () => void; roundId: string; waiting: number; onSent: () => void }) {
  const { t } = useTranslation()
  const [message, setMessage] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  async function send() {
    setBusy(true)
    setError(null)
    try {
      const outcome = await api.post<{ reminded: number }>(`/api/v1/supervision/rounds/${roundId}/reminders`, message.trim() ? { message: message.trim() } : {})
      notifySuccess(t('rounds.status.reminded', { count: outcome.reminded }))
      setMessage('')
      onSent()
      onClose()
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('rounds.status.remindTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('rounds.status.remindHelp', { count: waiting })}</Text>
        <Textarea label={t('rounds.status.remindMessage')} autosize minRows={3} value={message} onChange={(e) => setMessage(e.currentTarget.value)} data-autofocus />
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="orange" loading={busy} onClick={() => void send()} disabled={waiting === 0} leftSection={<IconBellRinging size={16} />}>
            {t('rounds.status.remindSend')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
