import { ActionIcon, Anchor, Button, CloseButton, Code, CopyButton, Group, Modal, Progress, Stack, Table, Text, Tooltip } from '@mantine/core'
import { Dropzone } from '@mantine/dropzone'
import { IconCheck, IconCopy, IconDownload, IconFileUpload, IconPaperclip, IconTrash } from '@tabler/icons-react'
import { useImperativeHandle, useRef, useState, type Ref } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError, uploadFile, type Upload } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatBytes, formatDateTime, shortHash } from '../common/format'
import { asApiError, useLang } from '../common/hooks'
import { notifySuccess } from '../common/notify'
import type { Evidence } from '../types'

export interface EvidencePanelHandle {
  openPicker: () => void
}

interface UploadRow {
  key: number
  name: string
  fraction: number
  abort: () => void
}

let uploadSequence = 0

/** 証跡: files that back an answer, stored by their SHA-256. Upload with progress, download, delete. */
export function EvidencePanel({
  ref,
  assessmentId,
  itemRef,
  evidence,
  canEdit,
  onChanged,
}: {
  ref: Ref<EvidencePanelHandle>
  assessmentId: string
  itemRef: string
  evidence: Evidence[]
  canEdit: boolean
  onChanged: (change: { added?: Evidence; removedId?: string }) => void
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const openRef = useRef<() => void>(null)
  const [uploads, setUploads] = useState<UploadRow[]>([])
  const [error, setError] = useState<ApiError | null>(null)
  const [deleting, setDeleting] = useState<Evidence | null>(null)

  useImperativeHandle(ref, () => ({ openPicker: () => canEdit && openRef.current?.() }))

  function start(file: File) {
    const key = ++uploadSequence
    const setFraction = (fraction: number) => setUploads((rows) => rows.map((r) => (r.key === key ? { ...r, fraction } : r)))
    const upload: Upload<Evidence> = uploadFile<Evidence>(`/api/v1/assessments/${assessmentId}/items/${encodeURIComponent(itemRef)}/evidence`, file, setFraction)
    const abort = upload.abort
    setUploads((rows) => [...rows, { key, name: file.name, fraction: 0, abort }])
    upload.promise
      .then((added) => {
        onChanged({ added: { ...added, itemRef: added.itemRef ?? itemRef } })
        notifySuccess(t('evidence.uploaded', { name: file.name }))
      })
      .catch((reason: unknown) => {
        const apiError = asApiError(reason)
        if (apiError.code !== 'aborted') setError(apiError)
      })
      .finally(() => setUploads((rows) => rows.filter((r) => r.key !== key)))
  }

  async function remove(item: Evidence) {
    setError(null)
    try {
      await api.delete(`/api/v1/evidence/${item.id}`)
      onChanged({ removedId: item.id })
      notifySuccess(t('evidence.deleted', { name: item.filename }))
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setDeleting(null)
    }
  }

  return (
    <Stack gap="xs" data-testid="evidence-panel">
      <Group gap={6}>
        <IconPaperclip size={16} />
        <Text fw={600} size="sm">
          {t('evidence.title')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('evidence.count', { count: evidence.length })}
        </Text>
      </Group>
      <ErrorAlert error={error} title={t('evidence.failed')} onClose={() => setError(null)} />
      {evidence.length > 0 && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing={4} fz="sm" data-testid="evidence-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('evidence.file')}</Table.Th>
                <Table.Th w={80}>{t('evidence.size')}</Table.Th>
                <Table.Th w={170}>{t('evidence.sha256')}</Table.Th>
                <Table.Th w={140}>{t('evidence.uploadedAt')}</Table.Th>
                <Table.Th w={70}>
                  <span className="mantine-visually-hidden">{t('common.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {evidence.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Anchor href={`/api/v1/evidence/${e.id}/download`} download={e.filename} size="sm" style={{ wordBreak: 'break-all' }}>
                      {e.filename}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{formatBytes(e.sizeBytes, lang)}</Table.Td>
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      <Tooltip label={e.sha256} multiline w={300} style={{ wordBreak: 'break-all' }}>
                        <Code fz="xs" data-testid="evidence-sha256" data-sha256={e.sha256} title={e.sha256}>
                          {shortHash(e.sha256)}
                        </Code>
                      </Tooltip>
                      <CopyButton value={e.sha256}>
                        {({ copied, copy }) => (
                          <ActionIcon size="sm" variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={t('evidence.copyHash')}>
                            {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                          </ActionIcon>
                        )}
                      </CopyButton>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{formatDateTime(e.uploadedAt, lang)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon
                        component="a"
                        href={`/api/v1/evidence/${e.id}/download`}
                        download={e.filename}
                        size="sm"
                        variant="subtle"
                        aria-label={t('evidence.download', { name: e.filename })}
                      >
                        <IconDownload size={14} />
                      </ActionIcon>
                      {canEdit && (
                        <ActionIcon size="sm" variant="subtle" color="red" onClick={() => setDeleting(e)} aria-label={t('evidence.delete', { name: e.filename })}>
                          <IconTrash size={14} />
                        </ActionIcon>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {uploads.map((u) => (
        <Group key={u.key} gap="xs" wrap="nowrap" data-testid="upload-progress">
          <Text size="xs" w={200} truncate="end">
            {u.name}
          </Text>
          <Progress value={u.fraction * 100} style={{ flex: 1 }} aria-label={t('evidence.uploading', { name: u.name })} animated striped />
          <Text size="xs" w={40} ta="right">
            {Math.round(u.fraction * 100)}%
          </Text>
          <CloseButton size="sm" onClick={u.abort} aria-label={t('evidence.cancelUpload', { name: u.name })} />
        </Group>
      ))}
      {canEdit && (
        <Dropzone
          onDrop={(files) => files.forEach(start)}
          openRef={openRef}
          multiple
          p="sm"
          inputProps={{ 'aria-label': t('evidence.choose') }}
          aria-label={t('evidence.drop')}
        >
          <Group justify="center" gap="sm" mih={44} style={{ pointerEvents: 'none' }}>
            <IconFileUpload size={22} color="var(--mantine-color-dimmed)" />
            <div>
              <Text size="sm">{t('evidence.drop')}</Text>
              <Text size="xs" c="dimmed">
                {t('evidence.dropHelp')}
              </Text>
            </div>
          </Group>
        </Dropzone>
      )}
      {!canEdit && evidence.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('evidence.none')}
        </Text>
      )}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={t('evidence.deleteTitle')}>
        <Stack>
          <Text size="sm">{t('evidence.deleteConfirm', { name: deleting?.filename ?? '' })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={() => deleting && void remove(deleting)}>
              {t('common.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  )
}
