import { Alert, List, Text } from '@mantine/core'
import { IconAlertCircle } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { ApiError } from '../api'

/** Shows a server error as the server worded it (already in the UI language), with its located details. */
export function ErrorAlert({ error, title, onClose }: { error: ApiError | null | undefined; title?: string; onClose?: () => void }) {
  const { t } = useTranslation()
  if (!error) return null
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertCircle size={18} />}
      title={title ?? t('errors.title')}
      withCloseButton={Boolean(onClose)}
      onClose={onClose}
      closeButtonLabel={t('common.close')}
      role="alert"
    >
      <Text size="sm">{error.message}</Text>
      {error.details.length > 0 && (
        <List size="sm" mt="xs" spacing={2}>
          {error.details.map((detail, index) => (
            <List.Item key={`${detail.path}-${index}`}>
              {detail.path ? <Text span ff="monospace" size="xs">{detail.path}</Text> : null}
              {detail.path ? ': ' : ''}
              {detail.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  )
}
