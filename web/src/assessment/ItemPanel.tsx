import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Divider,
  Grid,
  Group,
  Kbd,
  List,
  Paper,
  Popover,
  Radio,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core'
import { IconChevronLeft, IconChevronRight, IconEraser, IconInfoCircle, IconKeyboard, IconListCheck, IconPlus } from '@tabler/icons-react'
import { useImperativeHandle, useRef, type Ref } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { ClassBadge } from '../common/badges'
import { formatDateTime } from '../common/format'
import { useLang } from '../common/hooks'
import { pick } from '../i18n'
import type { AssessmentDetail, CatalogItem, Evidence, ItemPatch, ItemState } from '../types'
import { EvidencePanel, type EvidencePanelHandle } from './EvidencePanel'
import { SHORTCUT_HELP } from './shortcuts'

export interface ItemPanelHandle {
  answer: (value: number) => void
  toggleNotApplicable: () => void
  focusComment: () => void
  include: () => void
  openUpload: () => void
}

const CROSSWALK_ORDER = ['csf', 'fisc', 'g7', 'fsb_cirr', 'bcbs', 'dora']

interface ItemPanelProps {
  ref: Ref<ItemPanelHandle>
  assessment: AssessmentDetail
  item: CatalogItem
  state: ItemState | undefined
  position: { index: number; total: number }
  evidence: Evidence[]
  onEdit: (ref: string, patch: ItemPatch, delayMs: number, send?: ItemPatch | null) => void
  onEvidenceChanged: (ref: string, change: { added?: Evidence; removedId?: string }) => void
  onPrevious?: () => void
  onNext?: () => void
  helpOpen: boolean
  onHelpChange: (open: boolean) => void
}

const TEXT_DELAY_MS = 800

