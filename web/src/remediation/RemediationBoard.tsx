import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Card,
  Group,
  Menu,
  Modal,
  MultiSelect,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Tooltip,
} from '@mantine/core'
import { IconAlertTriangle, IconArrowsRightLeft, IconCalendar, IconDotsVertical, IconPencil, IconPlus, IconTrash, IconUser } from '@tabler/icons-react'
import { useEffect, useMemo, useState, type DragEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { api, ApiError } from '../api'
import { allItems } from '../assessment/catalog'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDate, todayIso } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifyError, notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { ACTION_STATUSES, type ActionInput, type ActionStatus, type Catalog, type RemediationAction } from '../types'

const COLUMN_COLOR: Record<ActionStatus, string> = { open: 'gray', in_progress: 'blue', done: 'teal', cancelled: 'dark' }

export function isOverdue(action: RemediationAction, today = todayIso()): boolean {
  return action.dueDate !== null && action.dueDate < today && (action.status === 'open' || action.status === 'in_progress')
}

type Editing = { mode: 'create'; itemRefs: string[] } | { mode: 'edit'; action: RemediationAction }

/** 改善計画: the remediation actions of an assessment in columns by status. */
export function RemediationBoard({ assessmentId, canPlan, catalog }: { assessmentId: string; canPlan: boolean; catalog: Catalog }) {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const actions = useQuery<RemediationAction[]>(`/api/v1/assessments/${assessmentId}/actions`)
  const [editing, setEditing] = useState<Editing | null>(null)
  const [dragging, setDragging] = useState<string | null>(null)
  const itemTitles = useMemo(() => new Map(allItems(catalog).map((i) => [i.ref, i])), [catalog])

  // Arriving from an item ("改善策を作成"): open the form with the item linked.
  const newFor = params.get('newFor')
  useEffect(() => {
    if (!newFor || !canPlan) return
    setEditing({ mode: 'create', itemRefs: [newFor] })
    setParams(
      (current) => {
        const next = new URLSearchParams(current)
        next.delete('newFor')
        return next
      },
      { replace: true },
    )
  }, [newFor, canPlan, setParams])

  async function move(action: RemediationAction, status: ActionStatus) {
    if (action.status === status) return
    actions.setData((list) => (list ?? []).map((a) => (a.id === action.id ? { ...a, status } : a)))
    try {
      const saved = await api.patch<RemediationAction>(`/api/v1/remediation-actions/${action.id}`, { status })
      actions.setData((list) => (list ?? []).map((a) => (a.id === saved.id ? saved : a)))
      notifySuccess(t('remediation.moved', { title: action.title, status: t(`actionStatus.${status}`) }))
    } catch (reason) {
      notifyError(reason)
      actions.reload()
    }
  }

  async function remove(action: RemediationAction) {
    try {
      await api.delete(`/api/v1/remediation-actions/${action.id}`)
      actions.setData((list) => (list ?? []).filter((a) => a.id !== action.id))
      notifySuccess(t('remediation.deleted', { title: action.title }))
    } catch (reason) {
      notifyError(reason)
    }
  }

  function saved(action: RemediationAction) {
    actions.setData((list) => {
      const current = list ?? []
      return current.some((a) => a.id === action.id) ? current.map((a) => (a.id === action.id ? action : a)) : [...current, action]
    })
    setEditing(null)
  }

  if (actions.error) return <ErrorAlert error={actions.error} />
  if (!actions.data) return <PageLoader />
  const list = actions.data
  const today = todayIso()
  const overdue = list.filter((a) => isOverdue(a, today)).length

  return (
    <Stack gap="sm" data-testid="remediation-board">
      <Group justify="space-between">
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('remediation.summary', { count: list.length })}
          </Text>
          {overdue > 0 && (
            <Badge color="red" variant="light" leftSection={<IconAlertTriangle size={12} />}>
              {t('remediation.overdueCount', { count: overdue })}
            </Badge>
          )}
        </Group>
        {canPlan && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ mode: 'create', itemRefs: [] })}>
            {t('remediation.new')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
        {ACTION_STATUSES.map((status) => {
          const column = list.filter((a) => a.status === status).sort(byDueDate)
          return (
            <Paper
              key={status}
              withBorder
              p="xs"
              bg="gray.1"
              role="region"
              aria-label={t(`actionStatus.${status}`)}
              data-status-column={status}
              onDragOver={(event: DragEvent) => canPlan && dragging && event.preventDefault()}
              onDrop={(event: DragEvent) => {
                event.preventDefault()
                const action = list.find((a) => a.id === dragging)
                if (action) void move(action, status)
                setDragging(null)
              }}
            >
              <Group justify="space-between" mb="xs" px={4}>
                <Group gap={6}>
                  <Box w={10} h={10} bg={`${COLUMN_COLOR[status]}.6`} style={{ borderRadius: 99 }} />
                  <Text fw={600} size="sm">
                    {t(`actionStatus.${status}`)}
                  </Text>
                </Group>
                <Badge size="sm" variant="white" color="gray">
                  {column.length}
                </Badge>
              </Group>
              <ScrollArea.Autosize mah="calc(100dvh - 300px)" type="auto">
                <Stack gap="xs" mih={60}>
                  {column.map((action) => (
                    <ActionCard
                      key={action.id}
                      action={action}
                      canPlan={canPlan}
                      overdue={isOverdue(action, today)}
                      itemTitle={(ref) => itemTitles.get(ref)}
                      onMove={(to) => void move(action, to)}
                      onEdit={() => setEditing({ mode: 'edit', action })}
                      onDelete={() => void remove(action)}
                      onDragStart={() => setDragging(action.id)}
                    />
                  ))}
                  {column.length === 0 && (
                    <Text size="xs" c="dimmed" ta="center" py="sm">
                      {t('remediation.emptyColumn')}
                    </Text>
                  )}
                </Stack>
              </ScrollArea.Autosize>
            </Paper>
          )
        })}
      </SimpleGrid>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.mode === 'edit' ? t('remediation.edit') : t('remediation.new')}
        size="lg"
      >
        {editing && <ActionForm assessmentId={assessmentId} catalog={catalog} editing={editing} onSaved={saved} onCancel={() => setEditing(null)} />}
      </Modal>
    </Stack>
  )
}

