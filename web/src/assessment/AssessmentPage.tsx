import { Alert, Badge, Box, Button, Group, Progress, Stack, Tabs, Text, Title, Tooltip } from '@mantine/core'
import { IconAlertTriangle, IconArrowBackUp, IconCircleCheck, IconLoader2, IconLock } from '@tabler/icons-react'
import { lazy, Suspense, useCallback, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, useNavigate, useParams } from 'react-router'
import { StatusBadge } from '../common/badges'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { pick } from '../i18n'
import { RemediationBoard } from '../remediation/RemediationBoard'
import type { AssessmentDetail, Evidence, ItemPatch, ItemState } from '../types'
import { AnswerWorkspace } from './AnswerWorkspace'
import { allItems, progressOf, useCatalog } from './catalog'
import { ExchangePanel } from './ExchangePanel'
import { SignOffPanel } from './SignOffPanel'
import { useItemSaver, type ItemSaver } from './useItemSaver'

// The charts library is large: load it only when the scores are opened.
const ScoresPanel = lazy(() => import('./ScoresPanel').then((module) => ({ default: module.ScoresPanel })))

export const ASSESSMENT_TABS = ['answers', 'scores', 'signoff', 'remediation', 'exchange'] as const
export type AssessmentTab = (typeof ASSESSMENT_TABS)[number]

/** One self-assessment: answering, scores, sign-off and versions, remediation plan, XLSX. */
export function AssessmentPage() {
  const { id = '', tab } = useParams()
  if (tab && !(ASSESSMENT_TABS as readonly string[]).includes(tab)) return <Navigate to={`/assessments/${id}`} replace />
  // A new id (e.g. after reopening) starts a fresh workspace with its own autosave.
  return <AssessmentView key={id} id={id} tab={(tab as AssessmentTab | undefined) ?? 'answers'} />
}

