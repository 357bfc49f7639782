import { AppShell, Avatar, Badge, Burger, Group, Menu, NavLink, Select, Text, UnstyledButton } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import {
  IconAlertOctagon,
  IconCheck,
  IconClipboardList,
  IconInbox,
  IconChecklist,
  IconChevronDown,
  IconLanguage,
  IconLayoutDashboard,
  IconListCheck,
  IconLogout,
  IconUsers,
} from '@tabler/icons-react'
import { Fragment } from 'react'
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router'
import { useTranslation } from 'react-i18next'
import { useSession } from '../auth/session'
import { notifyError } from '../common/notify'
import { useLang } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import { LanguageSwitch, useChangeLanguage } from './LanguageSwitch'
import { Logo } from './Logo'
import { NotificationBell } from './NotificationBell'

/** Only a fully logged-in session (password and, where required, MFA) sees the app. */
export function RequireSession() {
  const { session, endedByLogout } = useSession()
  const location = useLocation()
  if (!session) return <PageLoader />
  if (!session.authenticated || session.state !== 'active') {
    // After an expiry, come back to the same page; after "log out", the next person starts afresh.
    const state = endedByLogout ? undefined : { from: location.pathname + location.search }
    return <Navigate to="/login" replace state={state} />
  }
  return <AppLayout />
}

function AppLayout() {
  const { t } = useTranslation()
  const [opened, { toggle, close }] = useDisclosure(false)
  const { membership } = useSession()
  const location = useLocation()
  const isAdmin = membership?.role === 'admin'

  const nav = [
    { to: '/', label: t('nav.dashboard'), icon: IconLayoutDashboard, match: (p: string) => p === '/' },
    { to: '/assessments', label: t('nav.assessments'), icon: IconChecklist, match: (p: string) => p.startsWith('/assessments') },
    { to: '/remediation', label: t('nav.remediation'), icon: IconListCheck, match: (p: string) => p.startsWith('/remediation') },
    ...(membership?.kind === 'institution'
      ? [{ to: '/incidents', label: t('nav.incidents'), icon: IconAlertOctagon, match: (p: string) => p.startsWith('/incidents') }]
      : []),
    ...(membership?.kind === 'supervisor'
      ? [
          { to: '/supervision/rounds', label: t('nav.supervisionRounds'), icon: IconClipboardList, match: (p: string) => p.startsWith('/supervision/rounds') },
          { to: '/supervision/incidents', label: t('nav.supervisionIncidents'), icon: IconInbox, match: (p: string) => p.startsWith('/supervision/incidents') },
        ]
      : []),
    ...(isAdmin ? [{ to: '/members', label: t('nav.members'), icon: IconUsers, match: (p: string) => p.startsWith('/members') }] : []),
  ]

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Header burgerOpened={opened} onBurger={toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('nav.label')}>
        {nav.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={<item.icon size={18} stroke={1.6} />}
            active={item.match(location.pathname)}
            onClick={close}
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">
        {/* Keyed by organisation: switching remounts every screen, so nothing shows the other org's data. */}
        <Fragment key={membership?.orgId ?? 'none'}>
          <Outlet />
        </Fragment>
      </AppShell.Main>
    </AppShell>
  )
}

function Header({ burgerOpened, onBurger }: { burgerOpened: boolean; onBurger: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const { session, membership, logout, switchOrganisation } = useSession()
  const changeLanguage = useChangeLanguage()
  const memberships = session?.memberships ?? []
  const orgName = (m: { nameJa: string; nameEn: string }) => (lang === 'en' ? m.nameEn : m.nameJa)

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="md" wrap="nowrap" style={{ minWidth: 0 }}>
        <Burger opened={burgerOpened} onClick={onBurger} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
        <Link to="/" aria-label={t('nav.home')} style={{ textDecoration: 'none', color: 'inherit' }}>
          <Logo />
        </Link>
        {memberships.length > 1 ? (
          <Select
            aria-label={t('shell.switchOrganisation')}
            size="sm"
            w={300}
            allowDeselect={false}
            value={membership?.orgId ?? null}
            data={memberships.map((m) => ({ value: m.orgId, label: orgName(m) }))}
            onChange={(orgId) => {
              if (!orgId || orgId === membership?.orgId) return
              switchOrganisation(orgId)
                .then(() => navigate('/'))
                .catch((error: unknown) => notifyError(error))
            }}
          />
        ) : (
          membership && (
            <Text fw={600} truncate="end" data-testid="organisation-name">
              {orgName(membership)}
            </Text>
          )
        )}
        {membership && (
          <Badge variant="outline" color="gray" visibleFrom="md" tt="none">
            {t(`roles.${membership.role}`)}
          </Badge>
        )}
      </Group>
      <Group gap="sm" wrap="nowrap">
        {membership && <NotificationBell key={membership.orgId} />}
        <LanguageSwitch />
        <Menu position="bottom-end" width={260} withinPortal>
          <Menu.Target>
            <UnstyledButton aria-label={t('shell.userMenu')} data-testid="user-menu">
              <Group gap={6} wrap="nowrap">
                <Avatar size={30} radius="xl" color="kamae">
                  {(session?.user?.displayName ?? '?').slice(0, 1).toUpperCase()}
                </Avatar>
                <Text size="sm" maw={180} truncate="end" visibleFrom="md">
                  {session?.user?.displayName}
                </Text>
                <IconChevronDown size={14} />
              </Group>
            </UnstyledButton>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{session?.user?.email}</Menu.Label>
            <Menu.Divider />
            <Menu.Label>{t('language.label')}</Menu.Label>
            {(['ja', 'en'] as const).map((l) => (
              <Menu.Item
                key={l}
                leftSection={l === lang ? <IconCheck size={16} /> : <IconLanguage size={16} />}
                onClick={() => void changeLanguage(l)}
              >
                {t(`language.${l}`)}
              </Menu.Item>
            ))}
            <Menu.Divider />
            <Menu.Item
              color="red"
              leftSection={<IconLogout size={16} />}
              onClick={() => void logout()}
            >
              {t('shell.logout')}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Group>
    </Group>
  )
}
