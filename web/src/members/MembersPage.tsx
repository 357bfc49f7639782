import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core'
import { IconCheck, IconCopy, IconMailPlus, IconTrash, IconX } from '@tabler/icons-react'
import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiError } from '../api'
import { useSession } from '../auth/session'
import { ErrorAlert } from '../common/ErrorAlert'
import { formatDate, formatDateTime } from '../common/format'
import { asApiError, useLang, useQuery } from '../common/hooks'
import { notifyError, notifySuccess } from '../common/notify'
import { PageLoader } from '../common/PageLoader'
import { ROLES, type CreatedInvitation, type Invitation, type Member, type Role } from '../types'

/** Members of the own organisation (admin): roles, MFA, removal, invitations. */
export function MembersPage() {
  const { t } = useTranslation()
  const { membership } = useSession()
  const members = useQuery<Member[]>('/api/v1/members')
  const invitations = useQuery<Invitation[]>(membership?.role === 'admin' ? '/api/v1/invitations' : null)

  return (
    <Stack gap="lg" maw={1100}>
      <Title order={1} size="h2">
        {t('members.title')}
      </Title>
      <MemberTable members={members.data} error={members.error} loading={members.loading} reload={members.reload} />
      <InviteForm onInvited={invitations.reload} />
      <InvitationTable invitations={invitations.data} error={invitations.error} reload={invitations.reload} />
    </Stack>
  )
}

function roleOptions(t: (key: string) => string) {
  return ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))
}

