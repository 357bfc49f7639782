import { Anchor, Button, Card, Checkbox, Group, NumberInput, Radio, ScrollArea, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core'
import { IconArrowLeft, IconDeviceFloppy } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { fromLocalInput, toLocalInput } from '../incident/shared'
import type { CatalogSummary } from '../types'
import { bracketed, catalogName, listed, useGroupNames } from './shared'
import { ROUND_KINDS, SECTORS, SIZE_BANDS, type InstitutionRef, type RoundDetail, type RoundInput, type RoundKind } from './types'

// The round form (new and edit). A draft changes entirely; once published only the due date, the
// instructions and k (the server says so on the fields otherwise). The server validates: its
// located errors ({ path: 'body.dueAt', message }) show on the field they name.

interface FormState {
  kind: RoundKind
  titleJa: string
  titleEn: string
  catalogId: string | null
  mode: 'criteria' | 'list'
  sectors: string[]
  sizes: string[]
  institutionIds: string[]
  opensAt: string
  dueAt: string
  instructions: string
  carryForward: boolean
  k: number | string
}

const DEFAULT_DAYS = 30

function emptyForm(now = new Date()): FormState {
  const due = new Date(now.getTime() + DEFAULT_DAYS * 86_400_000)
  due.setHours(17, 0, 0, 0)
  return {
    kind: 'self_assessment',
    titleJa: '',
    titleEn: '',
    catalogId: null,
    mode: 'criteria',
    sectors: [],
    sizes: [],
    institutionIds: [],
    opensAt: toLocalInput(now.toISOString()),
    dueAt: toLocalInput(due.toISOString()),
    instructions: '',
    carryForward: true,
    k: 5,
  }
}

function formOf(round: RoundDetail): FormState {
  return {
    kind: round.kind,
    titleJa: round.title.ja,
    titleEn: round.title.en,
    catalogId: round.catalog.id,
    mode: round.target.mode,
    sectors: round.target.sectors ?? [],
    sizes: round.target.sizes ?? [],
    institutionIds: round.target.institutionIds,
    opensAt: toLocalInput(round.opensAt),
    dueAt: toLocalInput(round.dueAt),
    instructions: round.instructions,
    carryForward: round.carryForward,
    k: round.kAnonymity,
  }
}

/** The date as the server has it when the field still shows it (the input drops seconds), else the field's. */
function dateOf(value: string, original: string | undefined): string {
  if (original && toLocalInput(original) === value) return original
  // An unreadable date goes as written: the server names the field.
  return fromLocalInput(value) ?? value
}

function inputOf(form: FormState, round: RoundDetail | null): RoundInput {
  return {
    kind: form.kind,
    title: { ja: form.titleJa, en: form.titleEn },
    catalogId: form.catalogId ?? '',
    target: {
      mode: form.mode,
      sectors: form.mode === 'criteria' && form.sectors.length > 0 ? form.sectors : null,
      sizes: form.mode === 'criteria' && form.sizes.length > 0 ? form.sizes : null,
      institutionIds: form.mode === 'list' ? form.institutionIds : [],
    },
    opensAt: dateOf(form.opensAt, round?.opensAt),
    dueAt: dateOf(form.dueAt, round?.dueAt),
    instructions: form.instructions,
    carryForward: form.carryForward,
    kAnonymity: typeof form.k === 'number' ? form.k : Number.parseInt(form.k, 10),
  }
}

// The server's names for the fields of a published round (body.titleJa …) map to the form's.
const FIELD_PATHS: Record<string, string[]> = {
  titleJa: ['body.title.ja', 'body.titleJa', 'body.title'],
  titleEn: ['body.title.en', 'body.titleEn'],
  kind: ['body.kind'],
  catalogId: ['body.catalogId'],
  target: ['body.target', 'body.targetMode', 'body.targetSectors', 'body.targetSizes', 'body.targetOrgIds', 'target'],
  opensAt: ['body.opensAt'],
  dueAt: ['body.dueAt'],
  instructions: ['body.instructions'],
  carryForward: ['body.carryForward'],
  k: ['body.kAnonymity'],
}

function fieldMessage(error: ApiError | null, field: keyof typeof FIELD_PATHS): string | undefined {
  const paths = FIELD_PATHS[field] ?? []
  const messages = (error?.details ?? []).filter((d) => paths.some((p) => d.path === p || d.path.startsWith(`${p}.`) || d.path.startsWith(`${p}[`))).map((d) => d.message)
  return messages.length > 0 ? [...new Set(messages)].join(' / ') : undefined
}

const FIELD_OF: Record<keyof FormState, keyof typeof FIELD_PATHS> = {
  kind: 'kind',
  titleJa: 'titleJa',
  titleEn: 'titleEn',
  catalogId: 'catalogId',
  mode: 'target',
  sectors: 'target',
  sizes: 'target',
  institutionIds: 'target',
  opensAt: 'opensAt',
  dueAt: 'dueAt',
  instructions: 'instructions',
  carryForward: 'carryForward',
  k: 'k',
}

/** The error less what it said about a field the user has just changed (null when nothing is left to say). */
function withoutField(error: ApiError | null, field: keyof typeof FIELD_PATHS): ApiError | null {
  if (!error || error.details.length === 0) return error
  const paths = FIELD_PATHS[field] ?? []
  // The due date is checked against the opening date: changing either answers the message.
  const also = field === 'opensAt' ? (FIELD_PATHS.dueAt ?? []) : []
  const matches = (path: string) => [...paths, ...also].some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`))
  const left = error.details.filter((detail) => !matches(detail.path))
  if (left.length === error.details.length) return error
  return left.length === 0 ? null : new ApiError(error.status, error.code, left[0]?.message ?? error.message, left)
}

/** Errors the form cannot place on a field are shown above the buttons. */
function unplaced(error: ApiError | null): ApiError | null {
  if (!error) return null
  const placed = Object.keys(FIELD_PATHS).some((field) => fieldMessage(error, field))
  return placed ? null : error
}

export function RoundFormPage() {
  const { id } = useParams()
  const round = useQuery<RoundDetail>(id ? `/api/v1/supervision/rounds/${id}` : null)
  if (id && round.error && !round.data) return <ErrorAlert error={round.error} />
  if (id && !round.data) return <PageLoader />
  return <RoundForm key={round.data?.id ?? 'new'} round={round.data ?? null} />
}

function RoundForm({ round }: { round: RoundDetail | null }) {
  const { t } = useTranslation()
  const lang = useLang()
  const names = useGroupNames()
  const navigate = useNavigate()
  const catalogs = useQuery<CatalogSummary[]>('/api/v1/catalogs')
  const jurisdiction = useQuery<InstitutionRef[]>('/api/v1/supervision/jurisdiction')
  const [form, setForm] = useState<FormState>(() => (round ? formOf(round) : emptyForm()))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [search, setSearch] = useState('')
  const published = round !== null && round.status !== 'draft'
  const set = <K extends keyof FormState>(key: K) => (value: FormState[K]) => {
    setForm((previous) => ({ ...previous, [key]: value }))
    setError((previous) => withoutField(previous, FIELD_OF[key]))
  }

  const institutions = jurisdiction.data ?? []
  const matching = institutions.filter((org) =>
    form.mode === 'list'
      ? form.institutionIds.includes(org.id)
      : (form.sectors.length === 0 || form.sectors.includes(org.sector)) && (form.sizes.length === 0 || form.sizes.includes(org.sizeBand)),
  )
  const sectorsInJurisdiction = SECTORS.filter((s) => institutions.some((org) => org.sector === s))
  const shownSectors = sectorsInJurisdiction.length > 0 ? sectorsInJurisdiction : [...SECTORS]
  const searched = institutions.filter((org) => {
    const needle = search.trim().toLowerCase()
    return !needle || `${org.name.ja} ${org.name.en}`.toLowerCase().includes(needle)
  })

  async function save(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const input = inputOf(form, round)
      const saved = round ? await api.put<RoundDetail>(`/api/v1/supervision/rounds/${round.id}`, input) : await api.post<RoundDetail>('/api/v1/supervision/rounds', input)
      notifySuccess(round ? t('rounds.form.saved') : t('rounds.form.created'))
      void navigate(`/supervision/rounds/${saved.id}`)
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  const leftover = unplaced(error)
  return (
    <Stack gap="md" maw={1000}>
      <Stack gap={4}>
        <Anchor component={Link} to={round ? `/supervision/rounds/${round.id}` : '/supervision/rounds'} size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} />
            {round ? t('rounds.backToRound') : t('rounds.backToList')}
          </Group>
        </Anchor>
        <Title order={1} size="h2">
          {round ? t('rounds.form.editTitle') : t('rounds.form.newTitle')}
        </Title>
        {published && (
          <Text size="sm" c="dimmed">
            {t('rounds.form.publishedHelp')}
          </Text>
        )}
      </Stack>
      <ErrorAlert error={catalogs.error ?? jurisdiction.error} />
      <form onSubmit={(e) => void save(e)} noValidate>
        <Stack gap="md">
          <Card withBorder padding="md">
            <Stack gap="sm">
              <Radio.Group label={t('round.field.kind')} value={form.kind} onChange={(v) => set('kind')(v as RoundKind)} error={fieldMessage(error, 'kind')} role="radiogroup" aria-label={t('round.field.kind')}>
                <Group gap="lg" mt={6}>
                  {ROUND_KINDS.map((kind) => (
                    <Radio key={kind} value={kind} label={t(`round.kind.${kind}`)} description={t(`round.kindHelp.${kind}`)} disabled={published} />
                  ))}
                </Group>
              </Radio.Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label={t('round.field.titleJa')} required value={form.titleJa} onChange={(e) => set('titleJa')(e.currentTarget.value)} error={fieldMessage(error, 'titleJa')} disabled={published} data-autofocus />
                <TextInput label={t('round.field.titleEn')} required value={form.titleEn} onChange={(e) => set('titleEn')(e.currentTarget.value)} error={fieldMessage(error, 'titleEn')} disabled={published} />
              </SimpleGrid>
              <Select
                label={t('round.field.catalog')}
                required
                data={(catalogs.data ?? []).map((c) => ({ value: c.id, label: catalogName(c, lang) }))}
                value={form.catalogId}
                onChange={set('catalogId')}
                placeholder={t('assessments.chooseCatalog')}
                error={fieldMessage(error, 'catalogId')}
                disabled={published}
                allowDeselect={false}
              />
            </Stack>
          </Card>

          <Card withBorder padding="md">
            <Title order={2} size="h5" mb="xs">
              {t('rounds.form.target')}
            </Title>
            <Stack gap="sm">
              <Radio.Group value={form.mode} onChange={(v) => set('mode')(v as FormState['mode'])} role="radiogroup" aria-label={t('rounds.form.target')}>
                <Group gap="lg">
                  <Radio value="criteria" label={t('rounds.form.byCriteria')} disabled={published} />
                  <Radio value="list" label={t('rounds.form.byList')} disabled={published} />
                </Group>
              </Radio.Group>
              {form.mode === 'criteria' ? (
                <>
                  <Checkbox.Group label={t('round.field.sectors')} description={t('rounds.form.emptyMeansAll')} value={form.sectors} onChange={set('sectors')}>
                    <Group gap="md" mt={6}>
                      {shownSectors.map((sector) => (
                        <Checkbox key={sector} value={sector} label={names.sector(sector)} disabled={published} />
                      ))}
                    </Group>
                  </Checkbox.Group>
                  <Checkbox.Group label={t('round.field.sizes')} description={t('rounds.form.emptyMeansAll')} value={form.sizes} onChange={set('sizes')}>
                    <Group gap="md" mt={6}>
                      {SIZE_BANDS.map((size) => (
                        <Checkbox key={size} value={size} label={names.size(size)} disabled={published} />
                      ))}
                    </Group>
                  </Checkbox.Group>
                </>
              ) : (
                <Stack gap={6}>
                  <TextInput label={t('rounds.form.searchInstitution')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} disabled={published} w={320} />
                  <Checkbox.Group label={t('rounds.form.institutions')} value={form.institutionIds} onChange={set('institutionIds')}>
                    <ScrollArea.Autosize mah={260} mt={6} type="auto">
                      <Stack gap={6}>
                        {searched.map((org) => (
                          <Checkbox key={org.id} value={org.id} disabled={published} label={bracketed(pick(org.name, lang), names.group(org.sector, org.sizeBand), lang)} />
                        ))}
                      </Stack>
                    </ScrollArea.Autosize>
                  </Checkbox.Group>
                </Stack>
              )}
              {fieldMessage(error, 'target') && (
                <Text size="sm" c="red" role="alert">
                  {fieldMessage(error, 'target')}
                </Text>
              )}
              {published ? (
                <Text size="sm" data-testid="target-count">
                  {t('rounds.form.fixedTargets', { count: round.counts.targets })}
                </Text>
              ) : (
                <Text size="sm" data-testid="target-count">
                  {t('rounds.form.matching', { count: matching.length })}
                  {matching.length > 0 && matching.length <= 12 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      {bracketed('', listed(matching.map((org) => pick(org.name, lang)), lang), lang)}
                    </Text>
                  )}
                </Text>
              )}
            </Stack>
          </Card>

          <Card withBorder padding="md">
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput type="datetime-local" label={t('round.field.opensAt')} required value={form.opensAt} onChange={(e) => set('opensAt')(e.currentTarget.value)} error={fieldMessage(error, 'opensAt')} disabled={published} />
                <TextInput type="datetime-local" label={t('round.field.dueAt')} required value={form.dueAt} onChange={(e) => set('dueAt')(e.currentTarget.value)} error={fieldMessage(error, 'dueAt')} />
              </SimpleGrid>
              <Textarea
                label={t('round.field.instructions')}
                description={t('rounds.form.instructionsHelp')}
                autosize
                minRows={3}
                maxRows={12}
                value={form.instructions}
                onChange={(e) => set('instructions')(e.currentTarget.value)}
                error={fieldMessage(error, 'instructions')}
              />
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Switch
                  label={t('round.field.carryForward')}
                  description={t('rounds.form.carryForwardHelp')}
                  checked={form.carryForward}
                  onChange={(e) => set('carryForward')(e.currentTarget.checked)}
                  error={fieldMessage(error, 'carryForward')}
                  disabled={published}
                />
                <NumberInput label={t('round.field.k')} description={t('rounds.form.kHelp')} min={2} max={100} allowDecimal={false} value={form.k} onChange={(v) => set('k')(v)} error={fieldMessage(error, 'k')} w={260} />
              </SimpleGrid>
            </Stack>
          </Card>

          <ErrorAlert error={leftover} />
          {error && !leftover && (
            <Text size="sm" c="red" role="alert" data-testid="form-error">
              {t('rounds.form.fixFields')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={round ? `/supervision/rounds/${round.id}` : '/supervision/rounds'}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} leftSection={<IconDeviceFloppy size={16} />}>
              {round ? t('common.save') : t('rounds.form.saveDraft')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  )
}
