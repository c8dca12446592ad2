import { ActionIcon, Anchor, Group, Text, Tooltip } from '@mantine/core'
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react'
import { useEffect, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { usePrefetchTicket, useTicketList } from '../api/queries.ts'
import type { Ticket } from '../api/types.ts'
import { homeViewKey, inboxListQuery, inboxOrigin } from '../lib/views.ts'
import { useSession } from '../session.tsx'
import { useInboxViews } from './Layout.tsx'

/**
 * The inbox list the agent opened this ticket from (its view, filter, sort and search), or the
 * desk's start view: where "back" goes and what next and previous (j/k) walk.
 */
export const useTicketPager = (ticketNumber: number | undefined) => {
  const { isSupervisor } = useSession()
  const views = useInboxViews()
  const navigate = useNavigate()
  const prefetch = usePrefetchTicket()
  const origin = inboxOrigin()
  const home = homeViewKey(isSupervisor)
  const view = origin?.view ?? home
  const params = origin?.params ?? new URLSearchParams()
  const backTo = origin?.path ?? `/inbox/${home}`
  const query = inboxListQuery(view, params, views)
  // The same query as the inbox, so its cached pages are used, not asked for again.
  const list = useTicketList(query ?? {}, !!query)
  const tickets = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data])
  const found = tickets.findIndex((x) => x.number === ticketNumber)
  // A ticket that leaves the list (solved from an open view) keeps its place for next/previous.
  const lastIndex = useRef<{ number: number | undefined; index: number }>({ number: undefined, index: -1 })
  if (found >= 0) lastIndex.current = { number: ticketNumber, index: found }
  const kept = lastIndex.current.number === ticketNumber ? lastIndex.current.index : -1
  const previous: Ticket | undefined =
    found >= 0 ? tickets[found - 1] : kept > 0 ? tickets[kept - 1] : undefined
  const next: Ticket | undefined = found >= 0 ? tickets[found + 1] : kept >= 0 ? tickets[kept] : undefined
  const canLoadMore = !next && list.hasNextPage && (found >= 0 || kept >= 0)

  useEffect(() => {
    if (previous) prefetch(previous.number)
    if (next) prefetch(next.number)
  }, [previous, next, prefetch])

  const go = (ticket: Ticket | undefined) => {
    if (ticket) navigate(`/tickets/${ticket.number}`)
  }
  const goNext = async () => {
    if (next) return go(next)
    if (!canLoadMore) return
    const more = await list.fetchNextPage()
    const all = more.data?.pages.flatMap((p) => p.items) ?? []
    const at = all.findIndex((x) => x.number === ticketNumber)
    go(all[(at >= 0 ? at : kept) + (at >= 0 ? 1 : 0)])
  }
  return {
    backTo,
    previous,
    next,
    hasNext: !!next || canLoadMore,
    position: found >= 0 ? found + 1 : undefined,
    total: tickets.length,
    more: !!list.hasNextPage,
    goPrevious: () => go(previous),
    goNext: () => void goNext(),
  }
}

export type TicketPagerState = ReturnType<typeof useTicketPager>

/** Back to the list, its position in it, and buttons to the previous and next ticket. */
export const TicketPager = ({ pager }: { pager: TicketPagerState }) => {
  const { t } = useTranslation()
  return (
    <Group gap={6} wrap="nowrap" data-testid="ticket-pager">
      <Anchor component={Link} to={pager.backTo} size="sm" style={{ whiteSpace: 'nowrap' }}>
        {t('ticket.backToInbox')}
      </Anchor>
      {pager.position !== undefined && (
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid="ticket-position">
          {t(pager.more ? 'ticket.positionMore' : 'ticket.position', {
            position: pager.position,
            total: pager.total,
          })}
        </Text>
      )}
      <Tooltip label={t('ticket.previous')} withArrow>
        <ActionIcon
          variant="default"
          size="md"
          aria-label={t('ticket.previous')}
          disabled={!pager.previous}
          onClick={pager.goPrevious}
          data-testid="ticket-previous"
        >
          <IconChevronLeft size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t('ticket.next')} withArrow>
        <ActionIcon
          variant="default"
          size="md"
          aria-label={t('ticket.next')}
          disabled={!pager.hasNext}
          onClick={pager.goNext}
          data-testid="ticket-next"
        >
          <IconChevronRight size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
    </Group>
  )
}
