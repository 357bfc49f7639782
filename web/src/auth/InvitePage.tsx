import { Alert, Button, PasswordInput, Stack, Table, Text, TextInput } from '@mantine/core'
import { IconCircleCheck } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router'
import { api, ApiError } from '../api'
import { ErrorAlert } from '../common/ErrorAlert'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { PageLoader } from '../common/PageLoader'
import type { InvitationOffer } from '../types'
import { AuthLayout } from './AuthLayout'

/** /invite/:token — join an organisation with a one-time link: a new account, or an existing one. */
export function InvitePage() {
  const { t } = useTranslation()
  const lang = useLang()
  const navigate = useNavigate()
  const { token = '' } = useParams()
  const offer = useQuery<InvitationOffer>(`/api/v1/invitations/by-token/${encodeURIComponent(token)}`)
  const [displayName, setDisplayName] = useState('')
  const [password, setPassword] = useState('')
  const [confirmation, setConfirmation] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const [acceptedEmail, setAcceptedEmail] = useState<string | null>(null)

  if (offer.loading && !offer.data) return <PageLoader />

  if (offer.error || !offer.data) {
    return (
      <AuthLayout title={t('invite.title')}>
        <ErrorAlert error={offer.error} title={t('invite.invalid')} />
        <Button variant="light" onClick={() => navigate('/login')}>
          {t('invite.toLogin')}
        </Button>
      </AuthLayout>
    )
  }

  const data = offer.data
  const orgName = lang === 'en' ? data.organisation.nameEn : data.organisation.nameJa
  const mismatch = !data.existingUser && confirmation.length > 0 && confirmation !== password

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body = data.existingUser ? { token, password } : { token, password, displayName: displayName.trim() }
      const result = await api.post<{ email: string }>('/api/v1/invitations/accept', body)
      setAcceptedEmail(result.email)
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  if (acceptedEmail) {
    return (
      <AuthLayout title={t('invite.title')}>
        <Alert color="teal" icon={<IconCircleCheck size={18} />} title={t('invite.accepted')}>
          {t('invite.acceptedHelp', { org: orgName })}
        </Alert>
        <Button onClick={() => navigate('/login', { state: { email: acceptedEmail } })}>{t('invite.toLogin')}</Button>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout title={t('invite.title')} width={480}>
      <Text size="sm">{t('invite.intro', { org: orgName })}</Text>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={140}>{t('invite.organisation')}</Table.Th>
            <Table.Td>{orgName}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('auth.email')}</Table.Th>
            <Table.Td>{data.email}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('members.role')}</Table.Th>
            <Table.Td>{t(`roles.${data.role}`)}</Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <ErrorAlert error={error} />
          {data.existingUser ? (
            <Text size="sm" c="dimmed">
              {t('invite.existingHelp')}
            </Text>
          ) : (
            <TextInput
              label={t('invite.displayName')}
              required
              autoComplete="name"
              value={displayName}
              onChange={(e) => setDisplayName(e.currentTarget.value)}
            />
          )}
          <PasswordInput
            label={data.existingUser ? t('auth.password') : t('invite.newPassword')}
            required
            autoComplete={data.existingUser ? 'current-password' : 'new-password'}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            visibilityToggleButtonProps={{ 'aria-label': t('auth.showPassword') }}
          />
          {!data.existingUser && (
            <PasswordInput
              label={t('invite.confirmPassword')}
              required
              autoComplete="new-password"
              value={confirmation}
              onChange={(e) => setConfirmation(e.currentTarget.value)}
              error={mismatch ? t('invite.passwordMismatch') : undefined}
              visibilityToggleButtonProps={{ 'aria-label': t('auth.showPassword') }}
            />
          )}
          <Button
            type="submit"
            loading={busy}
            disabled={!password || (!data.existingUser && (!displayName.trim() || confirmation !== password))}
          >
            {t('invite.accept')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  )
}
