import { Alert, Anchor, Badge, Button, Card, Group, Modal, Progress, Radio, Select, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconAlertCircle, IconFileImport, IconPlus, IconSend } from '@tabler/icons-react'
import { useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { api, ApiError, uploadFile } from '../api'
import { useSession } from '../auth/session'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { fromLocalInput, labelOf, NextDue, OverdueBadge, PhaseBadge, SeverityBadge, toLocalInput, useVocabulary } from './shared'
import type { IncidentDetail, IncidentListEntry } from './types'

export function canReport(role: string | undefined) {
  return role === 'admin' || role === 'editor'
}

/** インシデント報告: the institution's incidents, with the next report due and overdue ones flagged. */
export function IncidentListPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { membership } = useSession()
  const vocab = useVocabulary()
  const list = useQuery<IncidentListEntry[]>('/api/v1/incidents')
  const [creating, { open, close }] = useDisclosure(false)
  const [importing, importModal] = useDisclosure(false)
  const mayReport = canReport(membership?.role)

  return (
    <Stack gap="md" maw={1280}>
      <Group justify="space-between">
        <div>
          <Title order={1} size="h2">
            {t('incident.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('incident.intro')}
          </Text>
        </div>
        {mayReport && (
          <Group gap="xs">
            <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={importModal.open}>
              {t('incident.import.button')}
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={open} color="red">
              {t('incident.new')}
            </Button>
          </Group>
        )}
      </Group>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data ? (
        <PageLoader />
      ) : list.data && list.data.length === 0 ? (
        <Card withBorder padding="xl">
          <Text>{t('incident.empty')}</Text>
        </Card>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={1000}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" data-testid="incident-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={130}>{t('incident.reference')}</Table.Th>
                  <Table.Th>{t('incident.field.title')}</Table.Th>
                  <Table.Th w={150}>{t('incident.field.category')}</Table.Th>
                  <Table.Th w={120}>{t('incident.phaseLabel')}</Table.Th>
                  <Table.Th w={120}>{t('incident.severity')}</Table.Th>
                  <Table.Th w={150}>{t('incident.field.detectedAt')}</Table.Th>
                  <Table.Th w={200}>{t('incident.nextDue')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(list.data ?? []).map((i) => (
                  <Table.Tr key={i.id} data-testid="incident-row">
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {i.reference}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/incidents/${i.id}`} fw={600}>
                        {i.title ?? t('incident.untitled')}
                      </Anchor>
                      <Group gap={4} mt={2}>
                        {i.draft && (
                          <Badge size="xs" variant="outline" color="gray" tt="none">
                            {t('incident.draftOf', { phase: t(`incident.phase.${i.draft.phase}`) })}
                          </Badge>
                        )}
                        {i.awaitingReply && (
                          <Badge size="xs" color="grape" variant="light" tt="none">
                            {t('incident.awaitingReply')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{labelOf(vocab?.categories, i.category, lang)}</Table.Td>
                    <Table.Td>
                      {i.latestPhase ? <PhaseBadge phase={i.latestPhase} /> : <Text size="sm" c="dimmed">{t('incident.notSubmitted')}</Text>}
                    </Table.Td>
                    <Table.Td>
                      <SeverityBadge severity={i.severity} vocab={vocab} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(i.detectedAt, lang)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {i.status === 'closed' ? (
                        <Badge color="teal" variant="light" tt="none">
                          {t('incident.closed')}
                        </Badge>
                      ) : (
                        <NextDue next={i.next} />
                      )}
                      {i.overdue && !i.next?.overdue && <OverdueBadge />}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {vocab && (
        <Text size="xs" c="dimmed">
          {t('incident.ruleSetNote', { title: pick(vocab.ruleSet.title, lang) })}
        </Text>
      )}
      <InitialReportModal opened={creating} onClose={close} />
      <ImportModal opened={importing} onClose={importModal.close} onImported={list.reload} />
    </Stack>
  )
}

/** 第一報: what is known now, in under a minute. Everything else can follow in the next reports. */
function InitialReportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const vocab = useVocabulary()
  const { session } = useSession()
  const [title, setTitle] = useState('')
  const [detectedAt, setDetectedAt] = useState(() => toLocalInput(new Date().toISOString()))
  const [category, setCategory] = useState<string | null>(null)
  const [services, setServices] = useState<string[]>([])
  const [customers, setCustomers] = useState<string>('')
  const [status, setStatus] = useState<string | null>('investigating')
  const [contactName, setContactName] = useState(session?.user?.displayName ?? '')
  const [contactPhone, setContactPhone] = useState('')
  const [contactEmail, setContactEmail] = useState(session?.user?.email ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  const problemFor = (field: string) => error?.details.find((d) => d.path.endsWith(`.${field}`))?.message

  async function submit(event: FormEvent, send: boolean) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const created = await api.post<IncidentDetail>('/api/v1/incidents', {
        submit: send,
        content: {
          title,
          detectedAt: fromLocalInput(detectedAt),
          category,
          affectedServices: services,
          customersAffected: customers || null,
          currentStatus: status,
          contact: { name: contactName, phone: contactPhone || null, email: contactEmail || null },
        },
      })
      onClose()
      void navigate(`/incidents/${created.id}`)
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('incident.initial.title')} size="lg">
      <form onSubmit={(e) => void submit(e, true)}>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('incident.initial.help')}
          </Text>
          <TextInput label={t('incident.field.title')} placeholder={t('incident.initial.titlePlaceholder')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required error={problemFor('title')} data-autofocus />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput type="datetime-local" label={t('incident.field.detectedAt')} value={detectedAt} onChange={(e) => setDetectedAt(e.currentTarget.value)} required error={problemFor('detectedAt')} />
            <Select
              label={t('incident.field.category')}
              data={(vocab?.categories ?? []).map((c) => ({ value: c.id, label: pick(c.label, lang) }))}
              value={category}
              onChange={setCategory}
              required
              searchable
              error={problemFor('category')}
            />
          </SimpleGrid>
          <TagsInput
            label={t('incident.field.affectedServices')}
            description={t('incident.field.affectedServicesHelp')}
            value={services}
            onChange={setServices}
            required
            error={problemFor('affectedServices')}
            acceptValueOnBlur
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Radio.Group role="group" aria-label={t('incident.field.customersAffected')} label={t('incident.field.customersAffected')} value={customers} onChange={setCustomers} required error={problemFor('customersAffected')}>
              <Group gap="md" mt={6}>
                {(vocab?.yesNoUnknown ?? []).map((o) => (
                  <Radio key={o.id} value={o.id} label={pick(o.label, lang)} />
                ))}
              </Group>
            </Radio.Group>
            <Select
              label={t('incident.field.currentStatus')}
              data={(vocab?.currentStatuses ?? []).map((c) => ({ value: c.id, label: pick(c.label, lang) }))}
              value={status}
              onChange={setStatus}
              required
              error={problemFor('currentStatus')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label={t('incident.field.contactName')} value={contactName} onChange={(e) => setContactName(e.currentTarget.value)} required error={problemFor('contact.name')} />
            <TextInput label={t('incident.field.contactPhone')} value={contactPhone} onChange={(e) => setContactPhone(e.currentTarget.value)} error={problemFor('contact.phone')} />
            <TextInput label={t('incident.field.contactEmail')} value={contactEmail} onChange={(e) => setContactEmail(e.currentTarget.value)} error={problemFor('contact.email')} />
          </SimpleGrid>
          {error && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              <Text size="sm">{error.message}</Text>
            </Alert>
          )}
          <Group justify="space-between" mt="xs">
            <Button variant="subtle" onClick={(e) => void submit(e, false)} disabled={busy}>
              {t('incident.initial.saveDraft')}
            </Button>
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={busy} leftSection={<IconSend size={16} />}>
                {t('incident.initial.submit')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/** A FIRE JSON file as new incidents (draft initial reports); a bad file changes nothing and says where. */
function ImportModal({ opened, onClose, onImported }: { opened: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation()
  return (
    <Modal opened={opened} onClose={onClose} title={t('incident.import.title')} size="lg">
      <JsonImport path="/api/v1/incidents/import" help={t('incident.import.help')} onDone={onImported} />
    </Modal>
  )
}

export function JsonImport({ path, help, onDone }: { path: string; help: string; onDone: () => void }) {
  const { t } = useTranslation()
  const input = useRef<HTMLInputElement>(null)
  const [progress, setProgress] = useState<number | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState<string | null>(null)

  function start(file: File) {
    setError(null)
    setDone(null)
    setProgress(0)
    uploadFile<unknown>(path, file, setProgress)
      .promise.then(() => {
        setDone(file.name)
        onDone()
      })
      .catch((reason: unknown) => setError(asApiError(reason)))
      .finally(() => setProgress(null))
  }

  return (
    <Stack gap="sm" data-testid="json-import">
      <Text size="sm" c="dimmed">
        {help}
      </Text>
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label={t('incident.import.choose')}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          if (file) start(file)
          e.currentTarget.value = ''
        }}
      />
      <Group>
        <Button variant="light" leftSection={<IconFileImport size={16} />} onClick={() => input.current?.click()} loading={progress !== null}>
          {t('incident.import.choose')}
        </Button>
      </Group>
      {progress !== null && <Progress value={progress * 100} animated aria-label={t('incident.import.uploading')} />}
      {done && (
        <Alert color="teal" variant="light" data-testid="import-done">
          {t('incident.import.done', { name: done })}
        </Alert>
      )}
      {error && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={t('incident.import.refused')} role="alert" data-testid="import-errors">
          <Text size="sm" mb={error.details.length ? 'xs' : 0}>
            {error.message}
          </Text>
          {error.details.length > 0 && (
            <Table.ScrollContainer minWidth={400} mah={300}>
              <Table verticalSpacing={3} fz="sm" withTableBorder bg="white">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={220}>{t('incident.import.where')}</Table.Th>
                    <Table.Th>{t('incident.import.problem')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {error.details.map((detail, index) => (
                    <Table.Tr key={`${detail.path}-${index}`}>
                      <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                        {detail.path}
                      </Table.Td>
                      <Table.Td>{detail.message}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Alert>
      )}
    </Stack>
  )
}
