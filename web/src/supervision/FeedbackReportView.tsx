import { Alert, Badge, Card, Grid, Group, List, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core'
import { LineChart } from '@mantine/charts'
import { IconInfoCircle, IconUsersGroup } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { ClassBadge } from '../common/badges'
import { formatDate, formatDateTime, percent } from '../common/format'
import { useLang } from '../common/hooks'
import { pick } from '../i18n'
import { BoxPlot, BoxPlotLegend } from './BoxPlot'
import { bracketed, catalogName, Digest, useGroupNames } from './shared'
import type { FeedbackReport, SectionFeedback } from './types'

// The feedback report (還元) as a web page: the institution's scores against its k-anonymous peer
// group, its percentile rank, the basic measures not met, the widest gaps against peers and the
// trend. The same data as the PDF; no other institution is ever named.

const rank = (value: number | null) => (value === null ? '—' : String(Math.round(value)))

export function FeedbackReportView({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Stack gap="md" data-testid="feedback-report">
      <Group gap="lg" wrap="wrap">
        <Text size="sm">
          {t('feedback.institution')}: <strong>{pick(report.institution.name, lang)}</strong>
        </Text>
        <Text size="sm">
          {t('feedback.catalog')}: {catalogName(report.catalog, lang)}
        </Text>
        <Text size="sm" c="dimmed">
          {t('feedback.generatedAt', { at: formatDateTime(report.generatedAt, lang) })}
        </Text>
      </Group>
      <Group gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {t('feedback.submission', { n: report.submission.version, at: formatDateTime(report.submission.submittedAt, lang) })}
          {report.submission.late ? ` · ${t('round.late')}` : ''} · SHA-256
        </Text>
        <Digest digest={report.submission.digest} />
      </Group>
      <PeerGroupNote report={report} />
      <Headline report={report} />
      <SectionsCard report={report} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <UnmetBasic report={report} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <LargestGaps report={report} />
        </Grid.Col>
      </Grid>
      <Trend report={report} />
    </Stack>
  )
}

/** Which group the figures compare against, its size, and why when it is wider than the institution's own peers. */
function PeerGroupNote({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  const names = useGroupNames()
  const group = report.peerGroup
  const own = report.institution
  const comparable = report.overall.peers !== null
  const groupName = group.level === 'peer' ? names.group(group.sector, group.sizeBand) : group.level === 'sector' ? names.sector(group.sector) : t('feedback.peer.allGroup')
  let fallback: string | null = null
  if (comparable && group.fellBackFrom) {
    fallback =
      group.level === 'sector'
        ? t('feedback.peer.fellBackToSector', { peer: names.group(own.sector, own.sizeBand), k: report.k })
        : t('feedback.peer.fellBackToAll', { peer: names.group(own.sector, own.sizeBand), sector: names.sector(own.sector), k: report.k })
  }
  return (
    <Alert
      color={comparable ? (fallback ? 'orange' : 'kamae') : 'gray'}
      variant="light"
      icon={<IconUsersGroup size={18} />}
      title={comparable ? t('feedback.peer.title', { group: groupName, size: group.size }) : t('feedback.peer.noneTitle')}
      data-testid="peer-group"
      data-level={group.level}
      data-size={group.size}
      data-fell-back={group.fellBackFrom ?? undefined}
    >
      <Stack gap={4}>
        {comparable ? <Text size="sm">{t('feedback.peer.explain', { k: report.k })}</Text> : <Text size="sm">{t('feedback.peer.none', { k: report.k })}</Text>}
        {fallback && (
          <Text size="sm" fw={600} data-testid="peer-fallback">
            {fallback}
          </Text>
        )}
      </Stack>
    </Alert>
  )
}

function Headline({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  const overall = report.overall
  const previous = overall.previousScore
  const delta = overall.score !== null && previous !== null ? (overall.score - previous) * 100 : null
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
      <Card withBorder padding="md">
        <Text size="xs" c="dimmed">
          {t('feedback.overallScore')}
        </Text>
        <Text fz={30} fw={700} lh={1.2} data-testid="overall-score">
          {percent(overall.score)}
        </Text>
        {delta !== null && (
          <Text size="xs" c={delta < 0 ? 'red' : 'teal'}>
            {t('feedback.sincePrevious', { delta: `${delta > 0 ? '+' : ''}${delta.toFixed(1)}pt` })}
          </Text>
        )}
      </Card>
      <Card withBorder padding="md" data-testid="percentile-card">
        <Text size="xs" c="dimmed">
          {t('feedback.percentileRank')}
        </Text>
        <Text fz={30} fw={700} lh={1.2} data-testid="percentile-rank" data-value={overall.percentileRank ?? ''}>
          {overall.percentileRank === null ? '—' : rank(overall.percentileRank)}
          {overall.percentileRank !== null && (
            <Text span fz="md" fw={600}>
              {' '}
              {t('feedback.percentileUnit')}
            </Text>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {overall.percentileRank === null ? t('feedback.noPercentile') : t('feedback.percentileHelp', { value: rank(overall.percentileRank) })}
        </Text>
      </Card>
      <Card withBorder padding="md">
        <Text size="xs" c="dimmed">
          {t('feedback.peerMedian')}
        </Text>
        <Text fz={30} fw={700} lh={1.2}>
          {percent(overall.peers?.median)}
        </Text>
        <Text size="xs" c="dimmed">
          {overall.peers ? t('feedback.peerRange', { p25: percent(overall.peers.p25), p75: percent(overall.peers.p75) }) : ''}
        </Text>
      </Card>
      <Card withBorder padding="md">
        <Text size="xs" c="dimmed">
          {t('scores.basicCompliance')}
        </Text>
        <Text fz={30} fw={700} lh={1.2}>
          {percent(report.basicCompliance.own)}
        </Text>
        <Text size="xs" c="dimmed">
          {report.basicCompliance.peers ? t('feedback.peerMedianShort', { value: percent(report.basicCompliance.peers.median) }) : ''}
        </Text>
      </Card>
    </SimpleGrid>
  )
}

function SectionRow({ section, bold = false }: { section: SectionFeedback; bold?: boolean }) {
  const lang = useLang()
  return (
    <Table.Tr data-testid="feedback-section" data-ref={section.ref}>
      <Table.Td fw={bold ? 700 : undefined}>{section.ref === 'overall' ? pick(section.title, lang) : `${section.ref} ${pick(section.title, lang)}`}</Table.Td>
      <Table.Td ta="right" fw={600}>
        {percent(section.score)}
      </Table.Td>
      <Table.Td ta="right">{percent(section.peers?.median)}</Table.Td>
      <Table.Td ta="right">{rank(section.percentileRank)}</Table.Td>
      <Table.Td>
        <BoxPlot distribution={section.peers} own={section.score} />
      </Table.Td>
    </Table.Tr>
  )
}

function SectionsCard({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  return (
    <Card withBorder padding="md">
      <Title order={2} size="h5" mb={4}>
        {t('feedback.sectionsTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('feedback.sectionsHelp')}
      </Text>
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing={6} fz="sm" data-testid="feedback-sections">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('scores.section')}</Table.Th>
              <Table.Th w={90} ta="right">
                {t('feedback.own')}
              </Table.Th>
              <Table.Th w={100} ta="right">
                {t('feedback.peerMedianCol')}
              </Table.Th>
              <Table.Th w={100} ta="right">
                {t('feedback.percentileCol')}
              </Table.Th>
              <Table.Th w={320}>{t('feedback.distributionCol')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <SectionRow section={report.overall} bold />
            {report.sections.map((section) => (
              <SectionRow key={section.ref} section={section} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <BoxPlotLegend withOwn />
    </Card>
  )
}

function UnmetBasic({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Card withBorder padding="md" h="100%" data-testid="unmet-basic">
      <Title order={2} size="h5" mb={4}>
        {t('feedback.unmetTitle', { count: report.unmetBasicItems.length })}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('feedback.unmetHelp')}
      </Text>
      {report.unmetBasicItems.length === 0 ? (
        <Text size="sm" c="teal.7">
          {t('feedback.allBasicMet')}
        </Text>
      ) : (
        <List size="sm" spacing={4}>
          {report.unmetBasicItems.map((item) => (
            <List.Item key={item.ref}>
              <Text span size="sm" ff="monospace" mr={6}>
                {item.ref}
              </Text>
              {pick(item.title, lang)}
              <Text span size="xs" c="dimmed" ml={6}>
                {bracketed('', t('feedback.ownItemScore', { value: percent(item.ownScore) }), lang)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  )
}

function LargestGaps({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Card withBorder padding="md" h="100%" data-testid="largest-gaps">
      <Title order={2} size="h5" mb={4}>
        {t('feedback.gapsTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('feedback.gapsHelp')}
      </Text>
      {report.largestGaps.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('feedback.noGaps')}
        </Text>
      ) : (
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analysis.itemTitle')}</Table.Th>
              <Table.Th w={80} ta="right">
                {t('feedback.own')}
              </Table.Th>
              <Table.Th w={110} ta="right">
                {t('feedback.peerRate')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.largestGaps.map((gap) => (
              <Table.Tr key={gap.ref}>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" align="flex-start">
                    <Text size="sm" ff="monospace">
                      {gap.ref}
                    </Text>
                    <ClassBadge itemClass={gap.class} size="xs" />
                  </Group>
                  <Text size="sm">{pick(gap.title, lang)}</Text>
                </Table.Td>
                <Table.Td ta="right">{percent(gap.ownScore)}</Table.Td>
                <Table.Td ta="right">{percent(gap.peerImplementationRate)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}

function Trend({ report }: { report: FeedbackReport }) {
  const { t } = useTranslation()
  const lang = useLang()
  const points = report.trend
  const data = points.map((p) => ({
    round: pick(p.roundTitle, lang),
    overall: p.overall === null ? null : Math.round(p.overall * 1000) / 10,
    basic: p.basicCompliance === null ? null : Math.round(p.basicCompliance * 1000) / 10,
  }))
  return (
    <Card withBorder padding="md" data-testid="trend">
      <Title order={2} size="h5" mb="sm">
        {t('feedback.trendTitle')}
      </Title>
      {points.length < 2 ? (
        <Group gap={6} c="dimmed">
          <IconInfoCircle size={16} />
          <Text size="sm">{t('feedback.noTrend')}</Text>
        </Group>
      ) : (
        <LineChart
          h={220}
          data={data}
          dataKey="round"
          yAxisProps={{ domain: [0, 100] }}
          unit="%"
          series={[
            { name: 'overall', label: t('feedback.overallScore'), color: 'kamae.6' },
            { name: 'basic', label: t('scores.basicCompliance'), color: 'teal.6' },
          ]}
          withLegend
          connectNulls
        />
      )}
      {points.length > 0 && (
        <Table verticalSpacing={4} fz="sm" mt="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('feedback.round')}</Table.Th>
              <Table.Th w={140}>{t('feedback.closedAt')}</Table.Th>
              <Table.Th w={110} ta="right">
                {t('feedback.overallScore')}
              </Table.Th>
              <Table.Th w={170} ta="right">
                {t('scores.basicCompliance')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {points.map((p) => (
              <Table.Tr key={p.roundId}>
                <Table.Td>
                  {pick(p.roundTitle, lang)}
                  {p.roundId === report.roundId && (
                    <Badge ml={6} size="xs" variant="light" tt="none">
                      {t('feedback.thisRound')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{formatDate(p.closedAt, lang)}</Table.Td>
                <Table.Td ta="right">{percent(p.overall)}</Table.Td>
                <Table.Td ta="right">{percent(p.basicCompliance)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}
