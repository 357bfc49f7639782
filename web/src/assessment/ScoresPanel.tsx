import { Card, Grid, Group, Progress, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { RadarChart } from '@mantine/charts'
import { IconInfoCircle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { ErrorAlert } from '../common/ErrorAlert'
import { percent, percentValue } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import type { Lang, Localized, Scores } from '../types'

function shortTitle(title: Localized, lang: Lang): string {
  const text = pick(title, lang)
  const limit = lang === 'en' ? 14 : 8
  return text.length > limit ? `${text.slice(0, limit)}…` : text
}

/** Overall figures, a radar by top-level section, and a table of the rates per section. */
export function ScoresPanel({ assessmentId }: { assessmentId: string }) {
  const { t } = useTranslation()
  const lang = useLang()
  const scores = useQuery<Scores>(`/api/v1/assessments/${assessmentId}/scores`)

  if (scores.error) return <ErrorAlert error={scores.error} />
  if (!scores.data) return <PageLoader />
  const { overall, sections } = scores.data

  const radar = sections.map((s) => ({
    section: `${s.ref} ${shortTitle(s.title, lang)}`,
    score: Math.round(percentValue(s.score)),
    basic: Math.round(percentValue(s.basicCompliance)),
  }))

  const stats = [
    { key: 'score', value: overall.score, detail: null },
    { key: 'progress', value: overall.progress, detail: t('scores.answeredOf', { answered: overall.answered, total: overall.inScope }) },
    { key: 'basicCompliance', value: overall.basicCompliance, detail: t('scores.ofItems', { count: overall.basicTotal }) },
    { key: 'desirableAdoption', value: overall.desirableAdoption, detail: t('scores.ofItems', { count: overall.desirableTotal }) },
  ]

  return (
    <Stack gap="md" pb="md" data-testid="scores-panel">
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        {stats.map((stat) => (
          <Card key={stat.key} withBorder padding="sm" data-testid={`stat-${stat.key}`}>
            <Group gap={4} wrap="nowrap">
              <Text size="xs" c="dimmed" fw={600}>
                {t(`scores.${stat.key}`)}
              </Text>
              <Tooltip label={t(`scores.help.${stat.key}`)} multiline w={280}>
                <IconInfoCircle size={14} color="var(--mantine-color-dimmed)" aria-label={t(`scores.help.${stat.key}`)} />
              </Tooltip>
            </Group>
            <Text fz={26} fw={700} lh={1.2}>
              {percent(stat.value)}
            </Text>
            <Progress value={percentValue(stat.value)} size="sm" mt={4} color={stat.key === 'desirableAdoption' ? 'grape' : 'kamae'} aria-label={t(`scores.${stat.key}`)} />
            {stat.detail && (
              <Text size="xs" c="dimmed" mt={4}>
                {stat.detail}
              </Text>
            )}
          </Card>
        ))}
      </SimpleGrid>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card withBorder padding="sm" h="100%">
            <Title order={2} size="h5" mb={4}>
              {t('scores.radarTitle')}
            </Title>
            <RadarChart
              h={340}
              data={radar}
              dataKey="section"
              withPolarRadiusAxis
              withLegend
              withTooltip
              radarChartProps={{ outerRadius: '66%', margin: { top: 8, right: 24, bottom: 8, left: 24 } }}
              polarRadiusAxisProps={{ domain: [0, 100], tickCount: 5, angle: 90 }}
              polarAngleAxisProps={{ tick: { fontSize: 11 } }}
              series={[
                { name: 'score', label: t('scores.score'), color: 'kamae.6', opacity: 0.25 },
                { name: 'basic', label: t('scores.basicCompliance'), color: 'teal.6', opacity: 0.15 },
              ]}
              aria-label={t('scores.radarTitle')}
              data-testid="radar-chart"
            />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card withBorder padding="sm">
            <Title order={2} size="h5" mb={4}>
              {t('scores.tableTitle')}
            </Title>
            <Table.ScrollContainer minWidth={560}>
              <Table verticalSpacing={6} fz="sm" data-testid="section-scores">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('scores.section')}</Table.Th>
                    <Table.Th w={110}>{t('scores.progress')}</Table.Th>
                    <Table.Th w={70}>{t('scores.score')}</Table.Th>
                    <Table.Th w={120}>{t('scores.basicShort')}</Table.Th>
                    <Table.Th w={120}>{t('scores.desirableShort')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sections.map((s) => (
                    <Table.Tr key={s.ref}>
                      <Table.Td>
                        <Text size="sm" lh={1.3}>
                          <Text span ff="monospace" size="xs" mr={6}>
                            {s.ref}
                          </Text>
                          {pick(s.title, lang)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <RateCell value={s.progress} color="gray" />
                      </Table.Td>
                      <Table.Td fw={600}>{percent(s.score)}</Table.Td>
                      <Table.Td>
                        <RateCell value={s.basicCompliance} color="kamae" total={s.basicTotal} />
                      </Table.Td>
                      <Table.Td>
                        <RateCell value={s.desirableAdoption} color="grape" total={s.desirableTotal} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text size="xs" c="dimmed" mt="xs">
              {t('scores.definition')}
            </Text>
          </Card>
        </Grid.Col>
      </Grid>
    </Stack>
  )
}

function RateCell({ value, color, total }: { value: number | null; color: string; total?: number }) {
  const { t } = useTranslation()
  return (
    <Stack gap={2}>
      <Text size="xs">
        {percent(value)}
        {total !== undefined && (
          <Text span size="xs" c="dimmed">
            {' '}
            {t('scores.nItems', { count: total })}
          </Text>
        )}
      </Text>
      <Progress value={percentValue(value)} size="xs" color={color} aria-hidden />
    </Stack>
  )
}
