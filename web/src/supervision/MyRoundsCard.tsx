import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core'
import { IconReportAnalytics } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { pick } from '../i18n'
import { isOverdue, KindBadge, OverdueRoundBadge, TargetStateBadge } from './shared'
import type { MyRoundSummary } from './types'

/** The supervisor's rounds that target the institution: open ones first, then those with feedback to read. */
export function MyRoundsCard() {
  const { t } = useTranslation()
  const lang = useLang()
  const rounds = useQuery<MyRoundSummary[]>('/api/v1/rounds')
  const shown = (rounds.data ?? [])
    .filter((r) => r.status === 'published' || r.feedbackReleased)
    .sort((a, b) => Number(b.status === 'published') - Number(a.status === 'published') || a.dueAt.localeCompare(b.dueAt))
  if (rounds.data && shown.length === 0 && !rounds.error) return null

  return (
    <Card withBorder padding="md" data-testid="my-rounds">
      <Title order={2} size="h4" mb="sm">
        {t('dashboard.rounds')}
      </Title>
      <ErrorAlert error={rounds.error} />
      <Stack gap="sm">
        {shown.map((r) => (
          <div key={r.id} data-testid="my-round" data-state={r.state}>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Anchor component={Link} to={`/rounds/${r.id}`} size="sm" fw={600}>
                {pick(r.title, lang)}
              </Anchor>
            </Group>
            <Group gap={6} mt={2}>
              <KindBadge kind={r.kind} />
              <TargetStateBadge state={r.state} size="sm" />
              {r.status === 'published' && isOverdue(r.dueAt, r.state) && <OverdueRoundBadge />}
              {r.feedbackReleased && (
                <Badge component={Link} to={`/rounds/${r.id}/feedback`} color="teal" variant="light" tt="none" leftSection={<IconReportAnalytics size={12} />} style={{ cursor: 'pointer' }}>
                  {t('dashboard.feedbackReady')}
                </Badge>
              )}
            </Group>
            <Text size="xs" c="dimmed" mt={2}>
              {pick(r.supervisor, lang)} · {t('dashboard.roundDue', { at: formatDateTime(r.dueAt, lang) })}
            </Text>
          </div>
        ))}
      </Stack>
    </Card>
  )
}
