import { FOLD_FROM, FOLD_TO } from '../../apps/server/src/modules/customers/customers.tables.ts'
import { SEARCH_WALK_BUDGET } from '../../apps/server/src/modules/tickets/tickets.repository.ts'
import type { Sample } from './database.ts'
import { SEARCH_QUERIES } from './scenarios.ts'

/**
 * The main SQL of each read scenario, written by hand after the repositories
 * (tickets.repository.ts listVisible / findVisibleWithNames / interactionsOf, customers.repository.ts
 * listCustomers / searchCustomers; compare apps/server/src/modules/tickets/sql/), with the
 * parameters the scenario uses. Search is the plan that walks the inbox order. When a scenario misses
 * its target, the run stores EXPLAIN (ANALYZE, BUFFERS) of these next to the results.
 */
export type Query = { label: string; sql: string; params: unknown[] }

const OPEN = "('new', 'open', 'pending', 'on_hold')"

const ticketList = (where: string, limit = 26) => `
SELECT tickets.*, teams.name AS team_name, staff_users.name AS assignee_name,
       customers.name AS customer_name, merged_target.number AS merged_into_number
  FROM tickets
  LEFT JOIN teams ON teams.id = tickets.team_id
  LEFT JOIN staff_users ON staff_users.id = tickets.assignee_id
  INNER JOIN customers ON customers.id = tickets.customer_id
  LEFT JOIN tickets merged_target ON merged_target.id = tickets.merged_into_id
 WHERE ${where}
 ORDER BY tickets.updated_at DESC, tickets.id DESC
 LIMIT ${limit}`

const visible = (teamsParam: string, staffParam: string) =>
  `(tickets.team_id = ANY(${teamsParam}::uuid[]) OR tickets.assignee_id = ${staffParam})`

// The search vector covers subject and messages in the ticket's language (tickets.search).
const textMatch = (p: string) => `(
  (tickets.language = 'de' AND tickets.search @@ websearch_to_tsquery('german', ${p}))
  OR (tickets.language = 'en' AND tickets.search @@ websearch_to_tsquery('english', ${p})))`

const folded = (x: string) => `translate(replace(lower(${x}), 'ß', 'ss'), '${FOLD_FROM}', '${FOLD_TO}')`

export const scenarioQueries = (sample: Sample, detailTicketNumber: number): Record<string, Query[]> => {
  const agentTeams = sample.agent.teamIds
  const supTeams = [sample.supervisor.teamId]
  const nameQuery = sample.names[0] ?? 'Anna Schmit'
  return {
    inbox_mine: [
      {
        label: 'my open tickets, first page',
        sql: ticketList(
          `${visible('$1', '$2')} AND tickets.merged_into_id IS NULL AND tickets.status IN ${OPEN} AND tickets.assignee_id = $2`,
        ),
        params: [agentTeams, sample.agent.id],
      },
    ],
    inbox_team_unassigned: [
      {
        label: "team's unassigned tickets, first page",
        sql: ticketList(
          `${visible('$1', '$2')} AND tickets.merged_into_id IS NULL AND tickets.status IN ('new', 'open') AND tickets.team_id = $3 AND tickets.assignee_id IS NULL`,
        ),
        params: [supTeams, sample.supervisor.id, sample.supervisor.teamId],
      },
    ],
    inbox_all_open: [
      {
        label: 'all open tickets (admin), first page',
        sql: ticketList(`tickets.merged_into_id IS NULL AND tickets.status IN ${OPEN}`),
        params: [],
      },
    ],
    ticket_detail: [
      {
        label: 'the ticket with names',
        sql: ticketList(
          `tickets.id = (SELECT coalesce(merged_into_id, id) FROM tickets WHERE number = $3) AND ${visible('$1', '$2')}`,
          1,
        ),
        params: [agentTeams, sample.agent.id, detailTicketNumber],
      },
      {
        label: 'its interactions',
        sql: `SELECT interactions.*, staff_users.name, customers.name, merged_from.number
                FROM interactions
                LEFT JOIN staff_users ON staff_users.id = interactions.author_staff_id
                LEFT JOIN customers ON customers.id = interactions.author_customer_id
                LEFT JOIN tickets merged_from ON merged_from.id = interactions.merged_from_ticket_id
               WHERE interactions.ticket_id = (SELECT id FROM tickets WHERE number = $1)
               ORDER BY interactions.created_at, interactions.id`,
        params: [detailTicketNumber],
      },
      {
        label: 'its events',
        sql: `SELECT ticket_events.*, staff_users.name FROM ticket_events
                LEFT JOIN staff_users ON staff_users.id = ticket_events.actor_staff_id
               WHERE ticket_events.ticket_id = (SELECT id FROM tickets WHERE number = $1)
               ORDER BY ticket_events.created_at, ticket_events.id`,
        params: [detailTicketNumber],
      },
    ],
    ...Object.fromEntries(
      (['de', 'en'] as const).map((lang) => [
        `search_${lang}`,
        SEARCH_QUERIES[lang].flatMap((q) => [
          {
            label: `search "${q}": the walk of the newest ${SEARCH_WALK_BUDGET} visible tickets`,
            sql: ticketList(
              `${visible('$1', '$2')} AND tickets.merged_into_id IS NULL AND tickets.id IN (
                 SELECT cand.id FROM (
                   SELECT id, language, search, updated_at FROM tickets
                    WHERE ${visible('$1', '$2')} AND tickets.merged_into_id IS NULL
                    ORDER BY updated_at DESC, id DESC LIMIT ${SEARCH_WALK_BUDGET}) cand
                  WHERE ${textMatch('$3').replaceAll('tickets.', 'cand.')}
                  ORDER BY cand.updated_at DESC, cand.id DESC LIMIT 26)`,
            ),
            params: [agentTeams, sample.agent.id, q],
          },
          {
            label: `search "${q}": all hits through the index (when the walk found less than a page)`,
            sql: ticketList(
              `${visible('$1', '$2')} AND tickets.merged_into_id IS NULL AND tickets.id IN (
                 SELECT id FROM tickets WHERE ${textMatch('$3')} AND ${visible('$1', '$2')} OFFSET 0)`,
            ),
            params: [agentTeams, sample.agent.id, q],
          },
        ]),
      ]),
    ),
    customer_by_email: [
      {
        label: 'customer by email',
        sql: `SELECT * FROM customers
               WHERE customers.id IN (SELECT customer_id FROM customer_emails WHERE email = $1)
               ORDER BY name, id LIMIT 26`,
        params: [sample.emails[0]?.toLowerCase() ?? ''],
      },
    ],
    customer_by_name: [
      {
        label: `customer by fuzzy name "${nameQuery}"`,
        sql: `SELECT customers.*, word_similarity(${folded('$1::text')}, customers.name_folded) AS score
                FROM customers
               WHERE ${folded('$1::text')} <% customers.name_folded
               ORDER BY score DESC, similarity(customers.name_folded, ${folded('$1::text')}) DESC, name, id
               LIMIT 26`,
        params: [nameQuery],
      },
    ],
  }
}
