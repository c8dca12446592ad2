import { Alert, Button, Grid, Group, Select, Skeleton, Stack, TagsInput, Text, Title } from '@mantine/core'
import { useHotkeys } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconArrowsJoin, IconUserCheck, IconUsers } from '@tabler/icons-react'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams, useSearchParams } from 'react-router'
import { ApiError } from '../api/client.ts'
import { useListedTicket, useTeams, useTicket, useTicketMutations, useUsers } from '../api/queries.ts'
import { PRIORITIES, TICKET_STATUSES, type TicketPriority, type TicketStatus } from '../api/types.ts'
import { CustomerPanel } from '../components/CustomerPanel.tsx'
import { ErrorPage } from '../components/ErrorPage.tsx'
import { MergeDialog } from '../components/MergeDialog.tsx'
import { type ComposeKind, ReplyEditor, type ReplyEditorHandle } from '../components/ReplyEditor.tsx'
import { ChannelIcon } from '../components/TicketBits.tsx'
import { TicketPager, useTicketPager } from '../components/TicketPager.tsx'
import { type NameLookup, Timeline } from '../components/Timeline.tsx'
import { TransferDialog } from '../components/TransferDialog.tsx'
import { type ClosingAnswers, finishesWork } from '../features/closing/api.ts'
import { ClosingDialog, ClosingSummary } from '../features/closing/ClosingDialog.tsx'
import { EscalationPanel, HelpRequestButton } from '../features/escalations/EscalationPanel.tsx'
import { TicketFieldsPanel } from '../features/fields/TicketFieldsPanel.tsx'
import { MacroMenu } from '../features/macros/MacroMenu.tsx'
import { PromiseBar } from '../features/promises/PromiseBar.tsx'
import { dateTime } from '../lib/format.ts'
import { PRESENCE_REPEAT_MS, useLive } from '../live/LiveProvider.tsx'
import { useSession } from '../session.tsx'

/** Others on the same ticket: viewing, or typing (a reply may cross theirs). */
const CollisionWarning = ({ ticketId }: { ticketId: string }) => {
  const { t } = useTranslation()
  const { usePresence } = useLive()
  const { me } = useSession()
  const others = usePresence(ticketId).filter((p) => p.staff.id !== me.id)
  if (others.length === 0) return null
  const typing = others.filter((p) => p.state === 'typing').map((p) => p.staff.name)
  const viewing = others.filter((p) => p.state !== 'typing').map((p) => p.staff.name)
  return (
    <Alert
      color={typing.length ? 'red' : 'yellow'}
      icon={<IconAlertTriangle size={18} aria-hidden />}
      role="status"
      data-testid="collision-warning"
    >
      {typing.length > 0 && <Text size="sm">{t('collision.typing', { names: typing.join(', ') })}</Text>}
      {viewing.length > 0 && <Text size="sm">{t('collision.viewing', { names: viewing.join(', ') })}</Text>}
    </Alert>
  )
}

