import { Anchor, Button, Checkbox, Code, CopyButton, Group, Image, List, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core'
import { IconCheck, IconCopy } from '@tabler/icons-react'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, useLocation } from 'react-router'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { asApiError } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import type { MfaEnrolment, Session } from '../types'
import { AuthLayout } from './AuthLayout'
import { useSession } from './session'

interface LoginLocationState {
  from?: string
  email?: string
}

/** Login, then the second factor or the MFA enrolment, as the session's state asks. */
export function LoginPage() {
  const { t } = useTranslation()
  const { session } = useSession()
  const location = useLocation()
  const state = (location.state ?? {}) as LoginLocationState
  // Enrolment shows the recovery codes after the session became active: stay until they are acknowledged.
  const [showingRecoveryCodes, setShowingRecoveryCodes] = useState<string[] | null>(null)

  if (!session) return <PageLoader />
  if (showingRecoveryCodes) {
    return (
      <AuthLayout title={t('auth.recoveryCodes.title')} width={520}>
        <RecoveryCodes codes={showingRecoveryCodes} onDone={() => setShowingRecoveryCodes(null)} />
      </AuthLayout>
    )
  }
  if (session.authenticated && session.state === 'active') return <Navigate to={state.from ?? '/'} replace />
  if (!session.authenticated) {
    return (
      <AuthLayout title={t('auth.login.title')}>
        <PasswordStep initialEmail={state.email ?? ''} />
      </AuthLayout>
    )
  }
  if (session.state === 'mfa_required') {
    return (
      <AuthLayout title={t('auth.mfa.title')}>
        <SecondFactorStep />
      </AuthLayout>
    )
  }
  return (
    <AuthLayout title={t('auth.enrol.title')} width={560}>
      <EnrolmentStep onConfirmed={setShowingRecoveryCodes} />
    </AuthLayout>
  )
}

function PasswordStep({ initialEmail }: { initialEmail: string }) {
  const { t } = useTranslation()
  const { adopt } = useSession()
  const [email, setEmail] = useState(initialEmail)
  const [password, setPassword] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      adopt(await api.post<Session>('/api/v1/auth/login', { email: email.trim(), password }))
    } catch (reason) {
      setError(asApiError(reason))
      setBusy(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <ErrorAlert error={error} title={t('auth.login.failed')} />
        <TextInput
          label={t('auth.email')}
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          data-autofocus
          autoFocus
        />
        <PasswordInput
          label={t('auth.password')}
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          visibilityToggleButtonProps={{ 'aria-label': t('auth.showPassword') }}
        />
        <Button type="submit" loading={busy} disabled={!email || !password} fullWidth mt="xs">
          {t('auth.login.submit')}
        </Button>
      </Stack>
    </form>
  )
}

function SecondFactorStep() {
  const { t } = useTranslation()
  const { adopt, logout, session } = useSession()
  const [useRecovery, setUseRecovery] = useState(false)
  const [code, setCode] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body = useRecovery ? { recoveryCode: code.trim() } : { code: code.trim() }
      adopt(await api.post<Session>('/api/v1/auth/mfa/verify', body))
    } catch (reason) {
      setError(asApiError(reason))
      setBusy(false)
    }
  }

  const valid = useRecovery ? code.trim().length >= 8 : /^\d{6}$/.test(code.trim())
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="sm">{useRecovery ? t('auth.mfa.recoveryHelp') : t('auth.mfa.help', { email: session?.user?.email ?? '' })}</Text>
        <ErrorAlert error={error} title={t('auth.mfa.failed')} />
        {useRecovery ? (
          <TextInput
            key="recovery"
            label={t('auth.mfa.recoveryCode')}
            autoComplete="off"
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            placeholder="xxxx-xxxx-xxxx"
            autoFocus
          />
        ) : (
          <TextInput
            key="totp"
            label={t('auth.mfa.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))}
            placeholder="123456"
            styles={{ input: { letterSpacing: '0.3em', fontFamily: 'var(--mantine-font-family-monospace)' } }}
            autoFocus
          />
        )}
        <Button type="submit" loading={busy} disabled={!valid} fullWidth>
          {t('auth.mfa.submit')}
        </Button>
        <Group justify="space-between">
          <Anchor
            component="button"
            type="button"
            size="sm"
            onClick={() => {
              setUseRecovery(!useRecovery)
              setCode('')
              setError(null)
            }}
          >
            {useRecovery ? t('auth.mfa.useTotp') : t('auth.mfa.useRecovery')}
          </Anchor>
          <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => void logout()}>
            {t('auth.mfa.otherAccount')}
          </Anchor>
        </Group>
      </Stack>
    </form>
  )
}

