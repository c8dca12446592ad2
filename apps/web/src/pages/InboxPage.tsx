import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  Menu,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core'
import { useHotkeys, useMediaQuery } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import { IconClock, IconDeviceFloppy, IconTag, IconUserCheck, IconUsers } from '@tabler/icons-react'
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router'
import { api } from '../api/client.ts'
import { usePrefetchTicket, useSavedViewMutations, useStoreTicket, useTicketList } from '../api/queries.ts'
import type { AssignTicketInput, Ticket, TicketDetail, TicketQuery, TicketStatus } from '../api/types.ts'
import { TICKET_STATUSES } from '../api/types.ts'
import { ErrorPage } from '../components/ErrorPage.tsx'
import { useInboxViews } from '../components/Layout.tsx'
import { ChannelIcon, PriorityBadge, StatusBadge } from '../components/TicketBits.tsx'
import { TransferDialog } from '../components/TransferDialog.tsx'
import { type ClosingAnswers, finishesWork } from '../features/closing/api.ts'
import { ClosingDialog } from '../features/closing/ClosingDialog.tsx'
import { splitFilterParam } from '../features/fields/field-helpers.ts'
import { PromiseMark } from '../features/promises/PromiseMark.tsx'
import { duration, relativeTime } from '../lib/format.ts'
import {
  type InboxSort,
  inboxListQuery,
  PROMISE_FILTER_STATES,
  promiseFilterOf,
  rememberInboxOrigin,
} from '../lib/views.ts'
import { useSession } from '../session.tsx'

// Loaded when the inbox first shows: the first page stays as small as it was.
const FieldFilterControl = lazy(() =>
  import('../features/fields/FieldFilterControl.tsx').then((m) => ({ default: m.FieldFilterControl })),
)

/** Waiting since (an unanswered customer message) or, once answered, the time to the first answer. */
const WaitingCell = ({ ticket, lang }: { ticket: Ticket; lang: string }) => {
  const { t } = useTranslation()
  if (ticket.waitingSince) {
    return (
      <Group gap={4} wrap="nowrap" title={t('inbox.waitingSince')}>
        <IconClock size={14} color="var(--mantine-color-orange-7)" aria-hidden />
        <Text size="sm" fw={600}>
          {relativeTime(ticket.waitingSince, lang)}
        </Text>
      </Group>
    )
  }
  if (ticket.firstResponseAt) {
    return (
      <Text size="sm" c="dimmed" title={t('inbox.firstAnswer')} style={{ whiteSpace: 'nowrap' }}>
        {t('inbox.answeredIn', {
          duration: duration(
            new Date(ticket.firstResponseAt).getTime() - new Date(ticket.createdAt).getTime(),
            lang,
          ),
        })}
      </Text>
    )
  }
  return <Text size="sm">–</Text>
}

/** Cells that must read whole (badges, times): never wrapped, never squeezed. */
const whole = { whiteSpace: 'nowrap' } as const

