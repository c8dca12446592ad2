import {
  Alert,
  Anchor,
  Badge,
  Button,
  CloseButton,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconDownload } from '@tabler/icons-react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import {
  INBOUND_STATUSES,
  type InboundMessage,
  type InboundStatus,
  type MessageRetryOutcome,
} from '../api/types.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'
import {
  type MessageFilter,
  rawMessageUrl,
  useEmailChannels,
  useEmailMessages,
  useEmailMutations,
} from '../features/email/api.ts'
import { dateTime } from '../lib/format.ts'
import { useSession } from '../session.tsx'

const statusColor: Record<InboundStatus, string> = {
  failed: 'red',
  imported: 'green',
  ignored: 'gray',
  dismissed: 'gray',
}

type Outcome = { message: InboundMessage; result: MessageRetryOutcome }

/** What became of a retried message: a ticket, or still a failure with its reason. */
const RetryOutcome = ({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) => {
  const { t } = useTranslation()
  const { message, result } = outcome
  const subject = message.subject ?? t('email.messages.noSubject')
  const imported = result.status === 'imported' && result.ticketNumber !== null
  return (
    <Alert
      color={imported ? 'green' : result.status === 'failed' ? 'red' : 'gray'}
      role="status"
      data-testid="retry-outcome"
      withCloseButton={false}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm">
          {imported ? (
            <>
              {t('email.messages.importedInto', { subject })}{' '}
              <Anchor component={Link} to={`/tickets/${result.ticketNumber}`} size="sm">
                #{result.ticketNumber}
              </Anchor>
            </>
          ) : result.status === 'failed' ? (
            t('email.messages.stillFailed', { subject, reason: result.reason ?? '–' })
          ) : (
            t('email.messages.retriedAs', {
              subject,
              status: t(`email.status.${result.status}`, { defaultValue: result.status }),
              reason: result.reason ?? '–',
            })
          )}
        </Text>
        <CloseButton size="sm" onClick={onClose} aria-label={t('common.close')} />
      </Group>
    </Alert>
  )
}

const EmailMessagesPage = () => {
  const { t, i18n } = useTranslation()
  const { isAdmin } = useSession()
  const [params, setParams] = useSearchParams()
  const channelId = params.get('channel') ?? undefined
  const statusParam = params.get('status') ?? 'failed'
  const status = (INBOUND_STATUSES as readonly string[]).includes(statusParam)
    ? (statusParam as InboundStatus)
    : undefined
  const filter: MessageFilter = { channelId, status }
  const channels = useEmailChannels()
  const messages = useEmailMessages(filter)
  const m = useEmailMutations()
  const [outcomes, setOutcomes] = useState<Outcome[]>([])
  if (!isAdmin) return <ErrorPage kind="forbidden" />

  const setFilter = (key: 'channel' | 'status', value: string | null) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
  }
  const channelName = (id: string) => channels.data?.find((c) => c.id === id)?.name ?? '–'
  const items = messages.data?.pages.flatMap((p) => p.items) ?? []
  const showError = (err: Error) => notifications.show({ color: 'red', message: err.message })
  const retry = (message: InboundMessage) =>
    m.retry.mutate(message.id, {
      onSuccess: (result) =>
        setOutcomes((list) => [{ message, result }, ...list.filter((o) => o.message.id !== message.id)]),
      onError: showError,
    })

  return (
    <Stack p="md">
      <Group justify="space-between">
        <Title order={1} size="h3">
          {t('email.messages.title')}
        </Title>
        <Anchor component={Link} to="/admin/email" size="sm">
          {t('email.backToChannels')}
        </Anchor>
      </Group>
      <Group align="flex-end">
        <Select
          label={t('email.messages.channel')}
          data={[
            { value: 'all', label: t('email.messages.allChannels') },
            ...(channels.data ?? []).map((c) => ({ value: c.id, label: c.name })),
          ]}
          value={channelId ?? 'all'}
          onChange={(v) => setFilter('channel', v === 'all' ? null : v)}
          allowDeselect={false}
          w={240}
        />
        <Select
          label={t('email.messages.status')}
          data={[
            ...INBOUND_STATUSES.map((s) => ({ value: s, label: t(`email.status.${s}`) })),
            { value: 'all', label: t('email.messages.allStatuses') },
          ]}
          value={status ?? 'all'}
          onChange={(v) => setFilter('status', v)}
          allowDeselect={false}
          w={200}
          data-testid="messages-status"
        />
      </Group>
      {outcomes.map((o) => (
        <RetryOutcome
          key={o.message.id}
          outcome={o}
          onClose={() => setOutcomes((list) => list.filter((x) => x !== o))}
        />
      ))}
      {messages.isError ? (
        <Alert color="red" role="alert">
          {messages.error.message}
        </Alert>
      ) : messages.isPending ? (
        <Loader aria-label={t('email.messages.title')} />
      ) : items.length === 0 ? (
        <Text c="dimmed" data-testid="messages-empty">
          {status === 'failed' ? t('email.messages.noProblems') : t('email.messages.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table aria-label={t('email.messages.title')} verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('email.messages.received')}</Table.Th>
                {!channelId && <Table.Th>{t('email.messages.channel')}</Table.Th>}
                <Table.Th>{t('email.messages.from')}</Table.Th>
                <Table.Th>{t('email.messages.subject')}</Table.Th>
                <Table.Th>{t('email.messages.status')}</Table.Th>
                <Table.Th>{t('email.messages.reason')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('email.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((msg) => (
                <Table.Tr key={msg.id} data-testid="message-row">
                  <Table.Td>
                    <Text
                      size="sm"
                      component="time"
                      dateTime={msg.receivedAt}
                      style={{ whiteSpace: 'nowrap' }}
                    >
                      {dateTime(msg.receivedAt, i18n.language)}
                    </Text>
                  </Table.Td>
                  {!channelId && (
                    <Table.Td>
                      <Text size="sm">{channelName(msg.channelId)}</Text>
                    </Table.Td>
                  )}
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {msg.from ?? '–'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {msg.subject ?? t('email.messages.noSubject')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={statusColor[msg.status]} variant="light">
                      {t(`email.status.${msg.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td maw={320}>
                    {msg.ticketNumber !== null ? (
                      <Anchor component={Link} to={`/tickets/${msg.ticketNumber}`} size="sm">
                        #{msg.ticketNumber}
                      </Anchor>
                    ) : (
                      <Text
                        size="sm"
                        c={msg.status === 'failed' ? 'red' : 'dimmed'}
                        style={{ overflowWrap: 'anywhere' }}
                      >
                        {msg.reason ?? '–'}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap" justify="flex-end">
                      <Button
                        component="a"
                        href={rawMessageUrl(msg.id)}
                        download
                        size="xs"
                        variant="subtle"
                        leftSection={<IconDownload size={14} aria-hidden />}
                        aria-label={t('email.messages.rawFor', { subject: msg.subject ?? '' })}
                      >
                        {t('email.messages.raw')}
                      </Button>
                      {msg.status === 'failed' && (
                        <>
                          <Button
                            size="xs"
                            variant="light"
                            loading={m.retry.isPending && m.retry.variables === msg.id}
                            onClick={() => retry(msg)}
                            data-testid="message-retry"
                          >
                            {t('email.messages.retry')}
                          </Button>
                          <Button
                            size="xs"
                            variant="subtle"
                            color="gray"
                            loading={m.dismiss.isPending && m.dismiss.variables === msg.id}
                            onClick={() => {
                              if (window.confirm(t('email.messages.dismissConfirm'))) {
                                m.dismiss.mutate(msg.id, { onError: showError })
                              }
                            }}
                            data-testid="message-dismiss"
                          >
                            {t('email.messages.dismiss')}
                          </Button>
                        </>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {messages.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            onClick={() => void messages.fetchNextPage()}
            loading={messages.isFetchingNextPage}
          >
            {t('email.messages.more')}
          </Button>
        </Group>
      )}
    </Stack>
  )
}

export default EmailMessagesPage
