import { describe, expect, it } from 'vitest'
import { matchPolicy, type OpenSla, type PolicyLike, slaPlan, type TicketFacts } from './promises.sla.ts'

const standard: PolicyLike = {
  id: 'p-standard',
  position: 1,
  active: true,
  conditions: {},
  targets: {
    firstResponse: { minutes: 240, business: true },
    nextResponse: { minutes: 120, business: true },
    periodicUpdate: { minutes: 1440, business: true },
    resolution: { minutes: 2400, business: true },
  },
  warnAt: 0.75,
}
const urgent: PolicyLike = {
  id: 'p-urgent',
  position: 0,
  active: true,
  conditions: { priorities: ['urgent'], channels: ['email', 'phone'] },
  targets: { firstResponse: { minutes: 60, business: false } },
  warnAt: 0.8,
}
const facts = (f: Partial<TicketFacts> = {}): TicketFacts => ({
  channel: 'email',
  priority: 'normal',
  teamId: 't1',
  organizationId: null,
  tags: [],
  ...f,
})

describe('which policy applies', () => {
  it.each([
    ['the first in order whose conditions hold', facts({ priority: 'urgent' }), 'p-urgent'],
    ['every list must hold (channel)', facts({ priority: 'urgent', channel: 'chat' }), 'p-standard'],
    ['no conditions: everything', facts(), 'p-standard'],
  ])('%s', (_what, f, id) => {
    expect(matchPolicy([standard, urgent], f)?.id).toBe(id)
  })
  it.each([
    ['a tag of the list', { tags: ['vip'] }, facts({ tags: ['vip', 'x'] }), true],
    ['no tag of the list', { tags: ['vip'] }, facts({ tags: ['x'] }), false],
    ['an organization', { organizationIds: ['o1'] }, facts({ organizationId: 'o1' }), true],
    ['no organization when one is asked for', { organizationIds: ['o1'] }, facts(), false],
    ['a team', { teamIds: ['t2'] }, facts(), false],
  ] as const)('%s', (_what, conditions, f, matches) => {
    const p = { ...standard, conditions: conditions as unknown as PolicyLike['conditions'] }
    expect(matchPolicy([p], f)?.id ?? null).toBe(matches ? p.id : null)
  })
  it('skips inactive policies', () => {
    expect(matchPolicy([{ ...standard, active: false }], facts())).toBeNull()
  })
})

const open = (kind: OpenSla['kind'], o: Partial<OpenSla> = {}): OpenSla => ({
  id: kind,
  kind,
  policyId: 'p-standard',
  targetMs:
    {
      'sla.first_response': 240,
      'sla.next_response': 120,
      'sla.periodic_update': 1440,
      'sla.resolution': 2400,
    }[kind] * 60_000,
  paused: false,
  pauseReason: null,
  ...o,
})
const base = {
  status: 'open',
  policy: standard,
  open: [] as OpenSla[],
  repliedBefore: false,
  openedByCustomer: true,
}

describe('the response-target rules', () => {
  it.each([
    [
      'a customer’s new ticket starts first response, update and resolution',
      { happening: { type: 'created' } },
      [
        'start sla.first_response created',
        'start sla.periodic_update created',
        'start sla.resolution created',
      ],
    ],
    [
      'an agent’s new ticket has no first response to give',
      { happening: { type: 'created' }, openedByCustomer: false },
      ['start sla.periodic_update created', 'start sla.resolution created'],
    ],
    [
      'the first reply meets the first response and restarts the update',
      {
        happening: { type: 'public_reply' },
        open: [open('sla.first_response'), open('sla.periodic_update'), open('sla.resolution')],
      },
      ['meet sla.first_response', 'meet sla.periodic_update', 'start sla.periodic_update now'],
    ],
    [
      'a customer’s message after a reply starts the next response',
      {
        happening: { type: 'customer_message' },
        repliedBefore: true,
        open: [open('sla.resolution')],
      },
      ['start sla.next_response now'],
    ],
    [
      'a second message does not start another',
      {
        happening: { type: 'customer_message' },
        repliedBefore: true,
        open: [open('sla.next_response'), open('sla.resolution')],
      },
      [],
    ],
    [
      'pending pauses every clock',
      {
        happening: { type: 'status', from: 'open', to: 'pending' },
        status: 'pending',
        open: [open('sla.next_response'), open('sla.resolution')],
      },
      ['pause sla.next_response', 'pause sla.resolution'],
    ],
    [
      'open again resumes what pending paused, not a manual pause',
      {
        happening: { type: 'status', from: 'pending', to: 'open' },
        open: [
          open('sla.next_response', { paused: true, pauseReason: 'pending' }),
          open('sla.resolution', { paused: true, pauseReason: 'Lieferant' }),
        ],
      },
      ['resume sla.next_response'],
    ],
    [
      'solved meets the resolution and ends the others',
      {
        happening: { type: 'status', from: 'open', to: 'solved' },
        status: 'solved',
        open: [open('sla.next_response'), open('sla.resolution')],
      },
      ['cancel sla.next_response', 'meet sla.resolution'],
    ],
    [
      'closed cancels everything',
      {
        happening: { type: 'status', from: 'solved', to: 'closed' },
        status: 'closed',
        open: [open('sla.periodic_update')],
      },
      ['cancel sla.periodic_update'],
    ],
    [
      'reopened: the resolution runs again',
      {
        happening: { type: 'status', from: 'solved', to: 'open' },
        repliedBefore: true,
        open: [],
      },
      ['start sla.resolution now', 'start sla.periodic_update now'],
    ],
    [
      'another policy: new targets, the missing ones end',
      {
        happening: { type: 'facts_changed' },
        policy: urgent,
        open: [open('sla.first_response'), open('sla.resolution')],
      },
      ['retarget sla.first_response', 'cancel sla.resolution'],
    ],
    [
      'no policy any more: everything ends',
      {
        happening: { type: 'facts_changed' },
        policy: null,
        open: [open('sla.first_response')],
      },
      ['cancel sla.first_response'],
    ],
    [
      'the same policy and targets: nothing to do',
      {
        happening: { type: 'facts_changed' },
        open: [open('sla.first_response'), open('sla.periodic_update'), open('sla.resolution')],
      },
      [],
    ],
  ] as const)('%s', (_what, input, expected) => {
    const steps = slaPlan({ ...base, ...(input as object) } as unknown as Parameters<typeof slaPlan>[0])
    expect(steps.map((s) => (s.do === 'start' ? `start ${s.kind} ${s.from}` : `${s.do} ${s.id}`))).toEqual(
      expected,
    )
  })
})