function AssessmentView({ id, tab }: { id: string; tab: AssessmentTab }) {
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const detail = useQuery<AssessmentDetail>(`/api/v1/assessments/${id}`)
  const itemsQuery = useQuery<ItemState[]>(`/api/v1/assessments/${id}/items`)
  const evidenceQuery = useQuery<Evidence[]>(`/api/v1/assessments/${id}/evidence`)
  const { catalog, error: catalogError } = useCatalog(detail.data?.catalog.id)
  const [states, setStates] = useState<Map<string, ItemState>>(new Map())
  // The answers as loaded (and after an import, reloaded) become the local state in the same render,
  // so the workspace never starts from an empty map.
  const [loadedItems, setLoadedItems] = useState<ItemState[] | undefined>(undefined)
  if (itemsQuery.data !== loadedItems) {
    setLoadedItems(itemsQuery.data)
    if (itemsQuery.data) setStates(new Map(itemsQuery.data.map((s) => [s.ref, s])))
  }

  const saver = useItemSaver(
    id,
    useCallback((saved: ItemState, stillPending: ItemPatch) => {
      setStates((current) => {
        const next = new Map(current)
        const local = current.get(saved.ref)
        // Fields edited again while this save was under way keep their local value.
        next.set(saved.ref, { ...saved, evidenceCount: local?.evidenceCount ?? saved.evidenceCount, ...stillPending })
        return next
      })
    }, []),
  )

  const edit = useCallback(
    (ref: string, patch: ItemPatch, delayMs: number, send: ItemPatch | null = patch) => {
      setStates((current) => {
        const previous = current.get(ref)
        if (!previous) return current
        const next = new Map(current)
        next.set(ref, { ...previous, ...patch })
        return next
      })
      if (send) saver.schedule(ref, send, delayMs)
    },
    [saver],
  )

  const setEvidence = evidenceQuery.setData
  const evidenceChanged = useCallback(
    (ref: string, change: { added?: Evidence; removedId?: string }) => {
      setEvidence((list) => {
        const current = list ?? []
        if (change.added) return [...current, change.added]
        return current.filter((e) => e.id !== change.removedId)
      })
      setStates((current) => {
        const state = current.get(ref)
        if (!state) return current
        const next = new Map(current)
        next.set(ref, { ...state, evidenceCount: Math.max(0, state.evidenceCount + (change.added ? 1 : -1)) })
        return next
      })
    },
    [setEvidence],
  )

  const overall = useMemo(() => (catalog ? progressOf(allItems(catalog), states) : null), [catalog, states])

  if (detail.error) return <ErrorAlert error={detail.error} />
  if (!detail.data || !catalog || !itemsQuery.data || loadedItems !== itemsQuery.data) {
    return (
      <Stack>
        <ErrorAlert error={catalogError ?? itemsQuery.error} />
        {!catalogError && !itemsQuery.error && <PageLoader />}
      </Stack>
    )
  }
  const assessment = detail.data

  const changeTab = (value: string | null) => {
    if (!value) return
    saver.flushAll()
    navigate(value === 'answers' ? `/assessments/${id}` : `/assessments/${id}/${value}`)
  }

  return (
    <Box
      style={{
        height: 'calc(100dvh - var(--app-shell-header-height, 56px) - 2 * var(--mantine-spacing-md))',
        display: 'flex',
        flexDirection: 'column',
        minHeight: 480,
      }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb={6} gap="md">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Title order={1} size="h3" lineClamp={1} data-testid="assessment-title" title={assessment.title} style={{ minWidth: 0 }}>
              {assessment.title}
            </Title>
            <Badge variant="default" size="sm" style={{ flexShrink: 0 }} tt="none">
              {t('assessments.versionN', { n: assessment.version })}
            </Badge>
            <Box style={{ flexShrink: 0 }}>
              <StatusBadge status={assessment.status} />
            </Box>
          </Group>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {pick(assessment.catalog.title, lang)} ({assessment.catalog.version}) · {t('assessments.updatedAt')}{' '}
            {formatDateTime(assessment.updatedAt, lang)}
          </Text>
        </Stack>
        <Group gap="md" wrap="nowrap">
          <SaveIndicator saver={saver} />
          {overall && (
            <Tooltip label={t('workspace.progressHelp')}>
              <Stack gap={2} w={170}>
                <Text size="xs" c="dimmed">
                  {t('workspace.answeredOf', { answered: overall.answered, total: overall.total })}
                </Text>
                <Progress
                  value={overall.total ? (overall.answered / overall.total) * 100 : 0}
                  aria-label={t('assessments.progress')}
                  size="sm"
                />
              </Stack>
            </Tooltip>
          )}
        </Group>
      </Group>
      <StatusBanner assessment={assessment} onSignOff={() => changeTab('signoff')} />
      {saver.failure && (
        <Box mb={6}>
          <ErrorAlert error={saver.failure.error} title={t('workspace.saveFailed', { ref: saver.failure.ref })} />
        </Box>
      )}
      <Tabs value={tab} onChange={changeTab} keepMounted={false} style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        <Tabs.List>
          <Tabs.Tab value="answers">{t('workspace.tabs.answers')}</Tabs.Tab>
          <Tabs.Tab value="scores">{t('workspace.tabs.scores')}</Tabs.Tab>
          <Tabs.Tab value="signoff">{t('workspace.tabs.signoff')}</Tabs.Tab>
          <Tabs.Tab value="remediation">{t('workspace.tabs.remediation')}</Tabs.Tab>
          <Tabs.Tab value="exchange">{t('workspace.tabs.exchange')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="answers" style={{ flex: 1, minHeight: 0 }} pt="sm">
          <AnswerWorkspace
            assessment={assessment}
            catalog={catalog}
            states={states}
            evidence={evidenceQuery.data ?? []}
            onEdit={edit}
            onEvidenceChanged={evidenceChanged}
          />
        </Tabs.Panel>
        <Tabs.Panel value="scores" style={{ flex: 1, minHeight: 0, overflow: 'auto' }} pt="sm">
          <Suspense fallback={<PageLoader />}>
            <ScoresPanel assessmentId={id} />
          </Suspense>
        </Tabs.Panel>
        <Tabs.Panel value="signoff" style={{ flex: 1, minHeight: 0, overflow: 'auto' }} pt="sm">
          <SignOffPanel
            assessment={assessment}
            catalog={catalog}
            progress={overall}
            onChanged={(next) => {
              detail.setData(next)
              if (next.id !== id) navigate(`/assessments/${next.id}/signoff`)
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="remediation" style={{ flex: 1, minHeight: 0, overflow: 'auto' }} pt="sm">
          <RemediationBoard assessmentId={id} canPlan={assessment.permissions.canPlan} catalog={catalog} />
        </Tabs.Panel>
        <Tabs.Panel value="exchange" style={{ flex: 1, minHeight: 0, overflow: 'auto' }} pt="sm">
          <ExchangePanel
            assessment={assessment}
            onImported={() => {
              itemsQuery.reload()
              detail.reload()
            }}
          />
        </Tabs.Panel>
      </Tabs>
    </Box>
  )
}

function SaveIndicator({ saver }: { saver: ItemSaver }) {
  const { t } = useTranslation()
  const lang = useLang()
  let content
  if (saver.status === 'saving') {
    content = (
      <Group gap={4} c="dimmed">
        <IconLoader2 size={16} className="kamae-spin" />
        <Text size="sm">{t('workspace.saving')}</Text>
      </Group>
    )
  } else if (saver.status === 'error') {
    content = (
      <Group gap={6} c="red">
        <IconAlertTriangle size={16} />
        <Tooltip label={saver.failure?.error.message ?? ''} multiline w={320}>
          <Text size="sm">{t('workspace.saveFailed', { ref: saver.failure?.ref ?? '' })}</Text>
        </Tooltip>
        <Button size="compact-xs" variant="light" color="red" onClick={saver.retry}>
          {t('common.retry')}
        </Button>
      </Group>
    )
  } else if (saver.status === 'saved') {
    content = (
      <Tooltip label={saver.savedAt ? formatDateTime(saver.savedAt.toISOString(), lang) : ''}>
        <Group gap={4} c="teal.7">
          <IconCircleCheck size={16} />
          <Text size="sm">{t('workspace.saved')}</Text>
        </Group>
      </Tooltip>
    )
  } else {
    content = null
  }
  return (
    <Box role="status" aria-live="polite" data-testid="save-state" data-state={saver.status} miw={110}>
      {content}
    </Box>
  )
}

function StatusBanner({ assessment, onSignOff }: { assessment: AssessmentDetail; onSignOff: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  if (assessment.status === 'draft' && assessment.returnedAt) {
    return (
      <Alert color="orange" icon={<IconArrowBackUp size={18} />} mb={6} py={6} title={t('workspace.returned', { at: formatDateTime(assessment.returnedAt, lang) })}>
        <Text size="sm">{assessment.returnComment || t('workspace.noComment')}</Text>
      </Alert>
    )
  }
  if (assessment.status === 'draft') return null
  return (
    <Alert color={assessment.status === 'approved' ? 'teal' : 'orange'} icon={<IconLock size={18} />} mb={6} py={6}>
      <Group justify="space-between" gap="xs">
        <Text size="sm">{assessment.status === 'approved' ? t('workspace.lockedApproved') : t('workspace.lockedInReview')}</Text>
        <Button size="compact-sm" variant="light" onClick={onSignOff}>
          {t('workspace.tabs.signoff')}
        </Button>
      </Group>
    </Alert>
  )
}
