import { Alert, Anchor, Badge, Card, Group, Modal, Progress, ScrollArea, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip, UnstyledButton } from '@mantine/core'
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconUsersGroup } from '@tabler/icons-react'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ClassBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime, percent, percentValue } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { BoxPlot, BoxPlotLegend } from './BoxPlot'
import { useGroupNames } from './shared'
import type { Distribution, DrillDownRow, GroupFigure, ItemRate, MetricFigures, RoundAnalysis, RoundDetail } from './types'

// 分析: the distributions of the round's scores (overall, per section, per sector and peer group),
// item implementation rates, common weaknesses and the change since the previous round. Every
// figure drills down to the institutions behind it (the supervisor sees them; institutions never do).

interface DrillFilter {
  label: string
  sectionRef?: string
  sector?: string
  sizeBand?: string
  itemRef?: string
}

export function RoundAnalysisTab({ round }: { round: RoundDetail }) {
  const { t } = useTranslation()
  const analysis = useQuery<RoundAnalysis>(round.status === 'draft' ? null : `/api/v1/supervision/rounds/${round.id}/analysis`)
  const [drill, setDrill] = useState<DrillFilter | null>(null)

  if (round.status === 'draft') {
    return (
      <Alert color="gray" variant="light">
        {t('rounds.status.draftHelp')}
      </Alert>
    )
  }
  if (analysis.error && !analysis.data) return <ErrorAlert error={analysis.error} />
  if (!analysis.data) return <PageLoader />
  const a = analysis.data
  if (a.submissions === 0) {
    return (
      <Alert color="gray" variant="light" data-testid="analysis-empty">
        {t('analysis.noSubmissions')}
      </Alert>
    )
  }

  return (
    <Stack gap="md" data-testid="analysis">
      <Headline analysis={a} />
      <SectionDistributions analysis={a} onDrill={setDrill} />
      <GroupDistributions analysis={a} onDrill={setDrill} />
      <ItemRates analysis={a} onDrill={setDrill} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <CommonWeaknesses analysis={a} onDrill={setDrill} />
        <PreviousRound analysis={a} />
      </SimpleGrid>
      <DrillDownModal roundId={round.id} filter={drill} onClose={() => setDrill(null)} />
    </Stack>
  )
}

function Figure({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={24} fw={700} lh={1.2}>
        {value}
      </Text>
      {help && (
        <Text size="xs" c="dimmed">
          {help}
        </Text>
      )}
    </div>
  )
}

function Headline({ analysis }: { analysis: RoundAnalysis }) {
  const { t } = useTranslation()
  return (
    <Card withBorder padding="md">
      <SimpleGrid cols={{ base: 2, md: 5 }} spacing="lg">
        <Figure label={t('analysis.submissions')} value={`${analysis.submissions} / ${analysis.targets}`} help={t('analysis.submissionsHelp')} />
        <Figure label={t('analysis.meanOverall')} value={percent(analysis.overall.all?.mean)} />
        <Figure label={t('analysis.medianOverall')} value={percent(analysis.overall.all?.median)} />
        <Figure label={t('analysis.meanBasic')} value={percent(analysis.basicCompliance.all?.mean)} />
        <Figure label={t('analysis.fullBasic')} value={percent(analysis.fullBasicComplianceRate)} help={t('analysis.fullBasicHelp')} />
      </SimpleGrid>
    </Card>
  )
}

interface DistributionRow {
  key: string
  label: ReactNode
  drill: DrillFilter
  distribution: Distribution | null
  size?: number
  belowK?: boolean
}

