import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import type { Actor } from '../../platform/context.ts'
import { listTickets } from './index.ts'

// A search walks the newest tickets of the list first and turns to the GIN index when the words
// are rare; a small walk budget shows every path on a few tickets.
const BUDGET = 5

let t: TestApp
let agent: Actor
const subjects: { id: string; subject: string }[] = []
let shortTeam: string
let otherTeamTicket: string
let assignedElsewhere: string
let english: string

beforeAll(async () => {
  t = await startTestApp()
  const team = await t.buildTeam()
  const short = await t.buildTeam()
  const other = await t.buildTeam()
  shortTeam = short.id
  // Also in the other team, but the actor below is not: a ticket assigned to them there stands for
  // one they kept after leaving a team.
  const staff = await t.buildStaff({
    teams: [{ teamId: team.id }, { teamId: short.id }, { teamId: other.id }],
  })
  agent = { kind: 'staff', id: staff.id, role: 'agent', teamIds: [team.id, short.id], supervisedTeamIds: [] }
  // Oldest first: the rare word lies outside the newest BUDGET tickets.
  const first = await t.buildTicket({ teamId: team.id, subject: 'Zahnradwechsel am Rennrad' })
  subjects.push({ id: first.id, subject: 'Zahnradwechsel am Rennrad' })
  for (let i = 1; i <= 11; i++) {
    const subject = `Sattel Nummer ${i} knarzt`
    const ticket = await t.buildTicket({ teamId: team.id, subject })
    subjects.push({ id: ticket.id, subject })
  }
  for (let i = 0; i < 3; i++) await t.buildTicket({ teamId: short.id, subject: `Bremse ${i} schleift` })
  otherTeamTicket = (await t.buildTicket({ teamId: other.id, subject: 'Zahnradwechsel geheim' })).id
  // Another team's ticket assigned to the agent: visible, so searchable.
  assignedElsewhere = (
    await t.buildTicket({ teamId: other.id, subject: 'Kettenblatt verbogen', assigneeId: staff.id })
  ).id
  await t.buildTicket({ teamId: other.id, subject: 'Kettenblatt verbogen, zweites Mal' })
  english = (
    await t.buildTicket({
      teamId: team.id,
      subject: 'Broken chargers delivered',
      text: 'The delivery was delayed and both chargers are broken.',
      language: 'en',
    })
  ).id
})

afterAll(() => t?.close())

const search = (q: string, extra: Record<string, unknown> = {}, cursor?: string) =>
  listTickets(
    t.ctxAs(agent),
    { q, sort: 'updated', limit: 3, ...(cursor ? { cursor } : {}), ...extra } as Parameters<
      typeof listTickets
    >[1],
    { walkBudget: BUDGET },
  )

describe('full-text search plans', () => {
  it('a common word: the walk fills the page in list order, and the cursor pages through every hit once', async () => {
    const expected = subjects
      .filter((s) => s.subject.startsWith('Sattel'))
      .map((s) => s.id)
      .reverse()
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await search('Sattel', {}, cursor)
      seen.push(...page.items.map((i) => i.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toEqual(expected)
  })

  it('a rare word beyond the walk: found through the index', async () => {
    const page = await search('Zahnradwechsel')
    expect(page.items.map((i) => i.id)).toEqual([subjects[0]!.id])
    expect(page.nextCursor).toBeNull()
    expect(page.items.map((i) => i.id)).not.toContain(otherTeamTicket)
  })

  it('a short list: the walk sees it all', async () => {
    const page = await search('Bremse', { teamId: shortTeam })
    expect(page.items.map((i) => i.subject)).toEqual([
      'Bremse 2 schleift',
      'Bremse 1 schleift',
      'Bremse 0 schleift',
    ])
    expect(page.nextCursor).toBeNull()
  })

  it('no hit at all: an empty page', async () => {
    const page = await search('Klingelton')
    expect(page.items).toEqual([])
    expect(page.nextCursor).toBeNull()
  })

  it('inflected forms still match in the walk (German stemming)', async () => {
    const page = await search('Sattels')
    expect(page.items).toHaveLength(3)
    expect(page.match).toBe('exact')
  })

  it('through the index: English words in the ticket language, and tickets assigned outside the teams', async () => {
    // "deliveries" and "charger" stem to the words of the English ticket.
    const en = await listTickets(
      t.ctxAs(agent),
      { q: 'delayed deliveries', sort: 'updated', limit: 3 },
      {
        walkBudget: 1,
      },
    )
    expect(en.items.map((i) => i.id)).toEqual([english])
    const elsewhere = await listTickets(
      t.ctxAs(agent),
      { q: 'Kettenblatt', sort: 'updated', limit: 3 },
      {
        walkBudget: 1,
      },
    )
    expect(elsewhere.items.map((i) => i.id)).toEqual([assignedElsewhere])
  })
})

describe('no exact hit: subjects spelt alike', () => {
  it('a misspelt word finds the ticket, marked as similar, one page without a cursor', async () => {
    const page = await search('Zahnradwechsl')
    expect(page.match).toBe('similar')
    expect(page.items.map((i) => i.id)).toEqual([subjects[0]!.id])
    expect(page.nextCursor).toBeNull()
  })

  it("never another team's ticket, and the filters still hold", async () => {
    expect((await search('Kettenblat')).items.map((i) => i.id)).toEqual([assignedElsewhere])
    expect((await search('Zahnradwechsl', { teamId: shortTeam })).items).toEqual([])
    expect((await search('Zahnradwechsl', { status: ['closed'] })).items).toEqual([])
  })

  it('nothing alike: an empty page', async () => {
    const none = await search('Klingelton')
    expect(none.items).toEqual([])
    expect(none.match).toBe('exact')
  })
})
