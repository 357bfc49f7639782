import { Anchor, Badge, Button, Card, Checkbox, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Tabs, Text, Title } from '@mantine/core'
import { BarChart } from '@mantine/charts'
import { IconFileTypeXls, IconJson } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ApiError, downloadPost } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { labelOf, NextDue, OverdueBadge, PhaseBadge, SeverityBadge, useVocabulary } from './shared'
import { PHASES, type InboxEntry, type SectorStats, type Vocabulary } from './types'

export const SECTORS = ['regional_bank', 'major_bank', 'shinkin', 'credit_union', 'securities', 'insurance', 'crypto_exchange', 'payment', 'other'] as const

const CHART_COLORS = ['red.6', 'orange.6', 'yellow.6', 'lime.6', 'teal.6', 'cyan.6', 'blue.6', 'indigo.6', 'grape.6', 'gray.6', 'pink.6', 'violet.6']

/** インシデント受付: every report from the institutions in the supervisor's jurisdiction, and the sector view. */
export function SupervisionInboxPage() {
  const { t } = useTranslation()
  const vocab = useVocabulary()
  const [tab, setTab] = useState<string | null>('inbox')
  return (
    <Stack gap="md" maw={1400}>
      <div>
        <Title order={1} size="h2">
          {t('supervision.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('supervision.intro')}
        </Text>
      </div>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="inbox">{t('supervision.tabs.inbox')}</Tabs.Tab>
          <Tabs.Tab value="sector">{t('supervision.tabs.sector')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="inbox">
          <Inbox vocab={vocab} />
        </Tabs.Panel>
        <Tabs.Panel value="sector">
          <SectorView vocab={vocab} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  )
}

type TriState = '' | 'true' | 'false'

function Inbox({ vocab }: { vocab: Vocabulary | undefined }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [sector, setSector] = useState<string | null>(null)
  const [category, setCategory] = useState<string | null>(null)
  const [severity, setSeverity] = useState<string | null>(null)
  const [phase, setPhase] = useState<string | null>(null)
  const [overdue, setOverdue] = useState<TriState>('')
  const [acknowledged, setAcknowledged] = useState<TriState>('')
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set())
  const [exportError, setExportError] = useState<ApiError | null>(null)
  const query = new URLSearchParams()
  if (sector) query.set('sector', sector)
  if (category) query.set('category', category)
  if (severity) query.set('severity', severity)
  if (phase) query.set('phase', phase)
  if (overdue) query.set('overdue', overdue)
  if (acknowledged) query.set('acknowledged', acknowledged)
  const inbox = useQuery<{ total: number; items: InboxEntry[] }>(`/api/v1/supervision/incidents?${query.toString()}`)
  const shown = inbox.data?.items ?? []
  // Only reports still shown count: a filter that hides a selected report takes it out of the export.
  const chosen = shown.filter((e) => selected.has(e.id)).map((e) => e.id)
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  const exportSelected = (format: 'json' | 'xlsx') => {
    setExportError(null)
    const path = format === 'json' ? '/api/v1/supervision/incidents/export.json' : `/api/v1/supervision/incidents/export.xlsx?lang=${lang}`
    downloadPost(path, { ids: chosen }, `incidents.${format}`).catch((error: unknown) => setExportError(error instanceof ApiError ? error : new ApiError(0, 'error', String(error))))
  }
  const labelled = (list: { id: string; label: { ja: string; en: string } }[] | undefined) => (list ?? []).map((o) => ({ value: o.id, label: pick(o.label, lang) }))
  const tri = (label: string, value: TriState, onChange: (v: TriState) => void, yes: string, no: string) => (
    <Stack gap={2}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <SegmentedControl
        size="xs"
        value={value}
        onChange={(v) => onChange(v as TriState)}
        aria-label={label}
        data={[
          { value: '', label: t('supervision.filter.all') },
          { value: 'true', label: yes },
          { value: 'false', label: no },
        ]}
      />
    </Stack>
  )

  return (
    <Stack gap="md">
      <Card withBorder padding="sm">
        <SimpleGrid cols={{ base: 2, md: 3, xl: 6 }} spacing="sm">
          <Select label={t('supervision.filter.sector')} clearable data={SECTORS.map((s) => ({ value: s, label: t(`sector.${s}`) }))} value={sector} onChange={setSector} placeholder={t('supervision.filter.all')} />
          <Select label={t('incident.field.category')} clearable data={labelled(vocab?.categories)} value={category} onChange={setCategory} placeholder={t('supervision.filter.all')} />
          <Select label={t('incident.severity')} clearable data={labelled(vocab?.severities)} value={severity} onChange={setSeverity} placeholder={t('supervision.filter.all')} />
          <Select label={t('incident.phaseLabel')} clearable data={PHASES.map((p) => ({ value: p, label: t(`incident.phase.${p}`) }))} value={phase} onChange={setPhase} placeholder={t('supervision.filter.all')} />
          {tri(t('incident.overdue'), overdue, setOverdue, t('supervision.filter.overdueOnly'), t('supervision.filter.onTime'))}
          {tri(t('supervision.acknowledged'), acknowledged, setAcknowledged, t('supervision.filter.acknowledged'), t('supervision.filter.unacknowledged'))}
        </SimpleGrid>
      </Card>
      <ErrorAlert error={inbox.error} />
      <Group gap="xs" justify="flex-end">
        <Button size="xs" variant="default" leftSection={<IconJson size={16} />} disabled={chosen.length === 0} onClick={() => exportSelected('json')} data-testid="export-selected-json">
          {t('incident.export.selected', { count: chosen.length })} · {t('incident.export.json')}
        </Button>
        <Button size="xs" variant="default" leftSection={<IconFileTypeXls size={16} />} disabled={chosen.length === 0} onClick={() => exportSelected('xlsx')} data-testid="export-selected-xlsx">
          {t('incident.export.selected', { count: chosen.length })} · {t('incident.export.xlsx')}
        </Button>
      </Group>
      <ErrorAlert error={exportError} />
      {inbox.loading && !inbox.data ? (
        <PageLoader />
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={1100}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" data-testid="inbox">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={40}>
                    <Checkbox
                      aria-label={t('incident.export.selectAll')}
                      checked={shown.length > 0 && chosen.length === shown.length}
                      indeterminate={chosen.length > 0 && chosen.length < shown.length}
                      onChange={(event) => setSelected(event.currentTarget.checked ? new Set(shown.map((e) => e.id)) : new Set())}
                    />
                  </Table.Th>
                  <Table.Th w={170}>{t('supervision.institution')}</Table.Th>
                  <Table.Th>{t('incident.field.title')}</Table.Th>
                  <Table.Th w={140}>{t('incident.field.category')}</Table.Th>
                  <Table.Th w={90}>{t('incident.phaseLabel')}</Table.Th>
                  <Table.Th w={140}>{t('incident.severity')}</Table.Th>
                  <Table.Th w={140}>{t('supervision.lastSubmitted')}</Table.Th>
                  <Table.Th w={180}>{t('incident.nextDue')}</Table.Th>
                  <Table.Th w={100}>{t('supervision.acknowledged')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={9}>
                      <Text c="dimmed" size="sm" ta="center" py="md">
                        {t('supervision.empty')}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {shown.map((e) => (
                  <Table.Tr key={e.id} data-testid="inbox-row">
                    <Table.Td>
                      <Checkbox aria-label={`${t('incident.export.selectOne')}: ${e.title ?? e.reference}`} checked={selected.has(e.id)} onChange={(event) => toggle(e.id, event.currentTarget.checked)} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{pick(e.institution.name, lang)}</Text>
                      <Text size="xs" c="dimmed">
                        {e.institution.sector ? t(`sector.${e.institution.sector}`) : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/supervision/incidents/${e.id}`} fw={600}>
                        {e.title ?? e.reference}
                      </Anchor>
                      <Group gap={4}>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {e.reference}
                        </Text>
                        {e.lastMessageFrom === 'institution' && (
                          <Badge size="xs" color="grape" variant="light" tt="none">
                            {t('supervision.answered')}
                          </Badge>
                        )}
                        {e.status === 'closed' && (
                          <Badge size="xs" color="teal" variant="light" tt="none">
                            {t('incident.closed')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{labelOf(vocab?.categories, e.category, lang)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <PhaseBadge phase={e.latestPhase} />
                    </Table.Td>
                    <Table.Td>
                      <SeverityBadge severity={e.severity} vocab={vocab} overridden={e.overridden} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(e.lastSubmittedAt, lang)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {e.status === 'closed' ? '—' : <NextDue next={e.next} />}
                      {e.overdue && !e.next?.overdue && <OverdueBadge />}
                    </Table.Td>
                    <Table.Td>
                      {e.acknowledged ? (
                        <Badge color="teal" variant="light" tt="none">
                          {t('supervision.filter.acknowledged')}
                        </Badge>
                      ) : (
                        <Badge color="orange" variant="filled" tt="none" data-testid="needs-ack">
                          {t('supervision.filter.unacknowledged')}
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {inbox.data && (
            <Text size="xs" c="dimmed" p="xs">
              {t('supervision.total', { count: inbox.data.total })}
            </Text>
          )}
        </Card>
      )}
    </Stack>
  )
}

function SectorView({ vocab }: { vocab: Vocabulary | undefined }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [sector, setSector] = useState<string | null>(null)
  const [by, setBy] = useState<'category' | 'severity'>('category')
  const stats = useQuery<SectorStats>(`/api/v1/supervision/incidents/stats${sector ? `?sector=${sector}` : ''}`)
  const list = by === 'category' ? (vocab?.categories ?? []) : (vocab?.severities ?? [])
  const series = list.map((entry, index) => ({ name: entry.id, label: pick(entry.label, lang), color: by === 'severity' ? (entry.id === 'major' ? 'red.6' : 'gray.5') : CHART_COLORS[index % CHART_COLORS.length]! }))
  const data = (stats.data?.months ?? []).map((m) => {
    const counts = by === 'category' ? m.byCategory : m.bySeverity
    return { month: m.month, ...Object.fromEntries(list.map((entry) => [entry.id, counts[entry.id] ?? 0])) }
  })

  return (
    <Stack gap="md">
      <Group align="flex-end">
        <Select label={t('supervision.filter.sector')} clearable w={220} data={SECTORS.map((s) => ({ value: s, label: t(`sector.${s}`) }))} value={sector} onChange={setSector} placeholder={t('supervision.filter.all')} />
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('supervision.sector.by')}
          </Text>
          <SegmentedControl
            value={by}
            onChange={(v) => setBy(v as 'category' | 'severity')}
            data={[
              { value: 'category', label: t('incident.field.category') },
              { value: 'severity', label: t('incident.severity') },
            ]}
          />
        </Stack>
      </Group>
      <ErrorAlert error={stats.error} />
      <Card withBorder padding="md" data-testid="sector-chart">
        <Title order={3} size="h5" mb="sm">
          {t('supervision.sector.chartTitle', { total: stats.data?.totals.total ?? 0 })}
        </Title>
        {stats.data ? (
          <BarChart h={320} data={data} dataKey="month" type="stacked" series={series} withLegend legendProps={{ verticalAlign: 'bottom' }} tickLine="y" yAxisProps={{ allowDecimals: false }} />
        ) : (
          <PageLoader />
        )}
      </Card>
      {stats.data && (
        <Card withBorder padding="md">
          <Title order={3} size="h5" mb="xs">
            {t('supervision.sector.totals')}
          </Title>
          <Group gap="xs">
            {list.map((entry) => (
              <Badge key={entry.id} variant="light" color="gray" tt="none">
                {pick(entry.label, lang)}: {(by === 'category' ? stats.data?.totals.byCategory : stats.data?.totals.bySeverity)?.[entry.id] ?? 0}
              </Badge>
            ))}
          </Group>
        </Card>
      )}
    </Stack>
  )
}
