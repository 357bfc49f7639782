import { notifications } from '@mantine/notifications'
import { ApiError } from '../api'
import { i18n } from '../i18n'

const closeButtonProps = () => ({ 'aria-label': i18n.t('common.close') })

export function notifySuccess(message: string) {
  notifications.show({ color: 'teal', message, autoClose: 3000, closeButtonProps: closeButtonProps() })
}

export function notifyError(error: unknown, title?: string) {
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error)
  notifications.show({ color: 'red', title, message, autoClose: 8000, closeButtonProps: closeButtonProps() })
}