function MemberTable({
  members,
  error,
  loading,
  reload,
}: {
  members: Member[] | undefined
  error: ApiError | null
  loading: boolean
  reload: () => void
}) {
  const { t } = useTranslation()
  const lang = useLang()
  const { session } = useSession()
  const [removing, setRemoving] = useState<Member | null>(null)
  const [actionError, setActionError] = useState<ApiError | null>(null)

  async function changeRole(member: Member, role: Role) {
    setActionError(null)
    try {
      await api.patch(`/api/v1/members/${member.userId}`, { role })
      notifySuccess(t('members.roleChanged', { name: member.displayName, role: t(`roles.${role}`) }))
      reload()
    } catch (reason) {
      setActionError(asApiError(reason))
    }
  }

  async function remove(member: Member) {
    setActionError(null)
    try {
      await api.delete(`/api/v1/members/${member.userId}`)
      notifySuccess(t('members.removed', { name: member.displayName }))
      reload()
    } catch (reason) {
      setActionError(asApiError(reason))
    } finally {
      setRemoving(null)
    }
  }

  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="sm">
        {t('members.listTitle')}
      </Title>
      <Stack gap="sm">
        <ErrorAlert error={error ?? actionError} onClose={actionError ? () => setActionError(null) : undefined} />
        {loading && !members ? (
          <PageLoader />
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped highlightOnHover verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('members.name')}</Table.Th>
                  <Table.Th>{t('auth.email')}</Table.Th>
                  <Table.Th w={170}>{t('members.role')}</Table.Th>
                  <Table.Th>{t('members.mfa')}</Table.Th>
                  <Table.Th>{t('members.joinedAt')}</Table.Th>
                  <Table.Th w={60}>
                    <span className="mantine-visually-hidden">{t('common.actions')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(members ?? []).map((member) => {
                  const self = member.userId === session?.user?.id
                  return (
                    <Table.Tr key={member.userId}>
                      <Table.Td>
                        {member.displayName}
                        {self && (
                          <Badge ml={6} size="xs" variant="light" tt="none">
                            {t('members.you')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{member.email}</Table.Td>
                      <Table.Td>
                        <Select
                          size="xs"
                          aria-label={t('members.roleOf', { name: member.displayName })}
                          data={roleOptions(t)}
                          value={member.role}
                          allowDeselect={false}
                          disabled={self}
                          onChange={(role) => role && role !== member.role && void changeRole(member, role as Role)}
                        />
                      </Table.Td>
                      <Table.Td>
                        {member.mfaEnabled ? (
                          <Badge color="teal" variant="light" leftSection={<IconCheck size={12} />} tt="none">
                            {t('members.mfaOn')}
                          </Badge>
                        ) : (
                          <Badge color="gray" variant="light" tt="none">
                            {t('members.mfaOff')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{formatDate(member.joinedAt, lang)}</Table.Td>
                      <Table.Td>
                        <Tooltip label={t('members.remove')}>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            disabled={self}
                            aria-label={t('members.removeWho', { name: member.displayName })}
                            onClick={() => setRemoving(member)}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={t('members.removeTitle')}>
        <Stack>
          <Text size="sm">{t('members.removeConfirm', { name: removing?.displayName ?? '', email: removing?.email ?? '' })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              {t('common.cancel')}
            </Button>
            <Button color="red" onClick={() => removing && void remove(removing)}>
              {t('members.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  )
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('editor')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<CreatedInvitation | null>(null)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const invitation = await api.post<CreatedInvitation>('/api/v1/invitations', { email: email.trim(), role })
      setCreated(invitation)
      setEmail('')
      onInvited()
    } catch (reason) {
      setError(asApiError(reason))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="xs">
        {t('members.inviteTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('members.inviteHelp')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t('auth.email')}
            type="email"
            required
            w={320}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <Select label={t('members.role')} w={180} data={roleOptions(t)} value={role} allowDeselect={false} onChange={(v) => v && setRole(v as Role)} />
          <Button type="submit" loading={busy} disabled={!email.trim()} leftSection={<IconMailPlus size={16} />}>
            {t('members.invite')}
          </Button>
        </Group>
      </form>
      <Stack gap="sm" mt="sm">
        <ErrorAlert error={error} />
        {created && (
          <Alert color="teal" title={t('members.invitedTitle', { email: created.email })} withCloseButton onClose={() => setCreated(null)} closeButtonLabel={t('common.close')}>
            <Text size="sm" mb={6}>
              {t('members.invitedHelp', { expires: formatDateTime(created.expiresAt, lang) })}
            </Text>
            <Group gap={6} wrap="nowrap">
              <Code style={{ wordBreak: 'break-all' }} data-testid="invitation-link">
                {created.link}
              </Code>
              <CopyButton value={created.link}>
                {({ copied, copy }) => (
                  <Button size="compact-sm" variant="light" onClick={copy} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}>
                    {copied ? t('common.copied') : t('common.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Alert>
        )}
      </Stack>
    </Card>
  )
}

function InvitationTable({ invitations, error, reload }: { invitations: Invitation[] | undefined; error: ApiError | null; reload: () => void }) {
  const { t } = useTranslation()
  const lang = useLang()
  const pending = (invitations ?? []).filter((i) => i.status === 'pending')

  async function revoke(invitation: Invitation) {
    try {
      await api.delete(`/api/v1/invitations/${invitation.id}`)
      notifySuccess(t('members.revoked', { email: invitation.email }))
      reload()
    } catch (reason) {
      notifyError(reason)
    }
  }

  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4" mb="sm">
        {t('members.pendingTitle')}
      </Title>
      <ErrorAlert error={error} />
      {pending.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('members.noPending')}
        </Text>
      ) : (
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('auth.email')}</Table.Th>
              <Table.Th>{t('members.role')}</Table.Th>
              <Table.Th>{t('members.invitedAt')}</Table.Th>
              <Table.Th>{t('members.expiresAt')}</Table.Th>
              <Table.Th w={110}>
                <span className="mantine-visually-hidden">{t('common.actions')}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pending.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>{invitation.email}</Table.Td>
                <Table.Td>{t(`roles.${invitation.role}`)}</Table.Td>
                <Table.Td>{formatDateTime(invitation.createdAt, lang)}</Table.Td>
                <Table.Td>{formatDateTime(invitation.expiresAt, lang)}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    leftSection={<IconX size={14} />}
                    aria-label={t('members.revokeWho', { email: invitation.email })}
                    onClick={() => void revoke(invitation)}
                  >
                    {t('members.revoke')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  )
}
