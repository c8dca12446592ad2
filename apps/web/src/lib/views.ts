import type { Me, TicketQuery } from '../api/types.ts'
import { OPEN_STATUSES } from '../api/types.ts'

/** An inbox view: a name (translated or a saved filter's own) and the list query behind it. */
export type InboxView = {
  key: string
  /** Translation key, or the saved filter's name as typed by its owner. */
  label: { key: string } | { text: string }
  query: TicketQuery
  group: 'personal' | 'team' | 'saved'
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
    },
    {
      key: 'unassigned',
      label: { key: 'inbox.views.unassigned' },
      query: { teamId: 'mine', assigneeId: 'none', status: ['new', 'open'] },
      group: 'personal',
    },
  ]
  if (isSupervisor) {
    views.push({
      key: 'all',
      label: { key: 'inbox.views.allOpen' },
      query: { status: [...OPEN_STATUSES] },
      group: 'personal',
    })
  }
  const myTeams = me.role === 'admin' ? teams : me.teams
  for (const team of myTeams) {
    views.push({
      key: `team-${team.id}`,
      label: { text: team.name },
      query: { teamId: team.id, status: [...OPEN_STATUSES] },
      group: 'team',
    })
  }
  return views
}

export const savedViewToInbox = (view: SavedView): InboxView => ({
  key: `saved-${view.id}`,
  label: { text: view.name },
  query: view.query,
  group: 'saved',
})
