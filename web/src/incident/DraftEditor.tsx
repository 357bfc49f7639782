import { ActionIcon, Alert, Badge, Button, Card, Checkbox, Group, List, NumberInput, Radio, Select, SimpleGrid, Stack, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core'
import { IconAlertCircle, IconPlus, IconSend, IconTrash } from '@tabler/icons-react'
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../api'
import { asApiError, useLang } from '../common/hooks'
import { pick } from '../i18n'
import { fromLocalInput, PhaseBadge, toLocalInput } from './shared'
import type { IncidentDetail, Phase, Problem, ReportContent, Vocabulary } from './types'

export type SaveState = 'saved' | 'dirty' | 'saving' | 'error'

/** The content the API accepts: the stored shape without the files submitted with it. */
export function contentInput(content: ReportContent): Omit<ReportContent, 'attachments'> {
  const { attachments: _files, ...rest } = content
  void _files
  // Rows being typed (blank) and an e-mail address not yet complete wait locally for the next save.
  const email = rest.contact.email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(rest.contact.email) ? rest.contact.email : null
  return {
    ...rest,
    contact: { ...rest.contact, email },
    timeline: rest.timeline.filter((e) => e.description.trim() !== ''),
    thirdParties: rest.thirdParties.filter((p) => p.name.trim() !== ''),
    measuresPlanned: rest.measuresPlanned.filter((m) => m.description.trim() !== ''),
  }
}

function Section({ title, note, children }: { title: string; note?: ReactNode; children: ReactNode }) {
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {note}
      </Group>
      <Stack gap="sm">{children}</Stack>
    </Card>
  )
}

function YesNo({ label, value, onChange, error }: { label: string; value: boolean | null; onChange: (v: boolean | null) => void; error?: string }) {
  const { t } = useTranslation()
  return (
    <Radio.Group role="group" aria-label={label} label={label} value={value === null ? '' : value ? 'yes' : 'no'} onChange={(v) => onChange(v === 'yes' ? true : v === 'no' ? false : null)} error={error}>
      <Group gap="md" mt={6}>
        <Radio value="yes" label={t('common.yes')} />
        <Radio value="no" label={t('common.no')} />
        <Radio value="" label={t('incident.form.notKnown')} />
      </Group>
    </Radio.Group>
  )
}

const num = (value: number | string): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

/**
 * The draft of the next report (続報 or 最終報, or a first report not yet sent): every field of the
 * report, saved as it is typed; the server answers with the live classification and what is missing.
 */
