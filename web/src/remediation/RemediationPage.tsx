import { Card, Group, Select, Stack, Text, Title } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { useCatalog } from '../assessment/catalog'
import { StatusBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import type { AssessmentDetail, AssessmentSummary } from '../types'
import { RemediationBoard } from './RemediationBoard'

/** 改善計画 across the app: pick a self-assessment, see and edit its plan. */
export function RemediationPage() {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const list = useQuery<AssessmentSummary[]>('/api/v1/assessments')
  const sorted = [...(list.data ?? [])].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
  const chosenId = params.get('assessment') ?? sorted[0]?.id ?? null
  const detail = useQuery<AssessmentDetail>(chosenId ? `/api/v1/assessments/${chosenId}` : null)
  const { catalog, error: catalogError } = useCatalog(detail.data?.id === chosenId ? detail.data?.catalog.id : undefined)

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t('remediation.title')}
        </Title>
        {sorted.length > 0 && (
          <Group gap="xs" align="flex-end">
            <Select
              label={t('remediation.assessment')}
              w={380}
              allowDeselect={false}
              value={chosenId}
              data={sorted.map((a) => ({ value: a.id, label: `${a.title} (${t('assessments.versionN', { n: a.version })})` }))}
              onChange={(id) => id && setParams({ assessment: id })}
            />
            {detail.data && <StatusBadge status={detail.data.status} />}
          </Group>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('remediation.help')}
      </Text>
      <ErrorAlert error={list.error ?? detail.error ?? catalogError} />
      {list.data && sorted.length === 0 ? (
        <Card withBorder padding="lg">
          <Text size="sm">{t('remediation.noAssessment')}</Text>
        </Card>
      ) : detail.data && catalog ? (
        <RemediationBoard key={detail.data.id} assessmentId={detail.data.id} canPlan={detail.data.permissions.canPlan} catalog={catalog} />
      ) : (
        !list.error && !detail.error && <PageLoader />
      )}
    </Stack>
  )
}