export const InboxPage = () => {
  const { t, i18n } = useTranslation()
  const { view = 'mine' } = useParams()
  const [params, setParams] = useSearchParams()
  const navigate = useNavigate()
  const { me } = useSession()
  const views = useInboxViews()
  const store = useStoreTicket()
  const savedViews = useSavedViewMutations()
  const prefetch = usePrefetchTicket()

  const current = views.find((v) => v.key === view)
  const searchQ = view === 'search' ? (params.get('q') ?? '').trim() : ''
  const sort = (params.get('sort') as InboxSort | null) ?? 'updated'
  const statusFilter = (params.get('status') ?? '').split(',').filter(Boolean) as TicketStatus[]
  const promiseFilter = promiseFilterOf(params)
  const promiseFilterLabels = {
    breached: t('promises.inbox.filterBreached'),
    warning: t('promises.inbox.filterWarning'),
    running: t('promises.inbox.filterRunning'),
    paused: t('promises.inbox.filterPaused'),
  }
  // Custom field filters of the address come on top of the view's own (a saved view may have some).
  const fieldFilters = splitFilterParam(params.get('field'))
  const viewQuery = inboxListQuery(view, params, views)
  const query: TicketQuery | undefined =
    viewQuery && fieldFilters.length > 0
      ? { ...viewQuery, field: [...(Array.isArray(viewQuery.field) ? viewQuery.field : []), ...fieldFilters] }
      : viewQuery
  const location = useLocation()
  const isPhone = useMediaQuery('(max-width: 48em)')

  // The ticket page's next and previous (j/k) walk this list.
  useEffect(() => {
    rememberInboxOrigin(location.pathname + location.search)
  }, [location.pathname, location.search])

  const list = useTicketList(query ?? {}, !!query)
  const tickets = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data])

  const [cursor, setCursor] = useState(0)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [transferOpen, setTransferOpen] = useState(false)
  const [saveOpen, setSaveOpen] = useState(false)
  const [saveName, setSaveName] = useState('')
  const [tagOpen, setTagOpen] = useState(false)
  // A bulk solve asks the closing checklist once; its answers go with every ticket it solves.
  const [solveTo, setSolveTo] = useState<TicketStatus | null>(null)
  const [tag, setTag] = useState('')
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([])

  // biome-ignore lint/correctness/useExhaustiveDependencies: another view or search starts afresh
  useEffect(() => {
    setCursor(0)
    setSelected(new Set())
  }, [view, searchQ])

  const open = (ticket: Ticket | undefined, focus?: 'reply' | 'note') => {
    if (ticket) navigate(`/tickets/${ticket.number}${focus ? `?compose=${focus}` : ''}`)
  }
  const move = (delta: number) => {
    const next = Math.max(0, Math.min(tickets.length - 1, cursor + delta))
    setCursor(next)
    rowRefs.current[next]?.focus()
  }
  const toggle = (id: string) =>
    setSelected((old) => {
      const next = new Set(old)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  useHotkeys([
    ['j', () => move(1)],
    ['k', () => move(-1)],
    ['Enter', () => open(tickets[cursor])],
    ['x', () => tickets[cursor] && toggle(tickets[cursor].id)],
    ['r', () => open(tickets[cursor], 'reply')],
    ['n', () => open(tickets[cursor], 'note')],
  ])

  /** Runs a change on every selected ticket; reports how many worked. */
  const bulk = async (run: (ticket: Ticket) => Promise<TicketDetail>) => {
    const chosen = tickets.filter((x) => selected.has(x.id))
    const results = await Promise.allSettled(chosen.map(run))
    let ok = 0
    for (const r of results) {
      if (r.status === 'fulfilled') {
        ok++
        store(r.value)
      }
    }
    const failed = results.length - ok
    notifications.show({
      color: failed ? 'orange' : 'green',
      message: failed
        ? t('inbox.bulk.partly', {
            ok,
            failed,
            reason:
              (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason?.message ?? '',
          })
        : t('inbox.bulk.done', { count: ok }),
    })
    setSelected(new Set())
  }
  const bulkAssign = (input: AssignTicketInput | ((ticket: Ticket) => AssignTicketInput)) =>
    bulk((x) =>
      api<TicketDetail>(`/tickets/${x.number}/assign`, {
        method: 'POST',
        body: typeof input === 'function' ? input(x) : input,
      }),
    )
  const bulkStatus = (status: TicketStatus, closing?: ClosingAnswers) => {
    const solves = tickets.some((x) => selected.has(x.id) && finishesWork(x.status, status))
    if (solves && !closing) {
      setSolveTo(status)
      return Promise.resolve()
    }
    return bulk((x) =>
      api<TicketDetail>(`/tickets/${x.number}`, {
        method: 'PATCH',
        body: { status, ...(closing && finishesWork(x.status, status) ? { closing } : {}) },
      }),
    )
  }
  const bulkTag = (value: string) =>
    bulk((x) =>
      api<TicketDetail>(`/tickets/${x.number}`, {
        method: 'PATCH',
        body: { tags: [...new Set([...x.tags, value])] },
      }),
    )

  if (!current && view !== 'search') return <ErrorPage kind="notFound" />

  const title =
    view === 'search'
      ? t('inbox.searchTitle', { q: searchQ })
      : current && ('key' in current.label ? t(current.label.key) : current.label.text)
  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params)
    if (value) next.set(key, value)
    else next.delete(key)
    setParams(next, { replace: true })
  }
  const allSelected = tickets.length > 0 && tickets.every((x) => selected.has(x.id))

  return (
    <Stack gap="sm" p="md">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h3" data-testid="inbox-title">
          {title}
        </Title>
        <Group gap="xs" align="flex-end" w={{ base: '100%', xs: 'auto' }}>
          <MultiSelect
            size="xs"
            label={t('inbox.filterStatus')}
            data={TICKET_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            value={statusFilter}
            onChange={(v) => setParam('status', v.join(','))}
            placeholder={t('inbox.viewDefault')}
            clearable
            w={{ base: '100%', xs: 220 }}
          />
          <Select
            size="xs"
            label={t('inbox.sort')}
            data={[
              { value: 'updated', label: t('inbox.sortUpdated') },
              { value: 'created', label: t('inbox.sortCreated') },
              { value: 'waiting', label: t('inbox.sortWaiting') },
              { value: 'due', label: t('promises.inbox.sortDue') },
            ]}
            value={sort}
            onChange={(v) => setParam('sort', v === 'updated' ? null : v)}
            allowDeselect={false}
            w={{ base: '100%', xs: 170 }}
          />
          <MultiSelect
            size="xs"
            label={t('promises.inbox.filter')}
            data={PROMISE_FILTER_STATES.map((s) => ({ value: s, label: promiseFilterLabels[s] }))}
            value={promiseFilter}
            onChange={(v) => setParam('promise', v.join(','))}
            placeholder={t('promises.inbox.filterAny')}
            clearable
            w={{ base: '100%', xs: 200 }}
            data-testid="inbox-promise-filter"
          />
          <Suspense fallback={null}>
            <FieldFilterControl
              value={fieldFilters}
              onChange={(next) => setParam('field', next.join(',') || null)}
            />
          </Suspense>
          {query && (
            <Button
              size="xs"
              variant="default"
              leftSection={<IconDeviceFloppy size={14} aria-hidden />}
              onClick={() => {
                setSaveName('')
                setSaveOpen(true)
              }}
            >
              {t('inbox.saveView')}
            </Button>
          )}
        </Group>
      </Group>

      {selected.size > 0 && (
        <Group gap="xs" role="toolbar" aria-label={t('inbox.bulk.label')} data-testid="bulk-bar">
          <Text size="sm" fw={600}>
            {t('inbox.bulk.selected', { count: selected.size })}
          </Text>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconUserCheck size={14} aria-hidden />}
            onClick={() =>
              // Taking: only if the assignee is still who the list showed (else 409, counted as not done).
              void bulkAssign((x) => ({ assigneeId: me.id, expectAssigneeId: x.assignee?.id ?? null }))
            }
          >
            {t('inbox.bulk.assignMe')}
          </Button>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconUsers size={14} aria-hidden />}
            onClick={() => setTransferOpen(true)}
          >
            {t('inbox.bulk.transfer')}
          </Button>
          <Menu>
            <Menu.Target>
              <Button size="xs" variant="light">
                {t('inbox.bulk.status')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {TICKET_STATUSES.filter((s) => s !== 'new').map((s) => (
                <Menu.Item key={s} onClick={() => void bulkStatus(s)}>
                  {t(`status.${s}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button
            size="xs"
            variant="light"
            leftSection={<IconTag size={14} aria-hidden />}
            onClick={() => {
              setTag('')
              setTagOpen(true)
            }}
          >
            {t('inbox.bulk.tag')}
          </Button>
        </Group>
      )}

      {list.isError ? (
        <Alert color="red" role="alert">
          {list.error.message}
        </Alert>
      ) : view === 'search' && !searchQ ? (
        <Text c="dimmed">{t('inbox.searchEmpty')}</Text>
      ) : (
        <>
          {view === 'search' && list.data?.pages[0]?.match === 'similar' && tickets.length > 0 && (
            <Text size="sm" c="dimmed" data-testid="search-similar">
              {t('inbox.similarSearch', { q: searchQ })}
            </Text>
          )}
          <Table
            highlightOnHover
            verticalSpacing={6}
            aria-label={title}
            data-testid="ticket-table"
            layout={isPhone ? 'fixed' : 'auto'}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36}>
                  <Checkbox
                    aria-label={t('inbox.selectAll')}
                    checked={allSelected}
                    indeterminate={selected.size > 0 && !allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(tickets.map((x) => x.id)))}
                  />
                </Table.Th>
                {isPhone ? (
                  <Table.Th>{t('inbox.col.ticket')}</Table.Th>
                ) : (
                  <>
                    <Table.Th>{t('inbox.col.number')}</Table.Th>
                    <Table.Th>{t('inbox.col.subject')}</Table.Th>
                    <Table.Th>{t('inbox.col.customer')}</Table.Th>
                    <Table.Th>{t('inbox.col.channel')}</Table.Th>
                    <Table.Th>{t('inbox.col.status')}</Table.Th>
                    <Table.Th>{t('inbox.col.priority')}</Table.Th>
                    <Table.Th>{t('inbox.col.assignee')}</Table.Th>
                    <Table.Th>{t('inbox.col.waiting')}</Table.Th>
                  </>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tickets.map((ticket, i) => (
                <Table.Tr
                  key={ticket.id}
                  ref={(el) => {
                    rowRefs.current[i] = el
                  }}
                  className="ticket-row"
                  data-active={i === cursor}
                  data-testid="ticket-row"
                  tabIndex={i === cursor ? 0 : -1}
                  aria-selected={selected.has(ticket.id)}
                  onFocus={() => {
                    setCursor(i)
                    prefetch(ticket.number)
                  }}
                  onMouseEnter={() => prefetch(ticket.number)}
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('input,a,button')) return
                    open(ticket)
                  }}
                >
                  <Table.Td style={{ verticalAlign: isPhone ? 'top' : undefined }}>
                    <Checkbox
                      aria-label={t('inbox.selectTicket', { number: ticket.number })}
                      checked={selected.has(ticket.id)}
                      onChange={() => toggle(ticket.id)}
                    />
                  </Table.Td>
                  {isPhone ? (
                    // On a phone one cell holds the whole ticket, in three short lines.
                    <Table.Td>
                      <Stack gap={4}>
                        <Group gap="xs" wrap="nowrap" justify="space-between">
                          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                            <Anchor component={Link} to={`/tickets/${ticket.number}`} size="sm">
                              #{ticket.number}
                            </Anchor>
                            <Text size="sm" c="dimmed" truncate="end">
                              {ticket.customer.name}
                            </Text>
                          </Group>
                          <PromiseMark promise={ticket.promise} />
                        </Group>
                        <Text size="sm" fw={ticket.status === 'new' ? 700 : 400} lineClamp={2}>
                          {ticket.subject}
                        </Text>
                        <Group gap={6}>
                          <ChannelIcon channel={ticket.channel} size={14} />
                          <StatusBadge status={ticket.status} />
                          <PriorityBadge priority={ticket.priority} />
                          <Text size="xs" c="dimmed">
                            {ticket.assignee?.name ?? t('ticket.unassigned')}
                          </Text>
                          {/* Last, on a line that wraps: "answered in 2 hr 5 min" never widens the page. */}
                          <WaitingCell ticket={ticket} lang={i18n.language} />
                        </Group>
                      </Stack>
                    </Table.Td>
                  ) : (
                    <>
                      <Table.Td style={whole}>
                        <Anchor component={Link} to={`/tickets/${ticket.number}`} size="sm">
                          #{ticket.number}
                        </Anchor>
                      </Table.Td>
                      {/* The subject takes the room the other columns leave, and is cut at its end. */}
                      <Table.Td style={{ width: '100%', maxWidth: 0 }}>
                        <Group gap={6} wrap="nowrap">
                          <PromiseMark promise={ticket.promise} />
                          <Text
                            size="sm"
                            fw={ticket.status === 'new' ? 700 : 400}
                            truncate="end"
                            style={{ minWidth: 0 }}
                          >
                            {ticket.subject}
                          </Text>
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate="end" maw={200}>
                          {ticket.customer.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <ChannelIcon channel={ticket.channel} />
                      </Table.Td>
                      <Table.Td style={whole}>
                        <StatusBadge status={ticket.status} />
                      </Table.Td>
                      <Table.Td style={whole}>
                        <PriorityBadge priority={ticket.priority} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate="end" maw={160}>
                          {ticket.assignee?.name ?? '–'}
                        </Text>
                      </Table.Td>
                      <Table.Td style={whole}>
                        <WaitingCell ticket={ticket} lang={i18n.language} />
                      </Table.Td>
                    </>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      {list.isSuccess && tickets.length === 0 && (
        <Text c="dimmed" data-testid="inbox-empty">
          {view === 'search'
            ? t('inbox.emptySearch', { q: searchQ })
            : promiseFilter.length > 0
              ? t('promises.inbox.emptyFiltered')
              : statusFilter.length > 0 || fieldFilters.length > 0
                ? t('inbox.emptyFiltered')
                : t(current?.empty ?? 'inbox.emptyView.all')}
        </Text>
      )}
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('inbox.more')}
        </Button>
      )}

      <ClosingDialog
        opened={solveTo !== null}
        onCancel={() => setSolveTo(null)}
        onConfirm={async (closing) => {
          if (solveTo) await bulkStatus(solveTo, closing)
          setSolveTo(null)
        }}
      />
      <TransferDialog
        opened={transferOpen}
        onClose={() => setTransferOpen(false)}
        count={selected.size}
        onSubmit={(input) => bulkAssign(input)}
      />
      <Modal opened={tagOpen} onClose={() => setTagOpen(false)} title={t('inbox.bulk.tag')}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (tag.trim()) void bulkTag(tag.trim()).then(() => setTagOpen(false))
          }}
        >
          <Stack>
            <TextInput
              label={t('ticket.tag')}
              value={tag}
              onChange={(e) => setTag(e.currentTarget.value)}
              required
            />
            <Button type="submit">{t('common.apply')}</Button>
          </Stack>
        </form>
      </Modal>
      <Modal opened={saveOpen} onClose={() => setSaveOpen(false)} title={t('inbox.saveView')}>
        <form
          onSubmit={(e) => {
            e.preventDefault()
            if (!query || !saveName.trim()) return
            savedViews.create.mutate(
              { name: saveName.trim(), query },
              {
                onSuccess: (created) => {
                  setSaveOpen(false)
                  navigate(`/inbox/saved-${created.id}`)
                },
                onError: (err) => notifications.show({ color: 'red', message: err.message }),
              },
            )
          }}
        >
          <Stack>
            <TextInput
              label={t('inbox.viewName')}
              value={saveName}
              onChange={(e) => setSaveName(e.currentTarget.value)}
              required
              maxLength={100}
            />
            <Button type="submit" loading={savedViews.create.isPending}>
              {t('common.save')}
            </Button>
          </Stack>
        </form>
      </Modal>
    </Stack>
  )
}