export function DraftEditor({
  incident,
  vocab,
  onSaved,
  onSaveState,
  onSubmitted,
}: {
  incident: IncidentDetail
  vocab: Vocabulary | undefined
  onSaved: (detail: IncidentDetail) => void
  onSaveState: (state: SaveState) => void
  onSubmitted: (detail: IncidentDetail) => void
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const draft = incident.draft!
  const [phase, setPhase] = useState<Phase>(draft.phase)
  const [content, setContent] = useState<ReportContent>(draft.content)
  const [showProblems, setShowProblems] = useState(false)
  const [submitError, setSubmitError] = useState<ApiError | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const timer = useRef<number | null>(null)
  const latest = useRef({ phase, content })
  const saving = useRef<Promise<boolean> | null>(null)
  const editable = incident.permissions.canEdit

  const save = useCallback(async (): Promise<boolean> => {
    if (timer.current !== null) {
      window.clearTimeout(timer.current)
      timer.current = null
    }
    onSaveState('saving')
    const sent = latest.current
    const body = { phase: sent.phase, content: contentInput(sent.content) }
    const run = api
      .put<IncidentDetail>(`/api/v1/incidents/${incident.id}/draft`, body)
      .then((detail) => {
        onSaved(detail)
        onSaveState(latest.current === sent ? 'saved' : 'dirty')
        return true
      })
      .catch((reason: unknown) => {
        setSubmitError(asApiError(reason))
        onSaveState('error')
        return false
      })
    saving.current = run
    return run
  }, [incident.id, onSaved, onSaveState])

  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current)
    },
    [],
  )

  function change(next: ReportContent, nextPhase = phase) {
    setContent(next)
    setPhase(nextPhase)
    latest.current = { phase: nextPhase, content: next }
    onSaveState('dirty')
    if (timer.current !== null) window.clearTimeout(timer.current)
    timer.current = window.setTimeout(() => void save(), 700)
  }
  const set = <K extends keyof ReportContent>(key: K, value: ReportContent[K]) => change({ ...content, [key]: value })
  const setImpact = <K extends keyof ReportContent['impact']>(key: K, value: ReportContent['impact'][K]) => change({ ...content, impact: { ...content.impact, [key]: value } })
  const setInformed = <K extends keyof ReportContent['informed']>(key: K, value: ReportContent['informed'][K]) => change({ ...content, informed: { ...content.informed, [key]: value } })
  const setCause = <K extends keyof ReportContent['rootCause']>(key: K, value: ReportContent['rootCause'][K]) => change({ ...content, rootCause: { ...content.rootCause, [key]: value } })
  const setContact = <K extends keyof ReportContent['contact']>(key: K, value: ReportContent['contact'][K]) => change({ ...content, contact: { ...content.contact, [key]: value || null } })

  async function submit() {
    setSubmitError(null)
    setShowProblems(true)
    setSubmitting(true)
    try {
      if (timer.current !== null || saving.current === null) {
        if (!(await save())) return
      } else await saving.current
      const detail = await api.post<IncidentDetail>(`/api/v1/incidents/${incident.id}/submit`)
      onSubmitted(detail)
    } catch (reason) {
      setSubmitError(asApiError(reason))
    } finally {
      setSubmitting(false)
    }
  }

  const problems: Problem[] = draft.problems
  const problemFor = (field: string) => (showProblems ? problems.find((p) => p.path === `content.${field}`)?.message : undefined)
  const err = (field: string) => {
    const p = problemFor(field)
    return p ? pick(p, lang) : undefined
  }
  const labelled = (list: { id: string; label: { ja: string; en: string } }[] | undefined) => (list ?? []).map((o) => ({ value: o.id, label: pick(o.label, lang) }))
  const cause = vocab?.causes.find((c) => c.id === content.rootCause.category)
  const isFinal = phase === 'final'
  const finalNote = !isFinal ? (
    <Badge variant="light" color="gray" tt="none">
      {t('incident.form.finalOnly')}
    </Badge>
  ) : undefined

  return (
    <Stack gap="md" data-testid="draft-editor">
      <Card withBorder padding="md">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="sm">
            <Text fw={600}>{t('incident.form.drafting')}</Text>
            {incident.nextPhases.length > 1 ? (
              <Radio.Group role="group" value={phase} onChange={(v) => change(content, v as Phase)} aria-label={t('incident.form.phase')}>
                <Group gap="md">
                  {incident.nextPhases.map((p) => (
                    <Radio key={p} value={p} label={t(`incident.phase.${p}`)} disabled={!editable} />
                  ))}
                </Group>
              </Radio.Group>
            ) : (
              <PhaseBadge phase={phase} size="md" />
            )}
          </Group>
          {editable && (
            <Button color="red" leftSection={<IconSend size={16} />} onClick={() => void submit()} loading={submitting}>
              {t('incident.form.submit', { phase: t(`incident.phase.${phase}`) })}
            </Button>
          )}
        </Group>
        {submitError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mt="sm" role="alert" title={t('incident.form.notSubmitted')}>
            <Text size="sm">{submitError.message}</Text>
            {submitError.details.length > 0 && (
              <List size="sm" mt={4}>
                {submitError.details.map((d, i) => (
                  <List.Item key={i}>{d.message}</List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
      </Card>

      <fieldset disabled={!editable} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack gap="md">
          <Section title={t('incident.form.basics')}>
            <TextInput label={t('incident.field.title')} value={content.title ?? ''} onChange={(e) => set('title', e.currentTarget.value)} error={err('title')} />
            <Textarea label={t('incident.field.summary')} autosize minRows={2} value={content.summary ?? ''} onChange={(e) => set('summary', e.currentTarget.value)} />
            <SimpleGrid cols={{ base: 1, md: 3 }}>
              <TextInput type="datetime-local" label={t('incident.field.detectedAt')} value={toLocalInput(content.detectedAt)} onChange={(e) => set('detectedAt', fromLocalInput(e.currentTarget.value))} error={err('detectedAt')} />
              <TextInput type="datetime-local" label={t('incident.field.occurredAt')} value={toLocalInput(content.occurredAt)} onChange={(e) => set('occurredAt', fromLocalInput(e.currentTarget.value))} error={err('occurredAt')} />
              <TextInput type="datetime-local" label={t('incident.field.recoveredAt')} value={toLocalInput(content.recoveredAt)} onChange={(e) => set('recoveredAt', fromLocalInput(e.currentTarget.value))} error={err('recoveredAt')} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Select label={t('incident.field.category')} data={labelled(vocab?.categories)} value={content.category} onChange={(v) => set('category', v)} error={err('category')} />
              {content.category === 'other' && <TextInput label={t('incident.field.categoryOther')} value={content.categoryOther ?? ''} onChange={(e) => set('categoryOther', e.currentTarget.value)} error={err('categoryOther')} />}
            </SimpleGrid>
            <TagsInput label={t('incident.field.affectedServices')} description={t('incident.field.affectedServicesHelp')} value={content.affectedServices} onChange={(v) => set('affectedServices', v)} error={err('affectedServices')} acceptValueOnBlur />
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Radio.Group role="group" aria-label={t('incident.field.customersAffected')} label={t('incident.field.customersAffected')} value={content.customersAffected ?? ''} onChange={(v) => set('customersAffected', (v || null) as ReportContent['customersAffected'])} error={err('customersAffected')}>
                <Group gap="md" mt={6}>
                  {(vocab?.yesNoUnknown ?? []).map((o) => (
                    <Radio key={o.id} value={o.id} label={pick(o.label, lang)} />
                  ))}
                </Group>
              </Radio.Group>
              <Select label={t('incident.field.currentStatus')} data={labelled(vocab?.currentStatuses)} value={content.currentStatus} onChange={(v) => set('currentStatus', v as ReportContent['currentStatus'])} error={err('currentStatus')} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, md: 4 }}>
              <TextInput label={t('incident.field.contactName')} value={content.contact.name ?? ''} onChange={(e) => setContact('name', e.currentTarget.value)} error={err('contact.name')} />
              <TextInput label={t('incident.field.contactDepartment')} value={content.contact.department ?? ''} onChange={(e) => setContact('department', e.currentTarget.value)} />
              <TextInput label={t('incident.field.contactPhone')} value={content.contact.phone ?? ''} onChange={(e) => setContact('phone', e.currentTarget.value)} error={err('contact.phone')} />
              <TextInput label={t('incident.field.contactEmail')} value={content.contact.email ?? ''} onChange={(e) => setContact('email', e.currentTarget.value)} error={err('contact.email')} />
            </SimpleGrid>
          </Section>

          <Section title={t('incident.form.impact')}>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <YesNo label={t('incident.field.impact.criticalServicesAffected')} value={content.impact.criticalServicesAffected} onChange={(v) => setImpact('criticalServicesAffected', v)} error={err('impact.criticalServicesAffected')} />
              <TagsInput label={t('incident.field.impact.criticalServices')} value={content.impact.criticalServices} onChange={(v) => setImpact('criticalServices', v)} acceptValueOnBlur />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
              <NumberInput label={t('incident.field.impact.clientsAffected')} min={0} allowDecimal={false} thousandSeparator="," value={content.impact.clientsAffected ?? ''} onChange={(v) => setImpact('clientsAffected', num(v))} />
              <NumberInput label={t('incident.field.impact.clientsAffectedPercent')} min={0} max={100} suffix="%" value={content.impact.clientsAffectedPercent ?? ''} onChange={(v) => setImpact('clientsAffectedPercent', num(v))} />
              <NumberInput label={t('incident.field.impact.transactionsAffected')} min={0} allowDecimal={false} thousandSeparator="," value={content.impact.transactionsAffected ?? ''} onChange={(v) => setImpact('transactionsAffected', num(v))} />
              <NumberInput label={t('incident.field.impact.durationHours')} min={0} value={content.impact.durationHours ?? ''} onChange={(v) => setImpact('durationHours', num(v))} />
              <NumberInput label={t('incident.field.impact.criticalServiceDowntimeHours')} min={0} value={content.impact.criticalServiceDowntimeHours ?? ''} onChange={(v) => setImpact('criticalServiceDowntimeHours', num(v))} />
              <NumberInput label={t('incident.field.impact.monetaryLossJpy')} min={0} allowDecimal={false} thousandSeparator="," value={content.impact.monetaryLossJpy ?? ''} onChange={(v) => setImpact('monetaryLossJpy', num(v))} />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Radio.Group role="group" aria-label={t('incident.field.impact.dataAffected')} label={t('incident.field.impact.dataAffected')} value={content.impact.dataAffected ?? ''} onChange={(v) => setImpact('dataAffected', (v || null) as ReportContent['impact']['dataAffected'])}>
                <Group gap="md" mt={6}>
                  {(vocab?.yesNoUnknown ?? []).map((o) => (
                    <Radio key={o.id} value={o.id} label={pick(o.label, lang)} />
                  ))}
                </Group>
              </Radio.Group>
              <Checkbox.Group label={t('incident.field.impact.dataImpact')} value={content.impact.dataImpact} onChange={(v) => setImpact('dataImpact', v)}>
                <Group gap="md" mt={6}>
                  {(vocab?.dataImpactKinds ?? []).map((o) => (
                    <Checkbox key={o.id} value={o.id} label={pick(o.label, lang)} />
                  ))}
                </Group>
              </Checkbox.Group>
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <TagsInput label={t('incident.field.impact.dataKinds')} value={content.impact.dataKinds} onChange={(v) => setImpact('dataKinds', v)} acceptValueOnBlur />
              <TagsInput label={t('incident.field.impact.regions')} value={content.impact.regions} onChange={(v) => setImpact('regions', v)} acceptValueOnBlur />
            </SimpleGrid>
            <YesNo label={t('incident.field.impact.maliciousUnauthorisedAccess')} value={content.impact.maliciousUnauthorisedAccess} onChange={(v) => setImpact('maliciousUnauthorisedAccess', v)} />
          </Section>

          <Section title={t('incident.form.response')}>
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                {t('incident.field.timeline')}
              </Text>
              {content.timeline.map((entry, index) => (
                <Group key={index} gap="xs" wrap="nowrap" align="flex-end">
                  <TextInput
                    type="datetime-local"
                    aria-label={t('incident.form.eventAt')}
                    w={210}
                    value={toLocalInput(entry.at)}
                    onChange={(e) => set('timeline', content.timeline.map((x, i) => (i === index ? { ...x, at: fromLocalInput(e.currentTarget.value) ?? x.at } : x)))}
                  />
                  <TextInput
                    aria-label={t('incident.form.eventDescription')}
                    style={{ flex: 1 }}
                    value={entry.description}
                    onChange={(e) => set('timeline', content.timeline.map((x, i) => (i === index ? { ...x, description: e.currentTarget.value } : x)))}
                  />
                  <ActionIcon variant="subtle" color="red" onClick={() => set('timeline', content.timeline.filter((_, i) => i !== index))} aria-label={t('common.delete')} mb={4}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => set('timeline', [...content.timeline, { at: new Date().toISOString(), description: '' }])}>
                  {t('incident.form.addEvent')}
                </Button>
              </Group>
            </Stack>
            <Textarea label={t('incident.field.actionsTaken')} autosize minRows={2} value={content.actionsTaken ?? ''} onChange={(e) => set('actionsTaken', e.currentTarget.value)} error={err('actionsTaken')} />
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                {t('incident.field.thirdParties')}
              </Text>
              {content.thirdParties.map((party, index) => (
                <Group key={index} gap="xs" wrap="nowrap">
                  <TextInput aria-label={t('incident.form.thirdPartyName')} placeholder={t('incident.form.thirdPartyName')} w={260} value={party.name} onChange={(e) => set('thirdParties', content.thirdParties.map((x, i) => (i === index ? { ...x, name: e.currentTarget.value } : x)))} />
                  <TextInput aria-label={t('incident.form.thirdPartyRole')} placeholder={t('incident.form.thirdPartyRole')} style={{ flex: 1 }} value={party.role ?? ''} onChange={(e) => set('thirdParties', content.thirdParties.map((x, i) => (i === index ? { ...x, role: e.currentTarget.value } : x)))} />
                  <ActionIcon variant="subtle" color="red" onClick={() => set('thirdParties', content.thirdParties.filter((_, i) => i !== index))} aria-label={t('common.delete')}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => set('thirdParties', [...content.thirdParties, { name: '', role: null }])}>
                  {t('incident.form.addThirdParty')}
                </Button>
              </Group>
            </Stack>
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                {t('incident.field.informed')}
              </Text>
              <SimpleGrid cols={{ base: 1, md: 3 }}>
                {(
                  [
                    ['police', 'policeAt', 'informedPolice'],
                    ['nationalCyberCentre', 'nationalCyberCentreAt', 'informedNcc'],
                    ['isac', 'isacAt', 'informedIsac'],
                  ] as const
                ).map(([flag, at, label]) => (
                  <Stack key={flag} gap={4}>
                    <Checkbox label={t(`incident.field.${label}`)} checked={content.informed[flag] === true} onChange={(e) => setInformed(flag, e.currentTarget.checked)} />
                    {content.informed[flag] && (
                      <TextInput type="datetime-local" size="xs" aria-label={t('incident.form.informedAt', { who: t(`incident.field.${label}`) })} value={toLocalInput(content.informed[at])} onChange={(e) => setInformed(at, fromLocalInput(e.currentTarget.value))} />
                    )}
                  </Stack>
                ))}
              </SimpleGrid>
              <TextInput label={t('incident.field.informedOthers')} value={content.informed.others ?? ''} onChange={(e) => setInformed('others', e.currentTarget.value || null)} />
            </Stack>
          </Section>

          <Section title={t('incident.form.closure')} note={finalNote}>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Select
                label={t('incident.field.rootCauseCategory')}
                data={labelled(vocab?.causes)}
                value={content.rootCause.category}
                onChange={(v) => change({ ...content, rootCause: { ...content.rootCause, category: v, subcategory: null } })}
                error={err('rootCause.category')}
              />
              <Select label={t('incident.field.rootCauseSubcategory')} data={labelled(cause?.subcategories)} value={content.rootCause.subcategory} onChange={(v) => setCause('subcategory', v)} disabled={!cause} error={err('rootCause.subcategory')} />
            </SimpleGrid>
            <Radio.Group role="group" aria-label={t('incident.field.rootCauseOrigin')} label={t('incident.field.rootCauseOrigin')} value={content.rootCause.origin ?? ''} onChange={(v) => setCause('origin', v || null)} error={err('rootCause.origin')}>
              <Group gap="md" mt={6}>
                {(vocab?.origins ?? []).map((o) => (
                  <Radio key={o.id} value={o.id} label={pick(o.label, lang)} />
                ))}
              </Group>
            </Radio.Group>
            <Textarea label={t('incident.field.rootCauseDescription')} autosize minRows={2} value={content.rootCause.description ?? ''} onChange={(e) => setCause('description', e.currentTarget.value || null)} />
            <Textarea label={t('incident.field.measuresTaken')} autosize minRows={2} value={content.measuresTaken ?? ''} onChange={(e) => set('measuresTaken', e.currentTarget.value)} error={err('measuresTaken')} />
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                {t('incident.field.measuresPlanned')}
              </Text>
              {content.measuresPlanned.map((m, index) => (
                <Group key={index} gap="xs" wrap="nowrap">
                  <TextInput aria-label={t('incident.form.measureDescription')} style={{ flex: 1 }} value={m.description} onChange={(e) => set('measuresPlanned', content.measuresPlanned.map((x, i) => (i === index ? { ...x, description: e.currentTarget.value } : x)))} />
                  <TextInput type="date" aria-label={t('incident.form.measureDue')} w={170} value={m.dueDate ?? ''} onChange={(e) => set('measuresPlanned', content.measuresPlanned.map((x, i) => (i === index ? { ...x, dueDate: e.currentTarget.value || null } : x)))} />
                  <ActionIcon variant="subtle" color="red" onClick={() => set('measuresPlanned', content.measuresPlanned.filter((_, i) => i !== index))} aria-label={t('common.delete')}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => set('measuresPlanned', [...content.measuresPlanned, { description: '', dueDate: null }])}>
                  {t('incident.form.addMeasure')}
                </Button>
              </Group>
            </Stack>
            <Textarea label={t('incident.field.lessonsLearned')} autosize minRows={2} value={content.lessonsLearned ?? ''} onChange={(e) => set('lessonsLearned', e.currentTarget.value)} />
          </Section>
        </Stack>
      </fieldset>
    </Stack>
  )
}
