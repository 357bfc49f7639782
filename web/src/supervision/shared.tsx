import { ActionIcon, Badge, Card, CopyButton, Group, Stack, Table, Text, Textarea, Title, Tooltip, Button } from '@mantine/core'
import { IconCheck, IconClockExclamation, IconCopy, IconDownload, IconMessage, IconSend } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDateTime, percent } from '../common/format'
import { asApiError, useLang } from '../common/hooks'
import { pick } from '../i18n'
import type { Lang, Localized } from '../types'
import type { RoundKind, RoundStatus, SubmissionEntry, TargetState, ThreadEntry } from './types'

// Pieces both sides of a supervision round show: badges, group names, the SHA-256 digest, the
// submission history and the follow-up thread (フォローアップ).

const STATUS_COLOR: Record<RoundStatus, string> = { draft: 'gray', published: 'blue', closed: 'teal' }
const STATE_COLOR: Record<TargetState, string> = { not_started: 'gray', in_progress: 'yellow', submitted: 'teal', late: 'orange', returned: 'grape' }

export function RoundStatusBadge({ status, size = 'md' }: { status: RoundStatus; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation()
  return (
    <Badge color={STATUS_COLOR[status]} variant={status === 'published' ? 'filled' : 'light'} size={size} tt="none" data-round-status={status}>
      {t(`round.status.${status}`)}
    </Badge>
  )
}

export function TargetStateBadge({ state, size = 'md' }: { state: TargetState; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation()
  return (
    <Badge color={STATE_COLOR[state]} variant="light" size={size} tt="none" data-state={state} data-testid="target-state">
      {t(`round.state.${state}`)}
    </Badge>
  )
}

export function KindBadge({ kind }: { kind: RoundKind }) {
  const { t } = useTranslation()
  return (
    <Badge color={kind === 'self_inspection' ? 'red' : 'kamae'} variant="outline" tt="none">
      {t(`round.kind.${kind}`)}
    </Badge>
  )
}

export function OverdueRoundBadge() {
  const { t } = useTranslation()
  return (
    <Badge color="red" variant="filled" tt="none" leftSection={<IconClockExclamation size={12} />}>
      {t('round.overdue')}
    </Badge>
  )
}

/** The round's due date has passed and nothing (current) was submitted. */
export function isOverdue(dueAt: string, state: TargetState, now = new Date()): boolean {
  return new Date(dueAt).getTime() < now.getTime() && (state === 'not_started' || state === 'in_progress' || state === 'returned')
}

/** Names of sectors, size bands and peer groups in the UI language (the glossary's words). */
export function useGroupNames() {
  const { t } = useTranslation()
  const sector = (code: string | null | undefined) => (code ? t(`sector.${code}`, { defaultValue: code }) : '—')
  const size = (code: string | null | undefined) => (code ? t(`sizeBand.${code}`, { defaultValue: code }) : '—')
  const group = (sectorCode: string | null, sizeCode: string | null) => (sizeCode ? t('round.peerName', { sector: sector(sectorCode), size: size(sizeCode) }) : sector(sectorCode))
  return { sector, size, group }
}

/** Words in brackets and lists, as each language writes them: 「A（B）」「A、B」 / "A (B)" "A, B". */
export function bracketed(text: string, inside: string, lang: Lang): string {
  return lang === 'en' ? `${text} (${inside})` : `${text}（${inside}）`
}

export function listed(items: string[], lang: Lang): string {
  return items.join(lang === 'en' ? ', ' : '、')
}

/** A catalog by its title, with the key and version that tell one edition from another. */
export function catalogName(catalog: { title: Localized; key: string; version: string }, lang: Lang): string {
  return bracketed(pick(catalog.title, lang), `${catalog.key} ${catalog.version}`, lang)
}

/** A SHA-256 digest: shortened, the whole in a tooltip and a copy button (the same value both sides see). */
export function Digest({ digest, full = false }: { digest: string; full?: boolean }) {
  const { t } = useTranslation()
  return (
    <Group gap={4} wrap="nowrap" data-testid="digest" data-digest={digest}>
      <Tooltip label={digest} multiline w={320} style={{ wordBreak: 'break-all' }}>
        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {full ? digest : `${digest.slice(0, 16)}…`}
        </Text>
      </Tooltip>
      <CopyButton value={digest}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('common.copied') : t('round.copyDigest')} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label={t('round.copyDigest')}>
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  )
}

/** Every submission of one institution to a round, newest first, each downloadable as stored. */
export function SubmissionTable({ submissions, snapshotPath }: { submissions: SubmissionEntry[]; snapshotPath: (submissionId: string) => string }) {
  const { t } = useTranslation()
  const lang = useLang()
  if (submissions.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('round.submissions.none')}
      </Text>
    )
  }
  const ordered = [...submissions].sort((a, b) => b.version - a.version)
  return (
    <Table.ScrollContainer minWidth={780}>
      <Table verticalSpacing={6} fz="sm" data-testid="submission-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={90}>{t('round.submissions.version')}</Table.Th>
            <Table.Th miw={170}>{t('round.submissions.submittedAt')}</Table.Th>
            <Table.Th w={190}>{t('round.submissions.digest')}</Table.Th>
            <Table.Th w={80}>{t('round.submissions.score')}</Table.Th>
            <Table.Th w={100}>{t('round.submissions.source')}</Table.Th>
            <Table.Th w={120} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ordered.map((s) => (
            <Table.Tr key={s.id} data-testid="submission-row" data-version={s.version}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{t('round.versionN', { n: s.version })}</Table.Td>
              <Table.Td>
                <Group gap={6}>
                  <Text size="sm">{formatDateTime(s.submittedAt, lang)}</Text>
                  {s.late && (
                    <Badge color="orange" variant="light" size="sm" tt="none" data-testid="late-flag">
                      {t('round.late')}
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {t('round.submissions.by', { name: s.submittedBy })}
                </Text>
              </Table.Td>
              <Table.Td>
                <Digest digest={s.digest} />
              </Table.Td>
              <Table.Td>{percent(s.overallScore)}</Table.Td>
              <Table.Td>{t(`round.source.${s.source}`)}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Button component="a" href={snapshotPath(s.id)} download size="compact-xs" variant="subtle" leftSection={<IconDownload size={14} />} aria-label={t('round.submissions.downloadN', { n: s.version })}>
                    {t('round.submissions.download')}
                  </Button>
                  <Button
                    component="a"
                    href={`${snapshotPath(s.id)}/receipt`}
                    download={`receipt-v${s.version}.json`}
                    size="compact-xs"
                    variant="subtle"
                    leftSection={<IconDownload size={14} />}
                    aria-label={t('round.submissions.receiptN', { n: s.version })}
                  >
                    {t('round.submissions.receipt')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  )
}

function threadLabel(entry: ThreadEntry, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (entry.kind === 'submission') return t('round.thread.submission', { n: entry.submissionVersion ?? '?' })
  return t(`round.thread.${entry.kind}`)
}

/** The follow-up exchange: returns, answers, reminders and submissions, oldest first; optionally a box to write in. */
export function FollowUpThread({
  thread,
  side,
  supervisorName,
  compose,
}: {
  thread: ThreadEntry[]
  side: 'supervisor' | 'institution'
  supervisorName?: string
  compose?: { label: string; button: string; onSend: (body: string) => Promise<void> }
}) {
  const { t } = useTranslation()
  const lang: Lang = useLang()
  const [body, setBody] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)

  async function send() {
    if (!compose || !body.trim()) return
    setBusy(true)
    setError(null)
    try {
      await compose.onSend(body.trim())
      setBody('')
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card withBorder padding="md" data-testid="followup-thread">
      <Group gap={6} mb="sm">
        <IconMessage size={18} />
        <Title order={2} size="h5">
          {t('round.thread.title')}
        </Title>
      </Group>
      <Stack gap="xs">
        {thread.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('round.thread.none')}
          </Text>
        )}
        {thread.map((entry) => {
          const mine = entry.side === side
          const quiet = entry.kind === 'submission' || (entry.kind === 'reminder' && !entry.body)
          return (
            <Card
              key={entry.id}
              padding="xs"
              radius="md"
              bg={quiet ? 'transparent' : mine ? 'kamae.0' : entry.kind === 'return' ? 'grape.0' : 'gray.1'}
              withBorder={quiet}
              ml={mine ? 40 : 0}
              mr={mine ? 0 : 40}
              data-testid="thread-entry"
              data-kind={entry.kind}
            >
              <Group justify="space-between" gap="xs">
                <Text size="xs" fw={600}>
                  {threadLabel(entry, t)} · {entry.side === 'supervisor' ? (supervisorName ?? t('round.thread.supervisor')) : t('round.thread.institution')}
                  {entry.author ? ` · ${entry.author}` : ''}
                </Text>
                <Text size="xs" c="dimmed">
                  {formatDateTime(entry.createdAt, lang)}
                </Text>
              </Group>
              {entry.body && (
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {entry.body}
                </Text>
              )}
            </Card>
          )
        })}
        {compose && (
          <>
            <ErrorAlert error={error} onClose={() => setError(null)} />
            <Textarea label={compose.label} autosize minRows={2} maxRows={8} value={body} onChange={(e) => setBody(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button leftSection={<IconSend size={16} />} onClick={() => void send()} loading={busy} disabled={!body.trim()}>
                {compose.button}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Card>
  )
}