/** One catalog item: what it asks, how to answer it, and its evidence. */
export function ItemPanel(props: ItemPanelProps) {
  const { ref, assessment, item, state, position, evidence, onEdit, onEvidenceChanged, onPrevious, onNext, helpOpen, onHelpChange } = props
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const commentRef = useRef<HTMLTextAreaElement>(null)
  const reasonRef = useRef<HTMLTextAreaElement>(null)
  const evidencePanel = useRef<EvidencePanelHandle>(null)

  const canEdit = assessment.permissions.canEdit
  const inScope = state?.inScope !== false
  const editable = canEdit && inScope && state !== undefined
  const notApplicable = state?.notApplicable ?? false
  const reasonMissing = notApplicable && item.scale.notApplicable.requiresReason && !(state?.naReason ?? '').trim()

  function answer(value: number) {
    if (!editable || !state || !item.scale.options.some((o) => o.value === value)) return
    const patch: ItemPatch = state.notApplicable ? { value, notApplicable: false, naReason: null } : { value }
    onEdit(item.ref, patch, 0)
  }

  function setNotApplicable(on: boolean) {
    if (!editable || !state) return
    if (on) {
      const reason = (state.naReason ?? '').trim()
      const ready = reason.length > 0 || !item.scale.notApplicable.requiresReason
      // Without its reason the server would refuse 対象外: keep it local until the reason is typed.
      onEdit(item.ref, { notApplicable: true, value: null }, 0, ready ? { notApplicable: true, value: null, naReason: state.naReason } : null)
      setTimeout(() => reasonRef.current?.focus(), 0)
    } else {
      onEdit(item.ref, { notApplicable: false, naReason: null }, 0)
    }
  }

  function include() {
    if (!canEdit || !state || state.inScope) return
    onEdit(item.ref, { inScope: true }, 0)
  }

  useImperativeHandle(ref, () => ({
    answer,
    toggleNotApplicable: () => setNotApplicable(!notApplicable),
    focusComment: () => commentRef.current?.focus(),
    include,
    openUpload: () => evidencePanel.current?.openPicker(),
  }))

  const crosswalk = CROSSWALK_ORDER.flatMap((key) => {
    const refs = item.crosswalk[key]
    return refs && refs.length > 0 ? [{ key, refs }] : []
  })
  const typicalEvidence = lang === 'en' ? item.evidence.en : item.evidence.ja

  return (
    <Stack gap="sm" p="md" data-testid="item-panel" data-item-ref={item.ref}>
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Code fz="sm" data-testid="item-ref">
            {item.ref}
          </Code>
          <ClassBadge itemClass={item.class} />
          {!inScope && (
            <Badge color="gray" variant="outline" size="sm">
              {t('workspace.stateOutOfScope')}
            </Badge>
          )}
          {state?.notApplicable && (
            <Badge color="gray" variant="light" size="sm">
              {pick(item.scale.notApplicable.label, lang)}
            </Badge>
          )}
        </Group>
        <Group gap={4} wrap="nowrap">
          <Text size="xs" c="dimmed" mr={4}>
            {t('workspace.position', { index: position.index + 1, total: position.total })}
          </Text>
          <Tooltip label={`${t('shortcuts.previous')} (k)`}>
            <ActionIcon variant="default" onClick={onPrevious} disabled={!onPrevious} aria-label={t('shortcuts.previous')}>
              <IconChevronLeft size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={`${t('shortcuts.next')} (j)`}>
            <ActionIcon variant="default" onClick={onNext} disabled={!onNext} aria-label={t('shortcuts.next')}>
              <IconChevronRight size={16} />
            </ActionIcon>
          </Tooltip>
          <KeyboardHelp opened={helpOpen} onChange={onHelpChange} />
        </Group>
      </Group>

      <Title order={2} size="h4" data-testid="item-title">
        {pick(item.title, lang)}
      </Title>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {pick(item.text, lang)}
      </Text>

      {!inScope && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} py="xs">
          <Group justify="space-between" gap="xs">
            <Text size="sm">{t('workspace.outOfScopeHelp')}</Text>
            {canEdit && (
              <Button size="compact-sm" variant="light" onClick={include}>
                {t('workspace.include')}
              </Button>
            )}
          </Group>
        </Alert>
      )}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="sm" className={inScope ? undefined : 'kamae-out-of-scope'}>
            <Radio.Group
              label={t('answer.label')}
              value={state?.value === null || state?.value === undefined ? null : String(state.value)}
              onChange={(value) => answer(Number(value))}
              name={`answer-${item.ref}`}
            >
              <SimpleGrid cols={2} spacing={8} mt={6}>
                {item.scale.options.map((option) => (
                  <Radio.Card
                    key={option.value}
                    value={String(option.value)}
                    disabled={!editable}
                    radius="sm"
                    p={8}
                    aria-label={pick(option.label, lang)}
                    style={{ opacity: editable ? 1 : 0.7 }}
                  >
                    <Group gap={8} wrap="nowrap" align="center">
                      <Radio.Indicator size="sm" disabled={!editable} />
                      <Kbd size="xs">{option.value}</Kbd>
                      <Text size="sm" lh={1.3}>
                        {pick(option.label, lang)}
                      </Text>
                    </Group>
                  </Radio.Card>
                ))}
              </SimpleGrid>
            </Radio.Group>
            <Group justify="space-between" gap="xs">
              <Switch
                label={`${pick(item.scale.notApplicable.label, lang)} (n)`}
                checked={notApplicable}
                disabled={!editable}
                onChange={(e) => setNotApplicable(e.currentTarget.checked)}
              />
              {editable && state?.value !== null && state?.value !== undefined && (
                <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconEraser size={14} />} onClick={() => onEdit(item.ref, { value: null }, 0)}>
                  {t('answer.clear')}
                </Button>
              )}
            </Group>
            {notApplicable && (
              <Textarea
                ref={reasonRef}
                label={t('answer.naReason')}
                required={item.scale.notApplicable.requiresReason}
                autosize
                minRows={2}
                maxRows={5}
                disabled={!editable}
                value={state?.naReason ?? ''}
                error={reasonMissing ? t('answer.naReasonRequired') : undefined}
                onChange={(e) => {
                  const naReason = e.currentTarget.value
                  const ready = naReason.trim().length > 0 || !item.scale.notApplicable.requiresReason
                  onEdit(item.ref, { naReason }, TEXT_DELAY_MS, ready ? { notApplicable: true, value: null, naReason } : null)
                }}
              />
            )}
            <Textarea
              ref={commentRef}
              label={t('answer.comment')}
              description={t('answer.commentHelp')}
              autosize
              minRows={2}
              maxRows={6}
              disabled={!editable}
              value={state?.comment ?? ''}
              onChange={(e) => {
                const comment = e.currentTarget.value
                onEdit(item.ref, { comment }, TEXT_DELAY_MS, { comment: comment.length > 0 ? comment : null })
              }}
            />
            <Group justify="space-between" gap="xs">
              <Text size="xs" c="dimmed">
                {state?.updatedAt
                  ? t('answer.lastUpdated', { name: state.updatedBy?.displayName ?? '—', at: formatDateTime(state.updatedAt, lang) })
                  : t('answer.neverUpdated')}
              </Text>
              {assessment.permissions.canPlan && (
                <Button
                  size="compact-sm"
                  variant="light"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => navigate(`/assessments/${assessment.id}/remediation?newFor=${encodeURIComponent(item.ref)}`)}
                >
                  {t('remediation.createForItem')}
                </Button>
              )}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="sm">
            {item.guidance && (
              <Paper bg="kamae.0" p="sm" radius="sm">
                <Text size="xs" fw={700} c="kamae.8" mb={4}>
                  {t('item.guidance')}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {pick(item.guidance, lang)}
                </Text>
              </Paper>
            )}
            {typicalEvidence.length > 0 && (
              <Box>
                <Text size="xs" fw={700} mb={4}>
                  {t('item.typicalEvidence')}
                </Text>
                <List size="sm" spacing={2} icon={<IconListCheck size={14} color="var(--mantine-color-gray-6)" />}>
                  {typicalEvidence.map((e) => (
                    <List.Item key={e}>{e}</List.Item>
                  ))}
                </List>
              </Box>
            )}
            {crosswalk.length > 0 && (
              <Box>
                <Text size="xs" fw={700} mb={4}>
                  {t('item.crosswalk')}
                </Text>
                <Stack gap={4}>
                  {crosswalk.map(({ key, refs }) => (
                    <Group key={key} gap={4} wrap="wrap">
                      <Text size="xs" c="dimmed" w={100}>
                        {t(`crosswalk.${key}`)}
                      </Text>
                      {refs.map((r) => (
                        <Badge key={r} variant="outline" color="gray" size="sm" tt="none" data-crosswalk={key}>
                          {r}
                        </Badge>
                      ))}
                    </Group>
                  ))}
                </Stack>
              </Box>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <Divider />
      <EvidencePanel
        ref={evidencePanel}
        assessmentId={assessment.id}
        itemRef={item.ref}
        evidence={evidence}
        canEdit={editable}
        onChanged={(change) => onEvidenceChanged(item.ref, change)}
      />
    </Stack>
  )
}

function KeyboardHelp({ opened, onChange }: { opened: boolean; onChange: (open: boolean) => void }) {
  const { t } = useTranslation()
  return (
    <Popover opened={opened} onChange={onChange} position="bottom-end" width={400} shadow="md" withArrow>
      <Popover.Target>
        <Tooltip label={`${t('shortcuts.title')} (?)`}>
          <ActionIcon variant="default" onClick={() => onChange(!opened)} aria-label={t('shortcuts.title')} aria-expanded={opened}>
            <IconKeyboard size={16} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <Text fw={600} size="sm" mb={6}>
          {t('shortcuts.title')}
        </Text>
        <Table verticalSpacing={3} withRowBorders={false} fz="sm">
          <Table.Tbody>
            {SHORTCUT_HELP.map((entry) => (
              <Table.Tr key={entry.description}>
                <Table.Td w={96}>
                  <Group gap={4}>
                    {entry.keys.map((key) => (
                      <Kbd key={key} size="xs">
                        {key}
                      </Kbd>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>{t(entry.description)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed" mt={6}>
          {t('shortcuts.note')}
        </Text>
      </Popover.Dropdown>
    </Popover>
  )
}
