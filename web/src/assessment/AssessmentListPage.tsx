import { Anchor, Button, Card, Group, Modal, Progress, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { IconPlus } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { api, ApiError } from '../api'
import { useSession } from '../auth/session'
import { StatusBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime, percent, percentValue } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import type { AssessmentDetail, AssessmentSummary, CatalogSummary } from '../types'

export function canCreateAssessments(role: string | undefined) {
  return role === 'admin' || role === 'editor'
}

export function AssessmentListPage() {
  const { t } = useTranslation()
  const lang = useLang()
  const { membership } = useSession()
  const list = useQuery<AssessmentSummary[]>('/api/v1/assessments')
  const [creating, { open, close }] = useDisclosure(false)

  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between">
        <Title order={1} size="h2">
          {t('assessments.title')}
        </Title>
        {canCreateAssessments(membership?.role) && (
          <Button leftSection={<IconPlus size={16} />} onClick={open}>
            {t('assessments.new')}
          </Button>
        )}
      </Group>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data ? (
        <PageLoader />
      ) : list.data && list.data.length === 0 ? (
        <Card withBorder padding="xl">
          <Stack align="flex-start" gap="sm">
            <Text>{t('assessments.empty')}</Text>
            {canCreateAssessments(membership?.role) && (
              <Button leftSection={<IconPlus size={16} />} onClick={open}>
                {t('assessments.new')}
              </Button>
            )}
          </Stack>
        </Card>
      ) : (
        <Card withBorder padding={0}>
          <Table.ScrollContainer minWidth={900}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('assessments.name')}</Table.Th>
                  <Table.Th>{t('assessments.catalog')}</Table.Th>
                  <Table.Th w={80}>{t('assessments.version')}</Table.Th>
                  <Table.Th w={110}>{t('assessments.status')}</Table.Th>
                  <Table.Th w={170}>{t('assessments.progress')}</Table.Th>
                  <Table.Th w={100}>{t('assessments.score')}</Table.Th>
                  <Table.Th w={170}>{t('assessments.updatedAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(list.data ?? []).map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/assessments/${a.id}`} fw={600}>
                        {a.title}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{pick(a.catalog.title, lang)}</Text>
                      <Text size="xs" c="dimmed">
                        {a.catalog.key} {a.catalog.version}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t('assessments.versionN', { n: a.version })}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={a.status} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={8} wrap="nowrap">
                        <Progress value={percentValue(a.progress)} w={90} aria-label={t('assessments.progress')} />
                        <Text size="sm">{percent(a.progress)}</Text>
                      </Group>
                    </Table.Td>
                    <Table.Td>{percent(a.score)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(a.updatedAt, lang)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <NewAssessmentModal opened={creating} onClose={close} />
    </Stack>
  )
}

export function NewAssessmentModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const catalogs = useQuery<CatalogSummary[]>(opened ? '/api/v1/catalogs' : null)
  const [catalogId, setCatalogId] = useState<string | null>(null)
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  const chosen = catalogs.data?.find((c) => c.id === catalogId)

  function choose(id: string | null) {
    setCatalogId(id)
    const catalog = catalogs.data?.find((c) => c.id === id)
    if (catalog && !title.trim()) {
      setTitle(t('assessments.defaultTitle', { year: new Date().getFullYear(), catalog: pick(catalog.title, lang) }))
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!catalogId) return
    setBusy(true)
    setError(null)
    try {
      const created = await api.post<AssessmentDetail>('/api/v1/assessments', { catalogId, title: title.trim() })
      onClose()
      navigate(`/assessments/${created.id}`)
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('assessments.new')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={error ?? catalogs.error} />
          <Select
            label={t('assessments.catalog')}
            placeholder={t('assessments.chooseCatalog')}
            required
            data={(catalogs.data ?? []).map((c) => ({ value: c.id, label: `${pick(c.title, lang)} (${c.version})` }))}
            value={catalogId}
            onChange={choose}
            comboboxProps={{ withinPortal: true }}
            nothingFoundMessage={t('common.loading')}
          />
          {chosen && (
            <Text size="xs" c="dimmed">
              {t('assessments.catalogInfo', { key: chosen.key, count: chosen.itemCount })}
            </Text>
          )}
          <TextInput label={t('assessments.name')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={200} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} disabled={!catalogId || !title.trim()}>
              {t('assessments.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}
