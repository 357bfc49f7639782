import { Box, Group, NavLink, Paper, Progress, ScrollArea, Text } from '@mantine/core'
import { IconCircle, IconCircleCheckFilled, IconCircleDashed, IconCircleMinus } from '@tabler/icons-react'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { useLang } from '../common/hooks'
import { pick } from '../i18n'
import type { AssessmentDetail, Catalog, CatalogItem, CatalogSection, Evidence, ItemPatch, ItemState } from '../types'
import { allItems, answerableSections, isAnswered, itemsUnder, leafSections, progressOf } from './catalog'
import { ItemPanel, type ItemPanelHandle } from './ItemPanel'
import { isTypingTarget, shortcutFor } from './shortcuts'

export interface AnswerWorkspaceProps {
  assessment: AssessmentDetail
  catalog: Catalog
  states: ReadonlyMap<string, ItemState>
  evidence: Evidence[]
  onEdit: (ref: string, patch: ItemPatch, delayMs: number, send?: ItemPatch | null) => void
  onEvidenceChanged: (ref: string, change: { added?: Evidence; removedId?: string }) => void
}

/** Left: the section tree with progress; centre: one item at a time, answered with mouse or keyboard. */
export function AnswerWorkspace({ assessment, catalog, states, evidence, onEdit, onEvidenceChanged }: AnswerWorkspaceProps) {
  const { t } = useTranslation()
  const [params, setParams] = useSearchParams()
  const items = useMemo(() => allItems(catalog), [catalog])
  const sections = useMemo(() => answerableSections(catalog.sections), [catalog])
  const leaves = useMemo(() => leafSections(sections), [sections])
  const [firstRef] = useState(() => (items.find((i) => states.get(i.ref)?.inScope !== false && !isAnswered(states.get(i.ref))) ?? items[0])?.ref)
  // The current item lives in state (updated at once, so quick key presses act on the right item);
  // the URL follows it (?item=) so that a reload or a shared link opens the same item.
  const [currentRef, setCurrentRef] = useState<string | undefined>(() => params.get('item') ?? firstRef)
  const index = Math.max(
    0,
    items.findIndex((i) => i.ref === currentRef),
  )
  const item = items[index]
  const panel = useRef<ItemPanelHandle>(null)
  const itemViewport = useRef<HTMLDivElement>(null)
  const treeViewport = useRef<HTMLDivElement>(null)
  const [helpOpen, setHelpOpen] = useState(false)

  const select = useCallback(
    (ref: string) => {
      setCurrentRef(ref)
      setParams(
        (current) => {
          const next = new URLSearchParams(current)
          next.set('item', ref)
          return next
        },
        { replace: true },
      )
    },
    [setParams],
  )

  useEffect(() => {
    itemViewport.current?.scrollTo({ top: 0 })
    if (!item) return
    const row = treeViewport.current?.querySelector(`[data-item-ref="${CSS.escape(item.ref)}"]`)
    row?.scrollIntoView({ block: 'nearest' })
  }, [item])

  // Keyboard: the handler is rebuilt each render but registered once, through a ref.
  const handler = useRef<(event: KeyboardEvent) => void>(() => undefined)
  handler.current = (event: KeyboardEvent) => {
    if (!item || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return
    const target = event.target instanceof HTMLElement ? event.target : null
    if (target?.closest('[role="dialog"]')) return
    if (isTypingTarget(target)) {
      if (event.key === 'Escape') target?.blur()
      return
    }
    const action = shortcutFor(event.key, target?.getAttribute('role') === 'radio')
    if (!action) return
    event.preventDefault()
    const leafIndex = leaves.findIndex((s) => s.ref === item.sectionRef)
    switch (action.kind) {
      case 'next':
        if (index < items.length - 1) select(items[index + 1]!.ref)
        break
      case 'previous':
        if (index > 0) select(items[index - 1]!.ref)
        break
      case 'nextSection': {
        const section = leaves[leafIndex + 1]
        if (section?.items[0]) select(section.items[0].ref)
        break
      }
      case 'previousSection': {
        const section = leaves[leafIndex - 1]
        if (section?.items[0]) select(section.items[0].ref)
        break
      }
      case 'answer':
        panel.current?.answer(action.value)
        break
      case 'notApplicable':
        panel.current?.toggleNotApplicable()
        break
      case 'comment':
        panel.current?.focusComment()
        break
      case 'include':
        panel.current?.include()
        break
      case 'upload':
        panel.current?.openUpload()
        break
      case 'help':
        setHelpOpen((open) => !open)
        break
    }
  }
  useEffect(() => {
    const listener = (event: KeyboardEvent) => handler.current(event)
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [])

  if (!item) return null

  return (
    <Group wrap="nowrap" align="stretch" gap="sm" h="100%">
      <Paper withBorder w={300} style={{ flexShrink: 0, display: 'flex', flexDirection: 'column' }} component="nav" aria-label={t('workspace.sectionTree')}>
        <ScrollArea style={{ flex: 1 }} viewportRef={treeViewport} type="auto" offsetScrollbars>
          <Box p={4}>
            {sections.map((section) => (
              <SectionNode key={section.ref} section={section} states={states} current={item} onSelect={select} depth={0} />
            ))}
          </Box>
        </ScrollArea>
      </Paper>
      <Paper withBorder style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
        <ScrollArea style={{ flex: 1 }} viewportRef={itemViewport} type="auto">
          <ItemPanel
            ref={panel}
            assessment={assessment}
            item={item}
            state={states.get(item.ref)}
            position={{ index, total: items.length }}
            evidence={evidence.filter((e) => e.itemRef === item.ref)}
            onEdit={onEdit}
            onEvidenceChanged={onEvidenceChanged}
            onPrevious={index > 0 ? () => select(items[index - 1]!.ref) : undefined}
            onNext={index < items.length - 1 ? () => select(items[index + 1]!.ref) : undefined}
            helpOpen={helpOpen}
            onHelpChange={setHelpOpen}
          />
        </ScrollArea>
      </Paper>
    </Group>
  )
}

function containsItem(section: CatalogSection, ref: string): boolean {
  return section.items.some((i) => i.ref === ref) || section.sections.some((s) => containsItem(s, ref))
}

function SectionNode({
  section,
  states,
  current,
  onSelect,
  depth,
}: {
  section: CatalogSection
  states: ReadonlyMap<string, ItemState>
  current: CatalogItem
  onSelect: (ref: string) => void
  depth: number
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const under = itemsUnder(section)
  const progress = progressOf(under, states)
  const opened = containsItem(section, current.ref)
  const pct = progress.total ? (progress.answered / progress.total) * 100 : 0
  const first = under.find((i) => states.get(i.ref)?.inScope !== false && !isAnswered(states.get(i.ref))) ?? under[0]

  return (
    <NavLink
      component="button"
      type="button"
      label={
        <Text size="sm" fw={depth === 0 ? 600 : 500} lh={1.3}>
          <Text span ff="monospace" size="xs" mr={6}>
            {section.ref}
          </Text>
          {pick(section.title, lang)}
        </Text>
      }
      description={
        <Group gap={6} wrap="nowrap" mt={2}>
          <Progress value={pct} size="xs" w={90} color={pct >= 100 ? 'teal' : 'kamae'} aria-hidden />
          <Text size="xs" c="dimmed" aria-label={t('workspace.sectionProgress', { answered: progress.answered, total: progress.total })}>
            {progress.answered}/{progress.total}
          </Text>
        </Group>
      }
      opened={opened}
      onClick={() => first && onSelect(first.ref)}
      childrenOffset={10}
      py={5}
      data-section-ref={section.ref}
    >
      {opened && section.items.length > 0
        ? section.items.map((item) => <ItemRow key={item.ref} item={item} state={states.get(item.ref)} active={item.ref === current.ref} onSelect={onSelect} />)
        : null}
      {section.sections.length > 0
        ? section.sections.map((child) => <SectionNode key={child.ref} section={child} states={states} current={current} onSelect={onSelect} depth={depth + 1} />)
        : null}
    </NavLink>
  )
}

function ItemRow({ item, state, active, onSelect }: { item: CatalogItem; state: ItemState | undefined; active: boolean; onSelect: (ref: string) => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const outOfScope = state?.inScope === false
  let icon
  let label
  if (outOfScope) {
    icon = <IconCircleDashed size={14} color="var(--mantine-color-gray-5)" />
    label = t('workspace.stateOutOfScope')
  } else if (state?.notApplicable) {
    icon = <IconCircleMinus size={14} color="var(--mantine-color-gray-6)" />
    label = t('answer.notApplicable')
  } else if (state?.value !== null && state?.value !== undefined) {
    icon = <IconCircleCheckFilled size={14} color="var(--mantine-color-teal-6)" />
    label = t('workspace.stateAnswered')
  } else {
    icon = <IconCircle size={14} color="var(--mantine-color-gray-5)" />
    label = t('answer.unanswered')
  }
  return (
    <NavLink
      component="button"
      type="button"
      active={active}
      onClick={() => onSelect(item.ref)}
      className={outOfScope ? 'kamae-out-of-scope' : undefined}
      data-item-ref={item.ref}
      aria-current={active ? 'true' : undefined}
      py={3}
      leftSection={
        <Box component="span" title={label} style={{ display: 'flex' }} aria-label={label} role="img">
          {icon}
        </Box>
      }
      label={
        <Group gap={6} wrap="nowrap">
          <Text span ff="monospace" size="xs" style={{ flexShrink: 0 }}>
            {item.ref}
          </Text>
          <Text span size="xs" truncate="end">
            {pick(item.title, lang)}
          </Text>
        </Group>
      }
    />
  )
}
