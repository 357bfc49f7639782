import { Alert, Anchor, Badge, Button, Card, Grid, Group, List, Modal, Progress, CloseButton, Stack, Tabs, Text, Title } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconArrowLeft, IconCircleCheck, IconFileUpload, IconPlus } from '@tabler/icons-react'
import { useCallback, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { api, ApiError, uploadFile } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { contentInput, DraftEditor, type SaveState } from './DraftEditor'
import { JsonImport } from './IncidentListPage'
import { AttachmentTable, ClassificationPanel, DeadlinesPanel, ExportButtons, labelOf, MessageThread, OverdueBadge, PhaseBadge, ReportView, SeverityBadge, useVocabulary, VersionTimeline } from './shared'
import type { AttachmentEntry, IncidentDetail, Phase } from './types'

let uploadSequence = 0

/** One incident of the institution: the next report's draft, the submitted versions, files, the thread. */
export function IncidentPage() {
  const { id = '' } = useParams()
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const vocab = useVocabulary()
  const incident = useQuery<IncidentDetail>(`/api/v1/incidents/${id}`)
  const [tab, setTab] = useState<string | null>('report')
  const [saveState, setSaveState] = useState<SaveState>('saved')
  const [editorKey, setEditorKey] = useState(0)
  const [error, setError] = useState<ApiError | null>(null)
  const [discarding, setDiscarding] = useState(false)
  const setData = incident.setData
  const onSaved = useCallback((detail: IncidentDetail) => setData(detail), [setData])

  if (incident.error && !incident.data) return <ErrorAlert error={incident.error} />
  if (!incident.data) return <PageLoader />
  const i = incident.data

  async function startNext(phase: Phase) {
    setError(null)
    try {
      const base = i.latest ? contentInput(i.latest.content) : {}
      const detail = await api.put<IncidentDetail>(`/api/v1/incidents/${i.id}/draft`, { phase, content: base })
      setData(detail)
      setEditorKey((k) => k + 1)
      setTab('report')
    } catch (reason) {
      setError(asApiError(reason))
    }
  }

  async function discard() {
    setError(null)
    try {
      const outcome = await api.delete<{ incidentDeleted: boolean }>(`/api/v1/incidents/${i.id}/draft`)
      setDiscarding(false)
      if (outcome.incidentDeleted) void navigate('/incidents')
      else incident.reload()
    } catch (reason) {
      setError(asApiError(reason))
    }
  }

  const classification = i.draft?.classification ?? i.latest?.classification ?? null
  const waitingFiles = i.attachments.filter((a) => a.version === null).length

  return (
    <Stack gap="md" maw={1400}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Anchor component={Link} to="/incidents" size="sm">
            <Group gap={4}>
              <IconArrowLeft size={14} />
              {t('incident.backToList')}
            </Group>
          </Anchor>
          <Group gap="xs">
            <Text ff="monospace" c="dimmed">
              {i.reference}
            </Text>
            <Title order={1} size="h3" data-testid="incident-title">
              {i.title ?? i.draft?.content.title ?? t('incident.untitled')}
            </Title>
          </Group>
          <Group gap="xs">
            {i.latest ? <PhaseBadge phase={i.latest.phase} size="md" /> : <Badge variant="outline" color="gray" tt="none">{t('incident.notSubmitted')}</Badge>}
            <SeverityBadge severity={i.severity} vocab={vocab} />
            <Text size="sm">{labelOf(vocab?.categories, i.category, lang)}</Text>
            <Text size="sm" c="dimmed">
              {t('incident.detectedAtShort', { at: formatDateTime(i.detectedAt, lang) })}
            </Text>
            {i.status === 'closed' && (
              <Badge color="teal" variant="light" tt="none" data-testid="incident-closed">
                {t('incident.closed')}
              </Badge>
            )}
            {i.deadlines.overdue && <OverdueBadge />}
          </Group>
        </Stack>
        <Stack gap={6} align="flex-end">
          {i.draft && (
            <Text size="xs" c={saveState === 'error' ? 'red' : 'dimmed'} data-testid="save-state" data-state={saveState}>
              {t(`incident.saveState.${saveState}`)}
            </Text>
          )}
          {i.latest && <ExportButtons base={`/api/v1/incidents/${i.id}`} />}
        </Stack>
      </Group>
      <ErrorAlert error={error} onClose={() => setError(null)} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Tabs value={tab} onChange={setTab} keepMounted={false}>
            <Tabs.List mb="md">
              <Tabs.Tab value="report">{t('incident.tabs.report')}</Tabs.Tab>
              <Tabs.Tab value="history" rightSection={<Badge size="xs" variant="light">{i.versions.length}</Badge>}>
                {t('incident.tabs.history')}
              </Tabs.Tab>
              <Tabs.Tab value="attachments" rightSection={i.attachments.length ? <Badge size="xs" variant="light">{i.attachments.length}</Badge> : undefined}>
                {t('incident.tabs.attachments')}
              </Tabs.Tab>
              <Tabs.Tab value="messages" rightSection={i.awaitingReply ? <Badge size="xs" color="grape">{t('incident.newMessage')}</Badge> : undefined}>
                {t('incident.tabs.messages')}
              </Tabs.Tab>
              <Tabs.Tab value="exchange">{t('incident.tabs.exchange')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="report">
              {i.draft ? (
                <Stack gap="sm">
                  {waitingFiles > 0 && (
                    <Text size="sm" c="dimmed">
                      {t('incident.attachments.waitingCount', { count: waitingFiles })}
                    </Text>
                  )}
                  <DraftEditor
                    key={`${i.id}-${editorKey}`}
                    incident={i}
                    vocab={vocab}
                    onSaved={onSaved}
                    onSaveState={setSaveState}
                    onSubmitted={(detail) => {
                      setData(detail)
                      setSaveState('saved')
                      setEditorKey((k) => k + 1)
                      notifySuccess(t('incident.form.submitted'))
                      setTab('history')
                    }}
                  />
                  {i.permissions.canEdit && (
                    <Group>
                      <Button variant="subtle" color="red" size="xs" onClick={() => setDiscarding(true)}>
                        {t('incident.form.discard')}
                      </Button>
                    </Group>
                  )}
                </Stack>
              ) : i.status === 'closed' ? (
                <Alert color="teal" icon={<IconCircleCheck size={18} />} title={t('incident.closedTitle')}>
                  {t('incident.closedHelp')}
                </Alert>
              ) : (
                <Card withBorder padding="lg">
                  <Stack gap="sm" align="flex-start">
                    <Text>{t('incident.nextHelp')}</Text>
                    {i.permissions.canEdit ? (
                      <Group>
                        {i.nextPhases.map((p) => (
                          <Button key={p} leftSection={<IconPlus size={16} />} variant={p === 'final' ? 'filled' : 'light'} onClick={() => void startNext(p)}>
                            {t('incident.startNext', { phase: t(`incident.phase.${p}`) })}
                          </Button>
                        ))}
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('incident.readOnly')}
                      </Text>
                    )}
                  </Stack>
                </Card>
              )}
            </Tabs.Panel>
            <Tabs.Panel value="history">
              <Stack gap="md">
                <VersionTimeline versions={i.versions} versionPath={(v) => `/api/v1/incidents/${i.id}/versions/${v}`} vocab={vocab} />
                {i.latest && (
                  <Card withBorder padding="md">
                    <Title order={3} size="h5" mb="xs">
                      {t('incident.latestReport')}
                    </Title>
                    <ReportView content={i.latest.content} vocab={vocab} />
                  </Card>
                )}
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="attachments">
              <AttachmentsPanel incident={i} onChanged={incident.reload} />
            </Tabs.Panel>
            <Tabs.Panel value="messages">
              {i.recipients.length === 0 && <Alert color="yellow" mb="sm">{t('incident.noRecipients')}</Alert>}
              <MessageThread path={`/api/v1/incidents/${i.id}/messages`} canPost={i.permissions.canMessage && i.versions.length > 0} side="institution" />
            </Tabs.Panel>
            <Tabs.Panel value="exchange">
              <Stack gap="md">
                <Card withBorder padding="md">
                  <Title order={3} size="h5" mb="xs">
                    {t('incident.export.title')}
                  </Title>
                  <Text size="sm" c="dimmed" mb="sm">
                    {t('incident.export.help')}
                  </Text>
                  {i.latest ? <ExportButtons base={`/api/v1/incidents/${i.id}`} /> : <Text size="sm">{t('incident.export.nothing')}</Text>}
                </Card>
                {i.permissions.canEdit && i.status !== 'closed' && (
                  <Card withBorder padding="md">
                    <Title order={3} size="h5" mb="xs">
                      {t('incident.import.intoDraftTitle')}
                    </Title>
                    <JsonImport
                      path={`/api/v1/incidents/${i.id}/import`}
                      help={t('incident.import.intoDraftHelp')}
                      onDone={() => {
                        incident.reload()
                        setEditorKey((k) => k + 1)
                      }}
                    />
                  </Card>
                )}
              </Stack>
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md" style={{ position: 'sticky', top: 72, maxHeight: 'calc(100vh - 90px)', overflowY: 'auto' }}>
            {i.draft && i.draft.problems.length > 0 && (
              <Card withBorder padding="md" data-testid="draft-problems">
                <Title order={3} size="h5" mb={4}>
                  {t('incident.form.missing', { phase: t(`incident.phase.${i.draft.phase}`) })}
                </Title>
                <List size="sm" spacing={2}>
                  {i.draft.problems.map((p, n) => (
                    <List.Item key={n}>{pick(p.message, lang)}</List.Item>
                  ))}
                </List>
              </Card>
            )}
            {classification && <ClassificationPanel classification={classification} live={Boolean(i.draft)} />}
            <DeadlinesPanel deadlines={i.deadlines} />
            {(i.acknowledgements.length > 0 || i.severityOverrides.length > 0) && (
              <Card withBorder padding="md" data-testid="receipts">
                <Title order={3} size="h5" mb="xs">
                  {t('incident.receipts')}
                </Title>
                <Stack gap={4}>
                  {i.acknowledgements.map((a, n) => (
                    <Text key={n} size="sm">
                      {t('incident.acknowledgedBy', { org: pick(a.supervisor.name, lang), n: a.version, at: formatDateTime(a.acknowledgedAt, lang) })}
                    </Text>
                  ))}
                  {i.severityOverrides.map((o, n) => (
                    <Text key={`o${n}`} size="sm">
                      {t('incident.overriddenBy', { org: pick(o.supervisor.name, lang), severity: labelOf(vocab?.severities, o.severity, lang), reason: o.reason })}
                    </Text>
                  ))}
                </Stack>
              </Card>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Modal opened={discarding} onClose={() => setDiscarding(false)} title={t('incident.form.discard')}>
        <Stack>
          <Text size="sm">{i.versions.length === 0 ? t('incident.form.discardAll') : t('incident.form.discardConfirm')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDiscarding(false)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={() => void discard()}>
              {t('common.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}

interface UploadRow {
  key: number
  name: string
  fraction: number
  abort: () => void
}

function AttachmentsPanel({ incident, onChanged }: { incident: IncidentDetail; onChanged: () => void }) {
  const { t } = useTranslation()
  const [uploads, setUploads] = useState<UploadRow[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  const canAttach = incident.permissions.canEdit && incident.status !== 'closed'

  function start(file: File) {
    const key = ++uploadSequence
    const setFraction = (fraction: number) => setUploads((rows) => rows.map((r) => (r.key === key ? { ...r, fraction } : r)))
    const upload = uploadFile<AttachmentEntry>(`/api/v1/incidents/${incident.id}/attachments`, file, setFraction)
    setUploads((rows) => [...rows, { key, name: file.name, fraction: 0, abort: upload.abort }])
    upload.promise
      .then(() => {
        notifySuccess(t('incident.attachments.uploaded', { name: file.name }))
        onChanged()
      })
      .catch((reason: unknown) => {
        const apiError = asApiError(reason)
        if (apiError.code !== 'aborted') setError(apiError)
      })
      .finally(() => setUploads((rows) => rows.filter((r) => r.key !== key)))
  }

  async function remove(a: AttachmentEntry) {
    setError(null)
    try {
      await api.delete(`/api/v1/incident-attachments/${a.id}`)
      onChanged()
    } catch (reason) {
      setError(asApiError(reason))
    }
  }

  return (
    <Card withBorder padding="md" data-testid="attachments">
      <Title order={3} size="h5" mb="xs">
        {t('incident.attachments.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('incident.attachments.help')}
      </Text>
      <Stack gap="sm">
        <ErrorAlert error={error} onClose={() => setError(null)} />
        <AttachmentTable attachments={incident.attachments} downloadPath={(id) => `/api/v1/incident-attachments/${id}/download`} onDelete={canAttach ? (a) => void remove(a) : undefined} />
        {uploads.map((u) => (
          <Group key={u.key} gap="xs" wrap="nowrap" data-testid="upload-progress">
            <Text size="xs" w={200} truncate="end">
              {u.name}
            </Text>
            <Progress value={u.fraction * 100} style={{ flex: 1 }} aria-label={t('incident.attachments.uploading', { name: u.name })} animated striped />
            <Text size="xs" w={40} ta="right">
              {Math.round(u.fraction * 100)}%
            </Text>
            <CloseButton size="sm" onClick={u.abort} aria-label={t('incident.attachments.cancel', { name: u.name })} />
          </Group>
        ))}
        {canAttach && (
          <Dropzone onDrop={(files) => files.forEach(start)} multiple p="sm" inputProps={{ 'aria-label': t('incident.attachments.choose') }}>
            <Group justify="center" gap="sm" mih={44} style={{ pointerEvents: 'none' }}>
              <IconFileUpload size={22} color="var(--mantine-color-dimmed)" />
              <div>
                <Text size="sm">{t('incident.attachments.drop')}</Text>
                <Text size="xs" c="dimmed">
                  {t('incident.attachments.dropHelp')}
                </Text>
              </div>
            </Group>
          </Dropzone>
        )}
      </Stack>
    </Card>
  )
}
