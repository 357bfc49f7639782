import { Anchor, Badge, Button, Card, Group, Progress, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useSession } from '../auth/session'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { KindBadge, RoundStatusBadge } from './shared'
import type { RoundSummary } from './types'

export function canManageRounds(role: string | undefined) {
  return role === 'admin' || role === 'editor'
}

/** 自己評価ラウンド: the supervisor's rounds and requests for self-inspection, newest first. */
export function RoundListPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { membership } = useSession()
  const rounds = useQuery<RoundSummary[]>('/api/v1/supervision/rounds')
  const mayCreate = canManageRounds(membership?.role)

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {t('rounds.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('rounds.intro')}
          </Text>
        </div>
        {mayCreate && (
          <Button component={Link} to="/supervision/rounds/new" leftSection={<IconPlus size={16} />}>
            {t('rounds.new')}
          </Button>
        )}
      </Group>
      <ErrorAlert error={rounds.error} />
      {rounds.loading && !rounds.data ? (
        <PageLoader />
      ) : rounds.data && rounds.data.length === 0 ? (
        <Card withBorder padding="xl">
          <Text>{t('rounds.empty')}</Text>
        </Card>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={1000}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" data-testid="round-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('round.field.title')}</Table.Th>
                  <Table.Th w={130}>{t('round.field.kind')}</Table.Th>
                  <Table.Th w={100}>{t('round.field.status')}</Table.Th>
                  <Table.Th w={170}>{t('round.field.dueAt')}</Table.Th>
                  <Table.Th w={260}>{t('rounds.progress')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(rounds.data ?? []).map((r) => (
                  <Table.Tr key={r.id} data-testid="round-row">
                    <Table.Td>
                      <Anchor component={Link} to={`/supervision/rounds/${r.id}`} fw={600}>
                        {pick(r.title, lang)}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {pick(r.catalog.title, lang)} · {r.catalog.key} {r.catalog.version}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <KindBadge kind={r.kind} />
                    </Table.Td>
                    <Table.Td>
                      <RoundStatusBadge status={r.status} size="sm" />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(r.dueAt, lang)}</Text>
                    </Table.Td>
                    <Table.Td>{r.status === 'draft' ? <Text size="sm" c="dimmed">{t('rounds.notPublished')}</Text> : <RoundProgress round={r} />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </Stack>
  )
}

/** Submitted of targets as a bar, with the late and returned counts beside it. */
export function RoundProgress({ round }: { round: Pick<RoundSummary, 'counts'> }) {
  const { t } = useTranslation()
  const { targets, submitted, late, returned } = round.counts
  const value = targets > 0 ? (submitted / targets) * 100 : 0
  return (
    <Stack gap={4} data-testid="round-progress" data-submitted={submitted} data-targets={targets}>
      <Group gap="xs" wrap="nowrap">
        <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
          {t('rounds.submittedOf', { submitted, targets })}
        </Text>
        {late > 0 && (
          <Tooltip label={t('rounds.lateHelp')}>
            <Badge color="orange" variant="light" size="sm" tt="none">
              {t('rounds.lateCount', { count: late })}
            </Badge>
          </Tooltip>
        )}
        {returned > 0 && (
          <Badge color="grape" variant="light" size="sm" tt="none">
            {t('rounds.returnedCount', { count: returned })}
          </Badge>
        )}
      </Group>
      <Progress value={value} size="sm" color="teal" aria-label={t('rounds.submittedOf', { submitted, targets })} />
    </Stack>
  )
}
