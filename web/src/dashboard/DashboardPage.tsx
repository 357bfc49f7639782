import { Anchor, Button, Card, Grid, Group, List, RingProgress, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconAlertTriangle, IconArrowRight, IconChecklist, IconCircleCheck, IconPencil, IconPlus, IconShieldCheck } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { canCreateAssessments, NewAssessmentModal } from '../assessment/AssessmentListPage'
import { useSession } from '../auth/session'
import { StatusBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDate, formatDateTime, percent, percentValue } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { isOverdue } from '../remediation/RemediationBoard'
import { MyRoundsCard } from '../supervision/MyRoundsCard'
import type { AssessmentSummary, RemediationAction, Role, Scores } from '../types'
import { useDisclosure } from '@mantine/hooks'

const LATEST_SHOWN = 3

export function DashboardPage() {
  const { t } = useTranslation()
  const { session, membership } = useSession()
  const list = useQuery<AssessmentSummary[]>('/api/v1/assessments')
  const [creating, { open, close }] = useDisclosure(false)
  const latest = [...(list.data ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, LATEST_SHOWN)
  const role = membership?.role

  return (
    <Stack gap="md" maw={1280}>
      <div>
        <Title order={1} size="h2">
          {t('dashboard.title')}
        </Title>
        <Text c="dimmed" size="sm">
          {t('dashboard.welcome', { name: session?.user?.displayName ?? '' })}
        </Text>
      </div>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data ? (
        <PageLoader />
      ) : (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Stack gap="sm">
              <Group justify="space-between">
                <Title order={2} size="h4">
                  {t('dashboard.latest')}
                </Title>
                <Anchor component={Link} to="/assessments" size="sm">
                  {t('dashboard.allAssessments')}
                </Anchor>
              </Group>
              {latest.length === 0 ? (
                <Card withBorder padding="lg">
                  <Stack align="flex-start" gap="sm">
                    <Text size="sm">{t('assessments.empty')}</Text>
                    {canCreateAssessments(role) && (
                      <Button leftSection={<IconPlus size={16} />} onClick={open}>
                        {t('assessments.new')}
                      </Button>
                    )}
                  </Stack>
                </Card>
              ) : (
                latest.map((a) => <LatestAssessmentCard key={a.id} assessment={a} />)
              )}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Stack gap="md">
              {membership?.kind === 'institution' && <MyRoundsCard />}
              <MyActions assessments={list.data ?? []} latest={latest} role={role} />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
      <NewAssessmentModal opened={creating} onClose={close} />
    </Stack>
  )
}

function LatestAssessmentCard({ assessment }: { assessment: AssessmentSummary }) {
  const { t } = useTranslation()
  const lang = useLang()
  const scores = useQuery<Scores>(`/api/v1/assessments/${assessment.id}/scores`)
  const overall = scores.data?.overall
  const figures = [
    { key: 'score', value: overall?.score ?? assessment.score },
    { key: 'basicCompliance', value: overall?.basicCompliance ?? null },
    { key: 'desirableAdoption', value: overall?.desirableAdoption ?? null },
  ]
  return (
    <Card withBorder padding="md" data-testid="latest-assessment">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Anchor component={Link} to={`/assessments/${assessment.id}`} fw={700} size="lg">
              {assessment.title}
            </Anchor>
            <StatusBadge status={assessment.status} />
          </Group>
          <Text size="xs" c="dimmed">
            {pick(assessment.catalog.title, lang)} · {t('assessments.versionN', { n: assessment.version })} · {t('assessments.updatedAt')}{' '}
            {formatDateTime(assessment.updatedAt, lang)}
          </Text>
        </Stack>
        <Button component={Link} to={`/assessments/${assessment.id}`} variant="light" size="xs" rightSection={<IconArrowRight size={14} />} style={{ flexShrink: 0 }}>
          {t('common.open')}
        </Button>
      </Group>
      <Group mt="sm" gap="xl" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <RingProgress
            size={84}
            thickness={8}
            roundCaps
            sections={[{ value: percentValue(assessment.progress), color: 'kamae' }]}
            label={
              <Text ta="center" size="sm" fw={700}>
                {percent(assessment.progress)}
              </Text>
            }
            aria-label={t('assessments.progress')}
          />
          <Stack gap={0}>
            <Text size="xs" c="dimmed">
              {t('assessments.progress')}
            </Text>
            {overall && (
              <Text size="sm">{t('scores.answeredOf', { answered: overall.answered, total: overall.inScope })}</Text>
            )}
          </Stack>
        </Group>
        <SimpleGrid cols={3} spacing="lg" style={{ flex: 1 }}>
          {figures.map((f) => (
            <div key={f.key}>
              <Text size="xs" c="dimmed">
                {t(`scores.${f.key}`)}
              </Text>
              <Text fz={22} fw={700}>
                {percent(f.value)}
              </Text>
            </div>
          ))}
        </SimpleGrid>
      </Group>
    </Card>
  )
}

function MyActions({ assessments, latest, role }: { assessments: AssessmentSummary[]; latest: AssessmentSummary[]; role: Role | undefined }) {
  const { t } = useTranslation()
  const toApprove = role === 'approver' ? assessments.filter((a) => a.status === 'in_review') : []
  const drafts = role === 'admin' || role === 'editor' ? assessments.filter((a) => a.status === 'draft') : []
  const waiting = role === 'admin' || role === 'editor' ? assessments.filter((a) => a.status === 'in_review') : []

  return (
    <Card withBorder padding="md" data-testid="my-actions">
      <Title order={2} size="h4" mb="sm">
        {t('dashboard.myActions')}
      </Title>
      <Stack gap="sm">
        {toApprove.length > 0 && (
          <ActionGroup icon={<IconShieldCheck size={16} />} color="orange" title={t('dashboard.toApprove', { count: toApprove.length })}>
            {toApprove.map((a) => (
              <List.Item key={a.id}>
                <Anchor component={Link} to={`/assessments/${a.id}/signoff`} size="sm">
                  {a.title}
                </Anchor>
              </List.Item>
            ))}
          </ActionGroup>
        )}
        {drafts.length > 0 && (
          <ActionGroup icon={<IconPencil size={16} />} color="kamae" title={t('dashboard.toAnswer', { count: drafts.length })}>
            {drafts.map((a) => (
              <List.Item key={a.id}>
                <Anchor component={Link} to={`/assessments/${a.id}`} size="sm">
                  {a.title}
                </Anchor>{' '}
                <Text span size="xs" c="dimmed">
                  ({t('dashboard.progressShort', { value: percent(a.progress) })})
                </Text>
              </List.Item>
            ))}
          </ActionGroup>
        )}
        {waiting.length > 0 && (
          <ActionGroup icon={<IconChecklist size={16} />} color="gray" title={t('dashboard.waitingApproval', { count: waiting.length })}>
            {waiting.map((a) => (
              <List.Item key={a.id}>
                <Anchor component={Link} to={`/assessments/${a.id}/signoff`} size="sm">
                  {a.title}
                </Anchor>
              </List.Item>
            ))}
          </ActionGroup>
        )}
        {latest.map((a) => (
          <OverdueActions key={a.id} assessment={a} />
        ))}
        {toApprove.length === 0 && drafts.length === 0 && waiting.length === 0 && (
          <Group gap="xs" c="teal.7">
            <IconCircleCheck size={18} />
            <Text size="sm">{t('dashboard.nothingToDo')}</Text>
          </Group>
        )}
      </Stack>
    </Card>
  )
}

function ActionGroup({ icon, color, title, children }: { icon: React.ReactNode; color: string; title: string; children: React.ReactNode }) {
  return (
    <div>
      <Group gap={6} mb={4}>
        <ThemeIcon size={22} variant="light" color={color}>
          {icon}
        </ThemeIcon>
        <Text size="sm" fw={600}>
          {title}
        </Text>
      </Group>
      <List size="sm" spacing={2} pl="md">
        {children}
      </List>
    </div>
  )
}

function OverdueActions({ assessment }: { assessment: AssessmentSummary }) {
  const { t } = useTranslation()
  const lang = useLang()
  const actions = useQuery<RemediationAction[]>(`/api/v1/assessments/${assessment.id}/actions`)
  const overdue = (actions.data ?? []).filter((a) => isOverdue(a))
  if (overdue.length === 0) return null
  return (
    <ActionGroup icon={<IconAlertTriangle size={16} />} color="red" title={t('dashboard.overdueActions', { count: overdue.length, title: assessment.title })}>
      {overdue.map((a) => (
        <List.Item key={a.id}>
          <Anchor component={Link} to={`/assessments/${assessment.id}/remediation`} size="sm">
            {a.title}
          </Anchor>{' '}
          <Text span size="xs" c="red">
            ({formatDate(a.dueDate, lang)})
          </Text>
        </List.Item>
      ))}
    </ActionGroup>
  )
}