/** count / mean / p10 / p25 / median / p75 / p90 and a box plot; the row's name opens the institutions behind it. */
function DistributionTable({ rows, k, onDrill, testId }: { rows: DistributionRow[]; k: number; onDrill: (filter: DrillFilter) => void; testId: string }) {
  const { t } = useTranslation()
  return (
    <Stack gap={6}>
      <Table.ScrollContainer minWidth={980}>
        <Table verticalSpacing={6} fz="sm" highlightOnHover data-testid={testId}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analysis.group')}</Table.Th>
              <Table.Th w={60} ta="right">
                {t('analysis.count')}
              </Table.Th>
              {(['mean', 'p10', 'p25', 'median', 'p75', 'p90'] as const).map((stat) => (
                <Table.Th key={stat} w={64} ta="right">
                  {t(`analysis.stat.${stat}`)}
                </Table.Th>
              ))}
              <Table.Th w={260}>{t('analysis.distribution')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key} data-testid="distribution-row" data-below-k={row.belowK ? 'true' : undefined}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Anchor component="button" type="button" size="sm" onClick={() => onDrill(row.drill)} ta="left">
                      {row.label}
                    </Anchor>
                    {row.belowK && (
                      <Tooltip label={t('analysis.belowKHelp', { k })} multiline w={260}>
                        <Badge color="orange" variant="light" size="xs" tt="none" data-testid="below-k">
                          {t('analysis.belowK', { k })}
                        </Badge>
                      </Tooltip>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td ta="right">{row.distribution?.count ?? row.size ?? 0}</Table.Td>
                {(['mean', 'p10', 'p25', 'median', 'p75', 'p90'] as const).map((stat) => (
                  <Table.Td key={stat} ta="right">
                    {percent(row.distribution?.[stat])}
                  </Table.Td>
                ))}
                <Table.Td>
                  <BoxPlot distribution={row.distribution} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <BoxPlotLegend />
    </Stack>
  )
}

function SectionDistributions({ analysis, onDrill }: { analysis: RoundAnalysis; onDrill: (filter: DrillFilter) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const overall = t('analysis.metric.overall')
  const basic = t('analysis.metric.basicCompliance')
  const rows: DistributionRow[] = [
    { key: 'overall', label: <strong>{overall}</strong>, drill: { label: overall }, distribution: analysis.overall.all },
    { key: 'basic', label: basic, drill: { label: basic }, distribution: analysis.basicCompliance.all },
    ...analysis.sections.map((section) => {
      const label = `${section.ref} ${pick(section.title, lang)}`
      return { key: section.ref, label, drill: { label, sectionRef: section.ref }, distribution: section.all }
    }),
  ]
  return (
    <Card withBorder padding="md">
      <Title order={2} size="h5" mb={4}>
        {t('analysis.sectionsTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('analysis.drillHelp')}
      </Text>
      <DistributionTable rows={rows} k={analysis.k} onDrill={onDrill} testId="section-distributions" />
    </Card>
  )
}

function GroupDistributions({ analysis, onDrill }: { analysis: RoundAnalysis; onDrill: (filter: DrillFilter) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const [metric, setMetric] = useState<string>('overall')
  const [by, setBy] = useState<'sector' | 'peer'>('sector')
  const section = analysis.sections.find((s) => s.ref === metric)
  const figures: MetricFigures = metric === 'overall' ? analysis.overall : metric === 'basic' ? analysis.basicCompliance : (section ?? analysis.overall)
  const metricLabel = metric === 'overall' ? t('analysis.metric.overall') : metric === 'basic' ? t('analysis.metric.basicCompliance') : section ? `${section.ref} ${pick(section.title, lang)}` : ''
  const groups: GroupFigure[] = by === 'sector' ? figures.bySector : figures.byPeer
  const rows: DistributionRow[] = groups.map((g) => {
    const label = names.group(g.sector, g.sizeBand)
    return {
      key: `${g.sector}-${g.sizeBand ?? ''}`,
      label,
      drill: { label: `${metricLabel} · ${label}`, sectionRef: section?.ref, sector: g.sector, sizeBand: g.sizeBand ?? undefined },
      distribution: g.distribution,
      size: g.size,
      belowK: g.belowK,
    }
  })
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" align="flex-end" mb="sm">
        <div>
          <Title order={2} size="h5" mb={4}>
            {t('analysis.groupsTitle')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('analysis.groupsHelp', { k: analysis.k })}
          </Text>
        </div>
        <Group gap="sm" align="flex-end">
          <Select
            label={t('analysis.metricLabel')}
            w={320}
            allowDeselect={false}
            value={metric}
            onChange={(value) => setMetric(value ?? 'overall')}
            data={[
              { value: 'overall', label: t('analysis.metric.overall') },
              { value: 'basic', label: t('analysis.metric.basicCompliance') },
              ...analysis.sections.map((s) => ({ value: s.ref, label: `${s.ref} ${pick(s.title, lang)}` })),
            ]}
          />
          <SegmentedControl
            aria-label={t('analysis.groupBy')}
            value={by}
            onChange={(value) => setBy(value as 'sector' | 'peer')}
            data={[
              { value: 'sector', label: t('analysis.bySector') },
              { value: 'peer', label: t('analysis.byPeer') },
            ]}
          />
        </Group>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('analysis.noGroups')}
        </Text>
      ) : (
        <DistributionTable rows={rows} k={analysis.k} onDrill={onDrill} testId="group-distributions" />
      )}
    </Card>
  )
}

type SortKey = 'ref' | 'rate' | 'previousRate' | 'change' | 'assessed'

function change(item: ItemRate): number | null {
  return item.rate !== null && item.previousRate !== null ? item.rate - item.previousRate : null
}

function sortValue(item: ItemRate, key: SortKey): number | string | null {
  if (key === 'ref') return item.ref
  if (key === 'change') return change(item)
  return item[key]
}

function SortHeader({ label, column, sort, onSort, w }: { label: string; column: SortKey; sort: { key: SortKey; asc: boolean }; onSort: (key: SortKey) => void; w?: number }) {
  const active = sort.key === column
  const Icon = active ? (sort.asc ? IconArrowUp : IconArrowDown) : IconArrowsSort
  return (
    <Table.Th w={w} aria-sort={active ? (sort.asc ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} fw={700} fz="sm">
        <Group gap={4} wrap="nowrap">
          {label}
          <Icon size={14} stroke={1.6} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  )
}

function ItemRates({ analysis, onDrill }: { analysis: RoundAnalysis; onDrill: (filter: DrillFilter) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'rate', asc: true })
  const [itemClass, setItemClass] = useState<'all' | 'basic' | 'desirable'>('all')
  const [search, setSearch] = useState('')
  const needle = search.trim().toLowerCase()
  const items = analysis.items
    .filter((item) => itemClass === 'all' || item.class === itemClass)
    .filter((item) => !needle || `${item.ref} ${item.title.ja} ${item.title.en}`.toLowerCase().includes(needle))
    .sort((a, b) => {
      const va = sortValue(a, sort.key)
      const vb = sortValue(b, sort.key)
      // Unknown values go last whichever the direction.
      if (va === null) return vb === null ? 0 : 1
      if (vb === null) return -1
      const order = typeof va === 'string' ? va.localeCompare(String(vb), 'ja', { numeric: true }) : va - (vb as number)
      return sort.asc ? order : -order
    })
  const onSort = (key: SortKey) => setSort((previous) => ({ key, asc: previous.key === key ? !previous.asc : key === 'ref' }))
  const hasPrevious = analysis.previous !== null

  return (
    <Card withBorder padding="md">
      <Group justify="space-between" align="flex-end" mb="sm">
        <div>
          <Title order={2} size="h5" mb={4}>
            {t('analysis.itemsTitle')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('analysis.itemsHelp')}
          </Text>
        </div>
        <Group gap="sm" align="flex-end">
          <TextInput label={t('analysis.searchItem')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={220} />
          <SegmentedControl
            aria-label={t('analysis.itemClass')}
            value={itemClass}
            onChange={(value) => setItemClass(value as typeof itemClass)}
            data={[
              { value: 'all', label: t('analysis.allClasses') },
              { value: 'basic', label: t('itemClass.basic.short') },
              { value: 'desirable', label: t('itemClass.desirable.short') },
            ]}
          />
        </Group>
      </Group>
      <ScrollArea.Autosize mah={520} type="auto">
        <Table verticalSpacing={4} fz="sm" highlightOnHover stickyHeader data-testid="item-rates">
          <Table.Thead>
            <Table.Tr>
              <SortHeader label={t('analysis.ref')} column="ref" sort={sort} onSort={onSort} w={150} />
              <Table.Th>{t('analysis.itemTitle')}</Table.Th>
              <SortHeader label={t('analysis.assessed')} column="assessed" sort={sort} onSort={onSort} w={90} />
              <SortHeader label={t('analysis.rate')} column="rate" sort={sort} onSort={onSort} w={180} />
              {hasPrevious && <SortHeader label={t('analysis.previousRate')} column="previousRate" sort={sort} onSort={onSort} w={100} />}
              {hasPrevious && <SortHeader label={t('analysis.change')} column="change" sort={sort} onSort={onSort} w={100} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => {
              const delta = change(item)
              return (
                <Table.Tr key={item.ref} data-testid="item-rate-row">
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                        {item.ref}
                      </Text>
                      <ClassBadge itemClass={item.class} size="xs" />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component="button" type="button" size="sm" ta="left" onClick={() => onDrill({ label: `${item.ref} ${pick(item.title, lang)}`, itemRef: item.ref })}>
                      {pick(item.title, lang)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {item.inPlace} / {item.assessed}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Progress value={percentValue(item.rate)} size="sm" w={90} color={item.rate !== null && item.rate < 0.5 ? 'orange' : 'teal'} aria-hidden />
                      <Text size="sm">{percent(item.rate)}</Text>
                    </Group>
                  </Table.Td>
                  {hasPrevious && <Table.Td>{percent(item.previousRate)}</Table.Td>}
                  {hasPrevious && (
                    <Table.Td>
                      <Text size="sm" c={delta === null ? 'dimmed' : delta < 0 ? 'red' : delta > 0 ? 'teal' : undefined}>
                        {delta === null ? '—' : `${delta > 0 ? '+' : ''}${(delta * 100).toFixed(0)}pt`}
                      </Text>
                    </Table.Td>
                  )}
                </Table.Tr>
              )
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Card>
  )
}

function CommonWeaknesses({ analysis, onDrill }: { analysis: RoundAnalysis; onDrill: (filter: DrillFilter) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  return (
    <Card withBorder padding="md" data-testid="common-weaknesses">
      <Title order={2} size="h5" mb={4}>
        {t('analysis.weaknessesTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('analysis.weaknessesHelp')}
      </Text>
      {analysis.commonWeaknesses.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('analysis.noWeaknesses')}
        </Text>
      ) : (
        <Stack gap={8}>
          {analysis.commonWeaknesses.map((w) => (
            <div key={w.ref}>
              <Group gap={6} wrap="nowrap" justify="space-between">
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <Text size="sm" ff="monospace">
                    {w.ref}
                  </Text>
                  <ClassBadge itemClass={w.class} size="xs" />
                  <Anchor component="button" type="button" size="sm" ta="left" onClick={() => onDrill({ label: `${w.ref} ${pick(w.title, lang)}`, itemRef: w.ref })} lineClamp={1}>
                    {pick(w.title, lang)}
                  </Anchor>
                </Group>
                <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {percent(w.implementationRate)}
                </Text>
              </Group>
              <Progress value={percentValue(w.implementationRate)} size="xs" color="orange" aria-label={t('analysis.rateOf', { ref: w.ref, rate: percent(w.implementationRate) })} />
            </div>
          ))}
        </Stack>
      )}
    </Card>
  )
}

function PreviousRound({ analysis }: { analysis: RoundAnalysis }) {
  const { t } = useTranslation()
  const lang = useLang()
  const previous = analysis.previous
  const delta = (now: number | null | undefined, before: number | null | undefined) => {
    if (now === null || now === undefined || before === null || before === undefined) return '—'
    const d = (now - before) * 100
    return `${d > 0 ? '+' : ''}${d.toFixed(1)}pt`
  }
  return (
    <Card withBorder padding="md" data-testid="previous-round">
      <Title order={2} size="h5" mb={4}>
        {t('analysis.previousTitle')}
      </Title>
      {!previous ? (
        <Text size="sm" c="dimmed">
          {t('analysis.noPrevious')}
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" mb="sm">
            {t('analysis.previousHelp', { title: pick(previous.title, lang), count: previous.submissions })}
          </Text>
          <Table verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th ta="right">{t('analysis.previous')}</Table.Th>
                <Table.Th ta="right">{t('analysis.current')}</Table.Th>
                <Table.Th ta="right">{t('analysis.change')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td fw={600}>{t('analysis.metric.overall')}</Table.Td>
                <Table.Td ta="right">{percent(previous.overallMean)}</Table.Td>
                <Table.Td ta="right">{percent(analysis.overall.all?.mean)}</Table.Td>
                <Table.Td ta="right">{delta(analysis.overall.all?.mean, previous.overallMean)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t('analysis.metric.basicCompliance')}</Table.Td>
                <Table.Td ta="right">{percent(previous.basicComplianceMean)}</Table.Td>
                <Table.Td ta="right">{percent(analysis.basicCompliance.all?.mean)}</Table.Td>
                <Table.Td ta="right">{delta(analysis.basicCompliance.all?.mean, previous.basicComplianceMean)}</Table.Td>
              </Table.Tr>
              {analysis.sections.map((section) => {
                const before = previous.sections.find((s) => s.ref === section.ref)?.mean ?? null
                return (
                  <Table.Tr key={section.ref}>
                    <Table.Td>
                      {section.ref} {pick(section.title, lang)}
                    </Table.Td>
                    <Table.Td ta="right">{percent(before)}</Table.Td>
                    <Table.Td ta="right">{percent(section.all?.mean)}</Table.Td>
                    <Table.Td ta="right">{delta(section.all?.mean, before)}</Table.Td>
                  </Table.Tr>
                )
              })}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Card>
  )
}

/** The institutions behind a figure, weakest first, each linking to its page in the round. */
function DrillDownModal({ roundId, filter, onClose }: { roundId: string; filter: DrillFilter | null; onClose: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const query = new URLSearchParams()
  if (filter?.sectionRef) query.set('sectionRef', filter.sectionRef)
  if (filter?.sector) query.set('sector', filter.sector)
  if (filter?.sizeBand) query.set('sizeBand', filter.sizeBand)
  if (filter?.itemRef) query.set('itemRef', filter.itemRef)
  const rows = useQuery<DrillDownRow[]>(filter ? `/api/v1/supervision/rounds/${roundId}/analysis/institutions?${query.toString()}` : null)
  const withItem = Boolean(filter?.itemRef)

  return (
    <Modal
      opened={filter !== null}
      onClose={onClose}
      size="xl"
      title={
        <Group gap={6}>
          <IconUsersGroup size={18} />
          <Text fw={600}>{t('analysis.drillTitle', { label: filter?.label ?? '' })}</Text>
        </Group>
      }
    >
      <ErrorAlert error={rows.error} />
      {rows.loading || !rows.data ? (
        <PageLoader />
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing={4} fz="sm" highlightOnHover data-testid="drill-down">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rounds.status.institution')}</Table.Th>
                <Table.Th w={160}>{t('round.field.sectors')}</Table.Th>
                {withItem && <Table.Th w={100}>{t('analysis.inPlace')}</Table.Th>}
                <Table.Th w={90} ta="right">
                  {filter?.sectionRef ? t('analysis.sectionScore') : t('analysis.metric.overall')}
                </Table.Th>
                <Table.Th w={110} ta="right">
                  {t('analysis.basicShort')}
                </Table.Th>
                <Table.Th w={170}>{t('round.submissions.submittedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.data.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed" ta="center">
                      {t('common.nothingFound')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {rows.data.map((row) => (
                <Table.Tr key={row.institution.id} data-testid="drill-down-row">
                  <Table.Td>
                    <Anchor component={Link} to={`/supervision/rounds/${roundId}/institutions/${row.institution.id}`} size="sm" fw={600}>
                      {pick(row.institution.name, lang)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{names.group(row.institution.sector, row.institution.sizeBand)}</Table.Td>
                  {withItem && (
                    <Table.Td>
                      {row.itemInPlace === null ? (
                        '—'
                      ) : (
                        <Badge color={row.itemInPlace ? 'teal' : 'orange'} variant="light" size="sm" tt="none">
                          {row.itemInPlace ? t('analysis.inPlaceYes') : t('analysis.inPlaceNo')}
                        </Badge>
                      )}
                    </Table.Td>
                  )}
                  <Table.Td ta="right">{percent(row.score)}</Table.Td>
                  <Table.Td ta="right">{percent(row.basicCompliance)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(row.submission.submittedAt, lang)}</Text>
                    <Text size="xs" c="dimmed">
                      {t('round.versionN', { n: row.submission.version })}
                      {row.submission.late ? ` · ${t('round.late')}` : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Modal>
  )
}