function byDueDate(a: RemediationAction, b: RemediationAction) {
  return (a.dueDate ?? '9999-99-99').localeCompare(b.dueDate ?? '9999-99-99') || a.title.localeCompare(b.title)
}

function ActionCard({
  action,
  canPlan,
  overdue,
  itemTitle,
  onMove,
  onEdit,
  onDelete,
  onDragStart,
}: {
  action: RemediationAction
  canPlan: boolean
  overdue: boolean
  itemTitle: (ref: string) => { title: { ja: string; en: string } } | undefined
  onMove: (status: ActionStatus) => void
  onEdit: () => void
  onDelete: () => void
  onDragStart: () => void
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const [confirming, setConfirming] = useState(false)
  return (
    <Card
      withBorder
      padding="xs"
      radius="sm"
      draggable={canPlan}
      onDragStart={(event: DragEvent) => {
        event.dataTransfer.setData('text/plain', action.id)
        onDragStart()
      }}
      style={{ borderColor: overdue ? 'var(--mantine-color-red-5)' : undefined, cursor: canPlan ? 'grab' : undefined }}
      data-testid="action-card"
      data-overdue={overdue || undefined}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap={4}>
        <Text size="sm" fw={600} lh={1.35}>
          {action.title}
        </Text>
        {canPlan && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" size="sm" color="gray" aria-label={t('remediation.menu', { title: action.title })}>
                <IconDotsVertical size={14} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconPencil size={14} />} onClick={onEdit}>
                {t('common.edit')}
              </Menu.Item>
              <Menu.Label>
                <Group gap={4}>
                  <IconArrowsRightLeft size={12} />
                  {t('remediation.moveTo')}
                </Group>
              </Menu.Label>
              {ACTION_STATUSES.filter((s) => s !== action.status).map((status) => (
                <Menu.Item key={status} onClick={() => onMove(status)} pl="lg">
                  {t(`actionStatus.${status}`)}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setConfirming(true)}>
                {t('common.delete')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      {action.description && (
        <Text size="xs" c="dimmed" lineClamp={3} mt={2} style={{ whiteSpace: 'pre-wrap' }}>
          {action.description}
        </Text>
      )}
      <Group gap={6} mt={6}>
        {action.owner && (
          <Group gap={2}>
            <IconUser size={12} aria-hidden />
            <Text size="xs" aria-label={t('remediation.owner')}>
              {action.owner}
            </Text>
          </Group>
        )}
        {action.dueDate && (
          <Badge
            size="sm"
            variant={overdue ? 'filled' : 'light'}
            color={overdue ? 'red' : 'gray'}
            leftSection={overdue ? <IconAlertTriangle size={11} /> : <IconCalendar size={11} />}
            tt="none"
          >
            {overdue ? t('remediation.overdueOn', { date: formatDate(action.dueDate, lang) }) : t('remediation.dueOn', { date: formatDate(action.dueDate, lang) })}
          </Badge>
        )}
      </Group>
      {action.itemRefs.length > 0 && (
        <Group gap={4} mt={6}>
          {action.itemRefs.map((ref) => (
            <Tooltip key={ref} label={pick(itemTitle(ref)?.title, lang) || ref}>
              <Badge size="xs" variant="outline" tt="none">
                {ref}
              </Badge>
            </Tooltip>
          ))}
        </Group>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('remediation.deleteTitle')}>
        <Stack>
          <Text size="sm">{t('remediation.deleteConfirm', { title: action.title })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              onClick={() => {
                setConfirming(false)
                onDelete()
              }}
            >
              {t('common.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  )
}

function ActionForm({
  assessmentId,
  catalog,
  editing,
  onSaved,
  onCancel,
}: {
  assessmentId: string
  catalog: Catalog
  editing: Editing
  onSaved: (action: RemediationAction) => void
  onCancel: () => void
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const initial = editing.mode === 'edit' ? editing.action : null
  const [title, setTitle] = useState(initial?.title ?? '')
  const [description, setDescription] = useState(initial?.description ?? '')
  const [owner, setOwner] = useState(initial?.owner ?? '')
  const [dueDate, setDueDate] = useState(initial?.dueDate ?? '')
  const [status, setStatus] = useState<ActionStatus>(initial?.status ?? 'open')
  const [itemRefs, setItemRefs] = useState<string[]>(initial?.itemRefs ?? (editing.mode === 'create' ? editing.itemRefs : []))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const itemOptions = useMemo(() => allItems(catalog).map((i) => ({ value: i.ref, label: `${i.ref} ${pick(i.title, lang)}` })), [catalog, lang])

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    const body: ActionInput = {
      title: title.trim(),
      description: description.trim() || null,
      owner: owner.trim() || null,
      dueDate: dueDate || null,
      status,
      itemRefs,
    }
    try {
      const saved = initial
        ? await api.patch<RemediationAction>(`/api/v1/remediation-actions/${initial.id}`, body)
        : await api.post<RemediationAction>(`/api/v1/assessments/${assessmentId}/actions`, body)
      notifySuccess(initial ? t('remediation.updated', { title: saved.title }) : t('remediation.created', { title: saved.title }))
      onSaved(saved)
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} />
        <TextInput label={t('remediation.titleField')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={300} data-autofocus />
        <Textarea label={t('remediation.description')} autosize minRows={3} maxRows={8} value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={4000} />
        <Group grow align="flex-start">
          <TextInput label={t('remediation.owner')} value={owner} onChange={(e) => setOwner(e.currentTarget.value)} maxLength={200} />
          <TextInput label={t('remediation.dueDate')} type="date" value={dueDate} onChange={(e) => setDueDate(e.currentTarget.value)} />
          <Select
            label={t('remediation.status')}
            data={ACTION_STATUSES.map((s) => ({ value: s, label: t(`actionStatus.${s}`) }))}
            value={status}
            onChange={(v) => v && setStatus(v as ActionStatus)}
            allowDeselect={false}
          />
        </Group>
        <MultiSelect
          label={t('remediation.items')}
          description={t('remediation.itemsHelp')}
          data={itemOptions}
          value={itemRefs}
          onChange={setItemRefs}
          searchable
          clearable
          maxDropdownHeight={260}
          nothingFoundMessage={t('common.nothingFound')}
          comboboxProps={{ withinPortal: true }}
        />
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy} disabled={!title.trim()}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}
