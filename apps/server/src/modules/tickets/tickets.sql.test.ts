import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { format } from 'sql-formatter'
import { describe, expect, it } from 'vitest'
import type { Actor } from '../../platform/context.ts'
import * as repo from './tickets.repository.ts'

// The SQL of the hot ticket queries, kept in files so a review sees every change to them.
const db = drizzle(new pg.Pool(), { casing: 'snake_case' })
const agent: Actor = {
  kind: 'staff',
  id: '00000000-0000-7000-8000-00000000000a',
  role: 'agent',
  teamIds: ['00000000-0000-7000-8000-0000000000t1', '00000000-0000-7000-8000-0000000000t2'],
  supervisedTeamIds: [],
}
const admin: Actor = {
  kind: 'staff',
  id: '00000000-0000-7000-8000-0000000000ad',
  role: 'admin',
  teamIds: [],
  supervisedTeamIds: [],
}
const open = ['new', 'open', 'pending', 'on_hold']
const cursor = { at: new Date('2026-11-01T00:00:00Z'), id: '00000000-0000-7000-8000-0000000000cc' }

const cases: [string, Actor, repo.ListFilter][] = [
  ['inbox-mine', agent, { statuses: open, assigneeId: agent.id, sort: 'updated', limit: 25 }],
  [
    'inbox-team-unassigned',
    agent,
    {
      statuses: ['new', 'open'],
      teamId: agent.kind === 'staff' ? agent.teamIds[0] : '',
      assigneeId: null,
      sort: 'updated',
      limit: 25,
    },
  ],
  ['inbox-all-open', admin, { statuses: open, sort: 'updated', limit: 25 }],
  ['inbox-all-open-deep-page', admin, { statuses: open, sort: 'updated', limit: 25, after: cursor }],
  [
    'inbox-my-teams-unassigned',
    agent,
    {
      statuses: open,
      teamIds: agent.kind === 'staff' ? agent.teamIds : [],
      assigneeId: null,
      sort: 'updated',
      limit: 25,
    },
  ],
  [
    'inbox-team-waiting',
    agent,
    {
      statuses: open,
      teamId: agent.kind === 'staff' ? agent.teamIds[0] : '',
      sort: 'waiting',
      limit: 25,
      after: cursor,
    },
  ],
  [
    'inbox-all-waiting-past-waiting',
    admin,
    { statuses: open, sort: 'waiting', limit: 25, after: { at: null, id: cursor.id } },
  ],
  [
    'inbox-team-field-filters',
    agent,
    {
      statuses: open,
      teamId: agent.kind === 'staff' ? agent.teamIds[0] : '',
      fields: [
        { kind: 'contains', key: 'order_type', value: 'refund' },
        { kind: 'contains', key: 'products', value: ['bike'] },
        { kind: 'not_true', key: 'callback' },
        { kind: 'range', key: 'amount', type: 'number', cmp: 'gte', value: 10 },
        { kind: 'range', key: 'due', type: 'date', cmp: 'lte', value: '2026-12-31' },
      ],
      sort: 'updated',
      limit: 25,
    },
  ],
  [
    'inbox-team-fields-walk',
    agent,
    {
      statuses: open,
      teamId: agent.kind === 'staff' ? agent.teamIds[0] : '',
      fields: [
        { kind: 'contains', key: 'order_type', value: 'refund' },
        { kind: 'contains', key: 'products', value: ['bike'] },
        { kind: 'not_true', key: 'callback' },
        { kind: 'range', key: 'amount', type: 'number', cmp: 'gte', value: 10 },
        { kind: 'range', key: 'due', type: 'date', cmp: 'lte', value: '2026-12-31' },
      ],
      fieldPlan: 'walk',
      sort: 'updated',
      limit: 25,
    },
  ],
  [
    'inbox-team-fields-collect',
    agent,
    {
      statuses: open,
      teamId: agent.kind === 'staff' ? agent.teamIds[0] : '',
      fields: [
        { kind: 'contains', key: 'order_type', value: 'refund' },
        { kind: 'contains', key: 'products', value: ['bike'] },
        { kind: 'not_true', key: 'callback' },
        { kind: 'range', key: 'amount', type: 'number', cmp: 'gte', value: 10 },
        { kind: 'range', key: 'due', type: 'date', cmp: 'lte', value: '2026-12-31' },
      ],
      fieldPlan: 'collect',
      sort: 'updated',
      limit: 25,
    },
  ],
  [
    'inbox-team-due-next',
    agent,
    {
      statuses: open,
      teamId: agent.kind === 'staff' ? agent.teamIds[0] : '',
      promiseStates: ['breached', 'warning'],
      sort: 'due',
      limit: 25,
      after: { at: new Date('2026-12-07T09:00:00Z'), id: '0190d5b8-0000-7000-8000-000000000009' },
    },
  ],
  ['search-walk', agent, { q: 'Rücksendung', searchPlan: 'walk', sort: 'updated', limit: 25 }],
  ['search-collect', agent, { q: 'Rücksendung', searchPlan: 'collect', sort: 'updated', limit: 25 }],
]

const pretty = (q: { sql: string; params: unknown[] }) =>
  `${format(q.sql, { language: 'postgresql', paramTypes: { numbered: ['$'] } })};\n-- params: ${JSON.stringify(q.params)}\n`

describe('tickets hot SQL', () => {
  it.each(cases)('%s', async (name, actor, filter) => {
    await expect(pretty(repo.listVisible(db, actor, filter).toSQL())).toMatchFileSnapshot(`./sql/${name}.sql`)
  })
})
