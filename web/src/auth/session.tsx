import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { api, onUnauthenticated } from '../api'
import { i18n, storedLanguage } from '../i18n'
import type { Membership, Session } from '../types'

// The session as the server sees it (GET /api/v1/auth/session), shared by every screen.

interface SessionContextValue {
  /** null until the first answer arrives. */
  session: Session | null
  refresh: () => Promise<Session>
  adopt: (session: Session) => void
  logout: () => Promise<void>
  switchOrganisation: (orgId: string) => Promise<void>
  membership: Membership | null
  /** The session ended by "log out" (not by expiry): the next login starts at the dashboard. */
  endedByLogout: boolean
}

const SessionContext = createContext<SessionContextValue | null>(null)

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null)
  const [endedByLogout, setEndedByLogout] = useState(false)

  const adopt = useCallback((next: Session) => {
    // The device's own choice (localStorage) wins; otherwise follow the profile's language.
    if (next.user && !storedLanguage() && next.user.locale !== i18n.language) void i18n.changeLanguage(next.user.locale)
    if (next.authenticated) setEndedByLogout(false)
    setSession(next)
  }, [])

  const refresh = useCallback(async () => {
    const next = await api.get<Session>('/api/v1/auth/session')
    adopt(next)
    return next
  }, [adopt])

  useEffect(() => {
    refresh().catch(() => setSession({ authenticated: false, csrfToken: '' }))
  }, [refresh])

  useEffect(
    () =>
      onUnauthenticated(() => {
        setSession((current) => (current?.authenticated ? { authenticated: false, csrfToken: '' } : current))
      }),
    [],
  )

  const logout = useCallback(async () => {
    setEndedByLogout(true)
    try {
      await api.post('/api/v1/auth/logout')
    } finally {
      await refresh().catch(() => setSession({ authenticated: false, csrfToken: '' }))
    }
  }, [refresh])

  const switchOrganisation = useCallback(
    async (orgId: string) => {
      await api.post('/api/v1/auth/switch-organisation', { orgId })
      await refresh()
    },
    [refresh],
  )

  const membership = useMemo(
    () => session?.memberships?.find((m) => m.orgId === session.activeOrgId) ?? session?.memberships?.[0] ?? null,
    [session],
  )

  const value = useMemo(
    () => ({ session, refresh, adopt, logout, switchOrganisation, membership, endedByLogout }),
    [session, refresh, adopt, logout, switchOrganisation, membership, endedByLogout],
  )
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext)
  if (!value) throw new Error('useSession outside SessionProvider')
  return value
}