const TicketPage = () => {
  const { t, i18n } = useTranslation()
  const { ref = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const { me } = useSession()
  const ticketQuery = useTicket(ref)
  const ticket = ticketQuery.data
  // What the inbox showed of it: the customer panel starts loading at once, not after the ticket.
  const listed = useListedTicket(ref)
  const pager = useTicketPager(ticket?.number ?? (Number(ref) || undefined))
  const mutations = useTicketMutations(ticket?.number ?? ref)
  const teams = useTeams()
  const users = useUsers()
  const { sendPresence } = useLive()
  const editor = useRef<ReplyEditorHandle>(null)
  const [transferOpen, setTransferOpen] = useState(false)
  const [mergeOpen, setMergeOpen] = useState(false)
  const [closingAsk, setClosingAsk] = useState<{
    run: (closing: ClosingAnswers) => Promise<void>
    cancel: () => void
  } | null>(null)
  const lastTyping = useRef(0)

  const names: NameLookup = useMemo(() => {
    const teamNames = new Map((teams.data ?? []).map((x) => [x.id, x.name]))
    const staffNames = new Map((users.data ?? []).map((x) => [x.id, x.name]))
    return { team: (id) => teamNames.get(id), staff: (id) => staffNames.get(id) }
  }, [teams.data, users.data])

  // A merged ticket's number opens the ticket it lives on now.
  useEffect(() => {
    if (ticket && String(ticket.number) !== ref && ticket.id !== ref) {
      navigate(`/tickets/${ticket.number}`, { replace: true, state: { mergedFrom: ref } })
    }
  }, [ticket, ref, navigate])

  // Presence: others on this ticket see this agent while the page is open.
  const ticketId = ticket?.id
  useEffect(() => {
    if (!ticketId) return
    sendPresence(ticketId, 'viewing')
    const repeat = setInterval(() => sendPresence(ticketId, 'viewing'), PRESENCE_REPEAT_MS)
    return () => {
      clearInterval(repeat)
      sendPresence(ticketId, 'left')
    }
  }, [ticketId, sendPresence])

  // ?compose=reply|note from the inbox shortcuts
  useEffect(() => {
    const compose = params.get('compose') as ComposeKind | null
    if (ticket && compose) {
      editor.current?.focus(compose)
      params.delete('compose')
      setParams(params, { replace: true })
    }
  }, [ticket, params, setParams])

  useHotkeys([
    ['r', () => editor.current?.focus('reply')],
    ['n', () => editor.current?.focus('note')],
    ['u', () => navigate(pager.backTo)],
    ['j', pager.goNext],
    ['k', pager.goPrevious],
  ])

  const typingEnds = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(typingEnds.current), [])
  const onTyping = () => {
    if (!ticketId) return
    const now = Date.now()
    if (now - lastTyping.current > 3000) {
      lastTyping.current = now
      sendPresence(ticketId, 'typing')
    }
    // After a pause the agent is only viewing again.
    clearTimeout(typingEnds.current)
    typingEnds.current = setTimeout(() => {
      lastTyping.current = 0
      sendPresence(ticketId, 'viewing')
    }, 8000)
  }

  const fail = (err: unknown) => notifications.show({ color: 'red', message: (err as Error).message })

  if (ticketQuery.isError) {
    const status = ticketQuery.error instanceof ApiError ? ticketQuery.error.status : 0
    if (status === 404) return <ErrorPage kind="notFound" />
    if (status === 403) return <ErrorPage kind="forbidden" />
    return <ErrorPage kind="unavailable" onRetry={() => void ticketQuery.refetch()} />
  }
  if (!ticket) {
    return (
      <Grid p="md" gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            {listed ? (
              <Title order={1} size="h3">
                {listed.subject}
              </Title>
            ) : (
              <Skeleton h={32} w="50%" />
            )}
            <Skeleton h={300} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          {listed && <CustomerPanel customerId={listed.customer.id} currentTicketId={listed.id} />}
        </Grid.Col>
      </Grid>
    )
  }

  // Solving asks the closing checklist first; the answers go with the solve (a status change or a reply).
  const askClosing = (run: (closing: ClosingAnswers) => Promise<unknown>) =>
    new Promise<boolean>((resolve) =>
      setClosingAsk({
        run: async (closing) => {
          await run(closing)
          setClosingAsk(null)
          resolve(true)
        },
        cancel: () => {
          setClosingAsk(null)
          resolve(false)
        },
      }),
    )
  const setStatus = (status: TicketStatus) => {
    if (finishesWork(ticket.status, status))
      void askClosing((closing) => mutations.update.mutateAsync({ status, closing }))
    else mutations.update.mutate({ status }, { onError: fail })
  }
  const setPriority = (priority: TicketPriority) => mutations.update.mutate({ priority }, { onError: fail })

  return (
    <Grid p="md" gap="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Stack gap="sm">
          {/* On a narrow screen the pager moves below the subject instead of pushing the page wider. */}
          <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
            <Stack gap={2} style={{ flex: '1 1 16rem', minWidth: 0 }}>
              <Group gap={6}>
                <ChannelIcon channel={ticket.channel} />
                <Text size="sm" c="dimmed">
                  #{ticket.number} · {t('ticket.created', { at: dateTime(ticket.createdAt, i18n.language) })}
                </Text>
                {ticket.followUpOf && (
                  <Text
                    size="sm"
                    component={Link}
                    to={`/tickets/${ticket.followUpOf.number}`}
                    data-testid="follow-up-of"
                  >
                    {t('closing.followUpOf', { number: ticket.followUpOf.number })}
                  </Text>
                )}
              </Group>
              <Title order={1} size="h3" style={{ overflowWrap: 'anywhere' }} data-testid="ticket-subject">
                {ticket.subject}
              </Title>
            </Stack>
            <TicketPager pager={pager} />
          </Group>

          <CollisionWarning ticketId={ticket.id} />
          <PromiseBar ticket={ticket} />

          <Group gap="sm" align="flex-end">
            <Select
              label={t('ticket.status')}
              data={TICKET_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
              value={ticket.status}
              onChange={(v) => v && setStatus(v as TicketStatus)}
              allowDeselect={false}
              w={150}
              data-testid="ticket-status"
            />
            <Select
              label={t('ticket.priority')}
              data={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
              value={ticket.priority}
              onChange={(v) => v && setPriority(v as TicketPriority)}
              allowDeselect={false}
              w={130}
            />
            <TagsInput
              label={t('ticket.tags')}
              value={ticket.tags}
              onChange={(tags) => mutations.update.mutate({ tags }, { onError: fail })}
              clearable
              w={260}
            />
          </Group>
          <Group gap="sm">
            <Text size="sm">
              {t('ticket.team')}: <b>{ticket.team?.name ?? '–'}</b>
            </Text>
            <Text size="sm">
              {t('ticket.assignee')}:{' '}
              <b data-testid="ticket-assignee">{ticket.assignee?.name ?? t('ticket.unassigned')}</b>
            </Text>
            {ticket.assignee?.id !== me.id && (
              <Button
                size="xs"
                variant="light"
                leftSection={<IconUserCheck size={14} aria-hidden />}
                onClick={() => {
                  if (ticket.assignee) setTransferOpen(true)
                  // Taking says what it expects: should a colleague have taken it meanwhile, it fails
                  // with their name instead of silently taking it from them.
                  else
                    mutations.assign.mutate(
                      { assigneeId: me.id, expectAssigneeId: null },
                      {
                        onError: (err) =>
                          err instanceof ApiError && err.code === 'ticket.already_taken'
                            ? notifications.show({
                                color: 'yellow',
                                message: err.problem?.params?.name
                                  ? t('ticket.alreadyTakenBy', { name: err.problem.params.name })
                                  : t('ticket.alreadyTaken'),
                              })
                            : fail(err),
                      },
                    )
                }}
                data-testid="ticket-take"
              >
                {t('ticket.take')}
              </Button>
            )}
            <Button
              size="xs"
              variant="light"
              leftSection={<IconUsers size={14} aria-hidden />}
              onClick={() => setTransferOpen(true)}
              data-testid="transfer-open"
            >
              {t('ticket.transfer')}
            </Button>
            <Button
              size="xs"
              variant="light"
              color="gray"
              leftSection={<IconArrowsJoin size={14} aria-hidden />}
              onClick={() => setMergeOpen(true)}
              data-testid="merge-open"
            >
              {t('ticket.merge')}
            </Button>
            <MacroMenu ticketId={ticket.id} ticketStatus={ticket.status} />
            {ticket.status !== 'solved' && ticket.status !== 'closed' && (
              <HelpRequestButton ticket={ticket} />
            )}
          </Group>

          <Timeline entries={ticket.timeline} names={names} />
          <ReplyEditor
            ref={editor}
            ticket={ticket}
            onTyping={onTyping}
            send={async (input, files) => {
              if (!finishesWork(ticket.status, input.status))
                return mutations.addInteraction.mutateAsync({ input, files })
              const solved = await askClosing((closing) =>
                mutations.addInteraction.mutateAsync({ input: { ...input, closing }, files }),
              )
              if (!solved) throw new Error(t('closing.cancelled'))
            }}
          />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap="md">
          <EscalationPanel ticketId={ticket.id} />
          <TicketFieldsPanel ticket={ticket} save={(fields) => mutations.update.mutateAsync({ fields })} />
          {ticket.closing && (ticket.status === 'solved' || ticket.status === 'closed') && (
            <ClosingSummary closing={ticket.closing} />
          )}
          <CustomerPanel customerId={ticket.customer.id} currentTicketId={ticket.id} />
        </Stack>
      </Grid.Col>
      <TransferDialog
        opened={transferOpen}
        onClose={() => setTransferOpen(false)}
        teamId={ticket.team?.id}
        assigneeId={ticket.assignee?.id}
        onSubmit={(input) =>
          mutations.assign.mutateAsync(input).catch((err) => {
            fail(err)
            throw err
          })
        }
      />
      <ClosingDialog
        opened={closingAsk !== null}
        onCancel={() => closingAsk?.cancel()}
        onConfirm={(closing) => closingAsk?.run(closing) ?? Promise.resolve()}
      />
      <MergeDialog
        opened={mergeOpen}
        onClose={() => setMergeOpen(false)}
        ticket={ticket}
        onMerge={async (into, reason) => {
          await mutations.merge.mutateAsync({ into, ...(reason ? { reason } : {}) })
          // This ticket lives on in the other one: go there at once.
          navigate(`/tickets/${into}`, { replace: true })
        }}
      />
    </Grid>
  )
}

export default TicketPage
