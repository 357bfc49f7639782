import { ActionIcon, Box, Group, Indicator, Menu, Text } from '@mantine/core'
import { IconBell, IconChecks } from '@tabler/icons-react'
import { useCallback, useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation } from 'react-router'
import { api } from '../api'
import { formatDateTime } from '../common/format'
import { useLang, useQuery } from '../common/hooks'
import { notifyError } from '../common/notify'
import { pick } from '../i18n'
import type { NotificationList } from '../supervision/types'

// お知らせ: the bell in the header with the unread count, and a menu of the latest notifications of
// the active organisation; each opens where it points. Asked again on every page change and minute.

const SHOWN = 8
const REFRESH_MS = 60_000
const PATH = '/api/v1/notifications'

export function NotificationBell() {
  const { t } = useTranslation()
  const lang = useLang()
  const location = useLocation()
  const list = useQuery<NotificationList>(PATH)
  const { reload, setData } = list

  const shownPath = useRef(location.pathname)
  useEffect(() => {
    if (shownPath.current === location.pathname) return
    shownPath.current = location.pathname
    reload()
  }, [location.pathname, reload])
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS)
    return () => window.clearInterval(timer)
  }, [reload])

  const markRead = useCallback(
    (body: { ids: string[] } | { all: true }) => {
      // Shown as read at once; the server follows (a failure only shows them unread again).
      setData((previous) => {
        const items = (previous?.items ?? []).map((item) => ('all' in body || body.ids.includes(item.id) ? { ...item, read: true } : item))
        const newlyRead = (previous?.items ?? []).filter((item) => !item.read && ('all' in body || body.ids.includes(item.id))).length
        return { unread: 'all' in body ? 0 : Math.max(0, (previous?.unread ?? 0) - newlyRead), items }
      })
      api.post(`${PATH}/read`, body).catch((error: unknown) => {
        notifyError(error)
        reload()
      })
    },
    [setData, reload],
  )

  const unread = list.data?.unread ?? 0
  const items = (list.data?.items ?? []).slice(0, SHOWN)
  const label = unread > 0 ? t('notifications.labelUnread', { count: unread }) : t('notifications.label')

  return (
    // The indicator wraps the menu (which renders nothing of its own), so the button itself keeps the menu's aria attributes.
    <Indicator label={unread > 99 ? '99+' : unread} size={16} color="red" disabled={unread === 0} offset={4} data-testid="notification-count" data-unread={unread}>
      <Menu position="bottom-end" width={360} withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label={label} title={label} data-testid="notification-bell">
            <IconBell size={20} stroke={1.6} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown data-testid="notification-menu">
          <Group justify="space-between" px="xs" py={4}>
            <Text size="sm" fw={600}>
              {t('notifications.title')}
            </Text>
            {unread > 0 && (
              <Text size="xs" c="dimmed">
                {t('notifications.unread', { count: unread })}
              </Text>
            )}
          </Group>
          <Menu.Divider />
          {items.length === 0 && (
            <Text size="sm" c="dimmed" px="xs" py="sm">
              {t('notifications.none')}
            </Text>
          )}
          {items.map((item) => {
            const content = (
              <Box>
                <Group gap={6} wrap="nowrap" align="flex-start">
                  {!item.read && <Box w={8} h={8} mt={6} bg="red.6" style={{ borderRadius: '50%', flexShrink: 0 }} aria-hidden />}
                  <Text size="sm" fw={item.read ? 400 : 600} lineClamp={2}>
                    {pick(item.title, lang)}
                  </Text>
                </Group>
                {pick(item.body, lang) && (
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {pick(item.body, lang)}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {formatDateTime(item.createdAt, lang)}
                  {!item.read ? ` · ${t('notifications.new')}` : ''}
                </Text>
              </Box>
            )
            const onClick = () => {
              if (!item.read) markRead({ ids: [item.id] })
            }
            return item.link ? (
              <Menu.Item key={item.id} component={Link} to={item.link} onClick={onClick} data-testid="notification-item" data-read={item.read}>
                {content}
              </Menu.Item>
            ) : (
              <Menu.Item key={item.id} onClick={onClick} data-testid="notification-item" data-read={item.read}>
                {content}
              </Menu.Item>
            )
          })}
          {unread > 0 && (
            <>
              <Menu.Divider />
              <Menu.Item leftSection={<IconChecks size={16} />} onClick={() => markRead({ all: true })}>
                {t('notifications.markAllRead')}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
    </Indicator>
  )
}
