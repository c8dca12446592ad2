import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useTeams } from '../api/queries.ts'
import type { ConnectionCheck, EmailChannel } from '../api/types.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'
import { useEmailChannels, useEmailMutations } from '../features/email/api.ts'
import { ConnectionCheckResults } from '../features/email/ConnectionCheckResults.tsx'
import { EmailChannelModal } from '../features/email/EmailChannelModal.tsx'
import { dateTime, relativeTime } from '../lib/format.ts'
import { useSession } from '../session.tsx'

const stateColor = { ok: 'green', error: 'red', idle: 'gray' } as const

const ChannelState = ({ channel }: { channel: EmailChannel }) => {
  const { t, i18n } = useTranslation()
  const { status, error, checkedAt } = channel.state
  return (
    <Stack gap={2}>
      <Badge color={stateColor[status]} variant="light" data-testid="channel-state">
        {t(`email.state.${status}`)}
      </Badge>
      {error && (
        <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
          {error}
        </Text>
      )}
      {checkedAt && (
        <Text
          size="xs"
          c="dimmed"
          component="time"
          dateTime={checkedAt}
          title={dateTime(checkedAt, i18n.language)}
        >
          {t('email.checkedAt', { when: relativeTime(checkedAt, i18n.language) })}
        </Text>
      )}
    </Stack>
  )
}

const EmailAdminPage = () => {
  const { t } = useTranslation()
  const { isAdmin } = useSession()
  const channels = useEmailChannels()
  const teams = useTeams()
  const m = useEmailMutations()
  const [editing, setEditing] = useState<EmailChannel | 'new' | null>(null)
  const [checked, setChecked] = useState<{ channel: EmailChannel; result: ConnectionCheck | null } | null>(
    null,
  )
  if (!isAdmin) return <ErrorPage kind="forbidden" />
  if (channels.isError) return <ErrorPage kind="unavailable" onRetry={() => void channels.refetch()} />

  const teamName = (id: string | null) => (id ? teams.data?.find((x) => x.id === id)?.name : undefined)
  const runCheck = (channel: EmailChannel) => {
    setChecked({ channel, result: null })
    m.check.mutate(channel.id, {
      onSuccess: (result) => setChecked({ channel, result }),
      onError: (err) => {
        setChecked(null)
        notifications.show({ color: 'red', message: err.message })
      },
    })
  }

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('email.title')}
        </Title>
        <Group gap="xs">
          <Button variant="default" component={Link} to="/admin/email/messages">
            {t('email.messages.title')}
          </Button>
          <Button onClick={() => setEditing('new')} data-testid="channel-new">
            {t('email.newChannel')}
          </Button>
        </Group>
      </Group>
      {channels.isPending ? (
        <Loader aria-label={t('email.title')} />
      ) : channels.data.length === 0 ? (
        <Text c="dimmed">{t('email.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label={t('email.title')} highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('email.form.name')}</Table.Th>
                <Table.Th>{t('email.form.team')}</Table.Th>
                <Table.Th>{t('email.servers')}</Table.Th>
                <Table.Th>{t('email.form.active')}</Table.Th>
                <Table.Th>{t('email.stateLabel')}</Table.Th>
                <Table.Th>{t('email.problemsLabel')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('email.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {channels.data.map((c) => (
                <Table.Tr key={c.id} data-testid="channel-row">
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {c.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {c.displayName ? `${c.displayName} <${c.address}>` : c.address}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{teamName(c.teamId) ?? '–'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <Badge
                        variant={c.imap ? 'light' : 'outline'}
                        color={c.imap ? 'blue' : 'gray'}
                        title={c.imap?.host}
                      >
                        {c.imap ? t('email.imapOn') : t('email.imapOff')}
                      </Badge>
                      <Badge
                        variant={c.smtp ? 'light' : 'outline'}
                        color={c.smtp ? 'blue' : 'gray'}
                        title={c.smtp?.host}
                      >
                        {c.smtp ? t('email.smtpOn') : t('email.smtpOff')}
                      </Badge>
                      {c.oauth && (
                        <Badge variant="light" color="teal" title={c.oauth.tokenUrl}>
                          {t('email.oauthOn')}
                        </Badge>
                      )}
                      {c.smtpReceiverAddresses.length > 0 && (
                        <Badge variant="light" color="grape" title={c.smtpReceiverAddresses.join(', ')}>
                          {t('email.receiverOn')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={c.active}
                      aria-label={t('email.activeFor', { name: c.name })}
                      onChange={(e) =>
                        m.update.mutate(
                          { id: c.id, input: { active: e.currentTarget.checked } },
                          { onError: (err) => notifications.show({ color: 'red', message: err.message }) },
                        )
                      }
                    />
                  </Table.Td>
                  <Table.Td maw={280}>
                    <ChannelState channel={c} />
                  </Table.Td>
                  <Table.Td>
                    {c.problems > 0 ? (
                      <Anchor
                        component={Link}
                        to={`/admin/email/messages?channel=${c.id}&status=failed`}
                        c="red"
                        size="sm"
                        data-testid="channel-problems"
                      >
                        {t('email.problems', { count: c.problems })}
                      </Anchor>
                    ) : (
                      <Anchor
                        component={Link}
                        to={`/admin/email/messages?channel=${c.id}&status=all`}
                        size="sm"
                        c="dimmed"
                      >
                        {t('email.noProblems')}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => runCheck(c)}
                        disabled={!c.imap && !c.smtp}
                        aria-label={t('email.check.buttonFor', { name: c.name })}
                      >
                        {t('email.check.button')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => setEditing(c)}
                        aria-label={t('email.editFor', { name: c.name })}
                      >
                        {t('common.edit')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing && (
        <EmailChannelModal
          key={editing === 'new' ? 'new' : editing.id}
          channel={editing}
          onClose={() => setEditing(null)}
        />
      )}
      <Modal
        opened={checked !== null}
        onClose={() => setChecked(null)}
        title={checked ? t('email.check.title', { name: checked.channel.name }) : ''}
        closeButtonProps={{ 'aria-label': t('common.close') }}
      >
        {checked?.result ? (
          <Stack>
            <ConnectionCheckResults result={checked.result} />
            <Group justify="flex-end">
              <Button onClick={() => setChecked(null)}>{t('common.close')}</Button>
            </Group>
          </Stack>
        ) : (
          <Group gap="sm">
            <Loader size="sm" aria-hidden />
            <Text size="sm">{t('email.check.running')}</Text>
          </Group>
        )}
      </Modal>
    </Stack>
  )
}

export default EmailAdminPage