function EnrolmentStep({ onConfirmed }: { onConfirmed: (codes: string[]) => void }) {
  const { t } = useTranslation()
  const { refresh, logout } = useSession()
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null)
  const [code, setCode] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const started = useRef(false)

  useEffect(() => {
    // One secret per visit: a second request would replace the secret the QR code shows.
    if (started.current) return
    started.current = true
    api
      .post<MfaEnrolment>('/api/v1/auth/mfa/enrolment')
      .then(setEnrolment)
      .catch((reason: unknown) => setError(asApiError(reason)))
  }, [])

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const result = await api.post<{ recoveryCodes: string[] }>('/api/v1/auth/mfa/enrolment/confirm', { code: code.trim() })
      onConfirmed(result.recoveryCodes)
      await refresh()
    } catch (reason) {
      setError(asApiError(reason))
      setBusy(false)
    }
  }

  return (
    <Stack gap="sm">
      <Text size="sm">{t('auth.enrol.intro')}</Text>
      <ErrorAlert error={error} />
      {enrolment ? (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <List type="ordered" size="sm" spacing={4}>
              <List.Item>{t('auth.enrol.step1')}</List.Item>
              <List.Item>{t('auth.enrol.step2')}</List.Item>
            </List>
            <Group align="flex-start" wrap="nowrap" gap="md">
              <Image src={enrolment.qrCodeDataUrl} alt={t('auth.enrol.qrAlt')} w={180} h={180} fit="contain" />
              <Stack gap={6} style={{ minWidth: 0 }}>
                <Text size="sm" fw={500}>
                  {t('auth.enrol.secret')}
                </Text>
                <Group gap={4} wrap="nowrap">
                  <Code style={{ wordBreak: 'break-all' }} data-testid="totp-secret">
                    {enrolment.secret}
                  </Code>
                  <CopyButton value={enrolment.secret}>
                    {({ copied, copy }) => (
                      <Button size="compact-xs" variant="subtle" onClick={copy} aria-label={t('common.copy')}>
                        {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
                <Text size="xs" c="dimmed">
                  {t('auth.enrol.secretHelp')}
                </Text>
              </Stack>
            </Group>
            <TextInput
              label={t('auth.mfa.code')}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))}
              placeholder="123456"
            />
            <Button type="submit" loading={busy} disabled={!/^\d{6}$/.test(code)}>
              {t('auth.enrol.confirm')}
            </Button>
          </Stack>
        </form>
      ) : (
        !error && <PageLoader />
      )}
      <Anchor component="button" type="button" size="sm" c="dimmed" onClick={() => void logout()}>
        {t('auth.mfa.otherAccount')}
      </Anchor>
    </Stack>
  )
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation()
  const [saved, setSaved] = useState(false)
  return (
    <Stack gap="sm">
      <Text size="sm">{t('auth.recoveryCodes.help')}</Text>
      <SimpleGrid cols={2} spacing={6} data-testid="recovery-codes">
        {codes.map((code) => (
          <Code key={code} fz="sm" ta="center">
            {code}
          </Code>
        ))}
      </SimpleGrid>
      <CopyButton value={codes.join('\n')}>
        {({ copied, copy }) => (
          <Button variant="light" leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy}>
            {copied ? t('common.copied') : t('auth.recoveryCodes.copy')}
          </Button>
        )}
      </CopyButton>
      <Checkbox label={t('auth.recoveryCodes.saved')} checked={saved} onChange={(e) => setSaved(e.currentTarget.checked)} />
      <Button disabled={!saved} onClick={onDone}>
        {t('auth.recoveryCodes.continue')}
      </Button>
    </Stack>
  )
}
