import type { Me, TicketQuery, TicketStatus } from '../api/types.ts'
import { OPEN_STATUSES } from '../api/types.ts'

/** An inbox view: a name (translated or a saved filter's own) and the list query behind it. */
export type InboxView = {
  key: string
  /** Translation key, or the saved filter's name as typed by its owner. */
  label: { key: string } | { text: string }
  query: TicketQuery
  group: 'personal' | 'team' | 'saved'
  /** Translation key of what an empty list of this view means. */
  empty: string
}

export type SavedView = { id: string; name: string; query: TicketQuery }

/** The "Mine" view's list query (also asked for before the session is known, see main.tsx). */
export const MINE_QUERY: TicketQuery = { assigneeId: 'me', status: [...OPEN_STATUSES] }

export const builtInViews = (me: Me, isSupervisor: boolean, teams: { id: string; name: string }[]) => {
  const views: InboxView[] = [
    {
      key: 'mine',
      label: { key: 'inbox.views.mine' },
      query: MINE_QUERY,
      group: 'personal',
      empty: 'inbox.emptyView.mine',
    },
    {
      key: 'unassigned',
      label: { key: 'inbox.views.unassigned' },
      query: { teamId: 'mine', assigneeId: 'none', status: ['new', 'open'] },
      group: 'personal',
      empty: me.teams.length ? 'inbox.emptyView.unassigned' : 'inbox.emptyView.unassignedNoTeam',
    },
  ]
  if (isSupervisor) {
    views.push({
      key: 'all',
      label: { key: 'inbox.views.allOpen' },
      query: { status: [...OPEN_STATUSES] },
      group: 'personal',
      empty: 'inbox.emptyView.all',
    })
  }
  const myTeams = me.role === 'admin' ? teams : me.teams
  for (const team of myTeams) {
    views.push({
      key: `team-${team.id}`,
      label: { text: team.name },
      query: { teamId: team.id, status: [...OPEN_STATUSES] },
      group: 'team',
      empty: 'inbox.emptyView.team',
    })
  }
  return views
}

export const savedViewToInbox = (view: SavedView): InboxView => ({
  key: `saved-${view.id}`,
  label: { text: view.name },
  query: view.query,
  group: 'saved',
  empty: 'inbox.emptyView.saved',
})

/**
 * Where the desk opens: supervisors and admins look after the whole desk ("All open"), agents
 * after their own tickets ("Mine").
 */
export const homeViewKey = (isSupervisor: boolean) => (isSupervisor ? 'all' : 'mine')

export type InboxSort = 'updated' | 'created' | 'waiting' | 'due'

/** The promise states the inbox filters on (`?promise=breached,warning`). */
export const PROMISE_FILTER_STATES = ['breached', 'warning', 'running', 'paused'] as const
export type PromiseFilterState = (typeof PROMISE_FILTER_STATES)[number]

/** The promise filter of an inbox address; unknown words are left out. */
export const promiseFilterOf = (params: URLSearchParams): PromiseFilterState[] =>
  (params.get('promise') ?? '')
    .split(',')
    .filter((s): s is PromiseFilterState => (PROMISE_FILTER_STATES as readonly string[]).includes(s))

/**
 * The list query of an inbox address (`/inbox/:view?status=…&promise=…&sort=…&q=…`): the view's
 * own query with the status and promise filters and the sort of the address. Undefined while there is nothing to ask for (an
 * empty search, a view not known yet).
 */
export const inboxListQuery = (
  view: string,
  params: URLSearchParams,
  views: InboxView[],
): TicketQuery | undefined => {
  const q = view === 'search' ? (params.get('q') ?? '').trim() : ''
  const base = view === 'search' ? (q ? { q } : undefined) : views.find((v) => v.key === view)?.query
  if (!base) return undefined
  const status = (params.get('status') ?? '').split(',').filter(Boolean) as TicketStatus[]
  const sort = (params.get('sort') as InboxSort | null) ?? 'updated'
  const promise = promiseFilterOf(params)
  return {
    ...base,
    ...(status.length ? { status } : {}),
    ...(promise.length ? { promise } : {}),
    ...(sort !== 'updated' ? { sort } : {}),
  }
}

const ORIGIN_KEY = 'tresen.inboxOrigin'

/** Remembers the inbox list (address with filter, sort, search) the agent opens tickets from. */
export const rememberInboxOrigin = (pathAndSearch: string) => {
  sessionStorage.setItem(ORIGIN_KEY, pathAndSearch)
}

/** The inbox list the agent came from, as view key and parameters; null when none yet. */
export const inboxOrigin = (): { path: string; view: string; params: URLSearchParams } | null => {
  const path = sessionStorage.getItem(ORIGIN_KEY)
  if (!path?.startsWith('/inbox/')) return null
  const url = new URL(path, window.location.origin)
  return { path, view: decodeURIComponent(url.pathname.slice('/inbox/'.length)), params: url.searchParams }
}
