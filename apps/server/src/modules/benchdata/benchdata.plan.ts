import { Rng, weighted } from './benchdata.random.ts'
import {
  drawFacts,
  type Lang,
  type MessageKind,
  type TicketFacts,
  topicCount,
  topicTags,
} from './benchdata.text.ts'

/**
 * What happens to one ticket: who, which team, which status for its age, and a timeline of
 * messages and events that fits between its creation and now. Pure and cheap, so each loading
 * pass (tickets, interactions, events) can recompute it from the seed and the ticket's index.
 */

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

export type Status = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed'
export type Priority = 'low' | 'normal' | 'high' | 'urgent'
export type Channel = 'email' | 'phone' | 'chat' | 'walk_in' | 'portal' | 'api'
export type InteractionChannel = Channel | 'note'

/** The people and teams tickets are spread over (indexes into the world's arrays). */
export type Cast = {
  teamCount: number
  teamIds: string[]
  staffIds: string[]
  /** Staff indexes of each team's members (agents and the supervisor). */
  teamMembers: number[][]
  teamSupervisor: number[]
  /** Pick a team index, weighted by team size. */
  pickTeam: (rng: Rng) => number
  customerCount: number
  customerLanguage: Uint8Array // 0 = de, 1 = en
  /** When customer 0 was created and how far apart customers are created (ms). */
  customerStart: number
  customerStep: number
}

export type Step = {
  kind: MessageKind
  at: number
  /** Staff index of the author; -1 for the customer. */
  author: number
  channel: InteractionChannel
  direction: 'inbound' | 'outbound' | 'internal'
}

export type PlannedEvent = {
  type: string
  at: number
  /** Staff index of the actor; -1 for the desk itself (automations). */
  actor: number
  changes: Record<string, { from: unknown; to: unknown }>
  reason: string | null
}

export type TicketPlan = {
  index: number
  createdAt: number
  customer: number
  lang: Lang
  channel: Channel
  topic: number
  facts: TicketFacts
  team: number
  initialTeam: number
  assignee: number // -1 when unassigned
  status: Status
  priority: Priority
  tags: string[]
  steps: Step[]
  events: PlannedEvent[]
  updatedAt: number
  solvedAt: number | null
  closedAt: number | null
}

const pickChannel = weighted<Channel>({ email: 45, phone: 25, chat: 12, portal: 10, walk_in: 5, api: 3 })
const pickPriority = weighted<Priority>({ low: 15, normal: 60, high: 20, urgent: 5 })

/** Status by age: old tickets are mostly closed; the last days hold the open work. */
const STATUS_BY_AGE: [number, (rng: Rng) => Status][] = [
  [2 * DAY, weighted<Status>({ new: 35, open: 30, pending: 20, on_hold: 5, solved: 10 })],
  [7 * DAY, weighted<Status>({ new: 8, open: 22, pending: 25, on_hold: 10, solved: 35 })],
  [21 * DAY, weighted<Status>({ new: 1, open: 8, pending: 10, on_hold: 6, solved: 30, closed: 45 })],
  [90 * DAY, weighted<Status>({ open: 2, pending: 2, on_hold: 1, solved: 5, closed: 90 })],
  [Number.POSITIVE_INFINITY, weighted<Status>({ open: 0.5, pending: 0.5, solved: 1, closed: 98 })],
]
const statusForAge = (rng: Rng, age: number): Status => {
  for (const [limit, pick] of STATUS_BY_AGE) if (age < limit) return pick(rng)
  return 'closed'
}

const EXTRA_TAGS = [
  'vip',
  'beschwerde',
  'b2b',
  'dringend',
  'rückruf',
  'eskalation',
  'newsletter',
  'social-media',
]

export const TRANSFER_REASONS: Record<Lang, string[]> = {
  de: [
    'Gehört zur Buchhaltung',
    'Technische Prüfung nötig',
    'Kunde spricht nur Englisch',
    'Zuständig ist das Team für Geschäftskunden',
    'Urlaubsvertretung',
  ],
  en: [
    'Belongs to billing',
    'Needs a technical check',
    'Customer prefers German',
    'Handled by the business customers team',
    'Holiday cover',
  ],
}

/** Minutes to hours until the next message, by who writes it. */
const delayFor = (rng: Rng, kind: MessageKind, channel: Channel): number => {
  const fast = channel === 'chat' ? 0.05 : 1
  const u = rng.float()
  switch (kind) {
    case 'reply':
    case 'solution':
      return fast * (0.2 + 24 * u * u) * HOUR
    case 'followUp':
    case 'thanks':
      return fast * (1 + 70 * u * u) * HOUR
    case 'note':
      return (0.05 + 3 * u) * HOUR
    default:
      return 0
  }
}

const replyChannel = (rng: Rng, channel: Channel): InteractionChannel => {
  if (channel === 'walk_in' || channel === 'api') return 'email'
  if (channel === 'phone') return rng.chance(0.5) ? 'phone' : 'email'
  return channel
}

/** The message kinds after the first one, by the status the ticket ends in. */
const laterKinds = (rng: Rng, status: Status, count: number): MessageKind[] => {
  let tail: MessageKind[]
  switch (status) {
    case 'new':
      tail = []
      break
    case 'open':
      tail = ['followUp']
      break
    case 'pending':
      tail = ['reply']
      break
    case 'on_hold':
      tail = ['reply', 'note']
      break
    default:
      tail = rng.chance(0.4) ? ['solution', 'thanks'] : ['solution']
  }
  const middle: MessageKind[] = []
  const middleCount = count - 1 - tail.length
  for (let i = 0; i < middleCount; i++) {
    if (status === 'new') middle.push(rng.chance(0.5) ? 'note' : 'followUp')
    else if (rng.chance(0.25)) middle.push('note')
    else middle.push(i % 2 === 0 ? 'reply' : 'followUp')
  }
  return [...middle, ...tail]
}

/** Plans ticket `index`, created at `createdAt`; `now` bounds every timestamp. */
export const planTicket = (seed: number, index: number, createdAt: number, now: number, cast: Cast) => {
  const rng = new Rng(seed, index, 1)
  const customerLimit = Math.min(
    cast.customerCount - 1,
    Math.max(0, Math.floor((createdAt - cast.customerStart) / cast.customerStep)),
  )
  const customer = rng.int(customerLimit + 1)
  const lang: Lang = cast.customerLanguage[customer] === 1 ? 'en' : 'de'
  const channel = pickChannel(rng)
  const topic = rng.int(topicCount)
  const facts = drawFacts(rng, createdAt)
  const age = now - createdAt
  const status = statusForAge(rng, age)
  const priority = pickPriority(rng)

  const team = cast.pickTeam(rng)
  const members = cast.teamMembers[team]!
  const supervisor = cast.teamSupervisor[team]!
  const transferred = status !== 'new' && cast.teamCount > 1 && rng.chance(0.04)
  const initialTeam = transferred ? (team + 1 + rng.int(cast.teamCount - 1)) % cast.teamCount : team
  const opensInPerson = channel === 'phone' || channel === 'walk_in'
  // A phone or walk-in ticket is opened by the agent who takes the call, in their own team; they
  // keep it unless it moves to another team.
  const opener = opensInPerson ? rng.pick(cast.teamMembers[initialTeam]!) : -1
  const assigned = status === 'new' ? rng.chance(0.5) : rng.chance(0.97)
  const assignee = opener >= 0 && !transferred ? opener : assigned ? rng.pick(members) : -1

  const tags: string[] = []
  const pool = topicTags(topic)
  const tagCount = rng.int(3)
  for (let i = 0; i < tagCount; i++) {
    const tag = rng.pick(pool)
    if (!tags.includes(tag)) tags.push(tag)
  }
  if (rng.chance(0.08)) tags.push(rng.pick(EXTRA_TAGS))
  if (status === 'new' && tags.length === 0) tags.push(pool[0]!)

  // The conversation: offsets from creation first, scaled afterwards to fit before now.
  const count = 4 + rng.int(3)
  const kinds: MessageKind[] = ['first', ...laterKinds(rng, status, count)]
  const staffFor = (kind: MessageKind) =>
    kind === 'note' ? (assignee >= 0 ? assignee : supervisor) : assignee >= 0 ? assignee : rng.pick(members)
  const offsets: number[] = [0]
  for (let i = 1; i < kinds.length; i++) offsets.push(offsets[i - 1]! + delayFor(rng, kinds[i]!, channel))
  const last = offsets[offsets.length - 1]!
  const firstStaff = kinds.findIndex((k, i) => i > 0 && k !== 'followUp' && k !== 'thanks')
  const solveDelay = (1 + rng.int(30)) * 60_000
  const closeDelay = (4 + rng.int(4)) * DAY + rng.int(6 * HOUR)
  const extent =
    status === 'closed' ? last + solveDelay + closeDelay : status === 'solved' ? last + solveDelay : last
  // Keep everything at least a few minutes before now; squeeze young tickets' timelines.
  const room = Math.max(60_000, age - 5 * 60_000)
  const scale = extent > room ? room / extent : 1
  const at = (offset: number) => Math.round(createdAt + offset * scale)

  const steps: Step[] = kinds.map((kind, i) => {
    const inbound = kind === 'first' || kind === 'followUp' || kind === 'thanks'
    const channelOf: InteractionChannel =
      kind === 'note' ? 'note' : kind === 'first' ? channel : replyChannel(rng, channel)
    return {
      kind,
      at: at(offsets[i]!),
      author: inbound ? -1 : staffFor(kind),
      channel: channelOf,
      direction: kind === 'note' ? 'internal' : inbound ? 'inbound' : 'outbound',
    }
  })

  const events: PlannedEvent[] = []
  const teamIdOf = (t: number) => cast.teamIds[t]!
  const staffIdOf = (s: number) => (s >= 0 ? cast.staffIds[s]! : null)
  events.push({
    type: 'ticket.created',
    at: createdAt,
    actor: opener,
    changes: {
      status: { from: null, to: 'new' },
      team: { from: null, to: teamIdOf(initialTeam) },
      ...(opener >= 0 ? { assignee: { from: null, to: staffIdOf(opener) } } : {}),
    },
    reason: null,
  })
  const firstStaffAt = firstStaff > 0 ? steps[firstStaff]!.at : steps[steps.length - 1]!.at
  const pickupAt = createdAt + Math.max(1000, Math.round((firstStaffAt - createdAt) * rng.float() * 0.5))
  if (transferred) {
    events.push({
      type: 'ticket.transferred',
      at: pickupAt,
      actor: opener >= 0 ? opener : cast.teamSupervisor[initialTeam]!,
      changes: {
        team: { from: teamIdOf(initialTeam), to: teamIdOf(team) },
        assignee: { from: staffIdOf(opener), to: staffIdOf(assignee) },
      },
      reason: rng.pick(TRANSFER_REASONS[lang]),
    })
  } else if (assignee >= 0 && assignee !== opener) {
    events.push({
      type: 'ticket.assigned',
      at: pickupAt,
      actor: rng.chance(0.6) ? assignee : supervisor,
      changes: { assignee: { from: staffIdOf(opener), to: staffIdOf(assignee) } },
      reason: null,
    })
  } else if (status === 'new') {
    events.push({
      type: 'ticket.tags_changed',
      at: pickupAt,
      actor: supervisor,
      changes: { tags: { from: [], to: [...tags].sort() } },
      reason: null,
    })
  }

  const lastStep = steps[steps.length - 1]!
  let solvedAt: number | null = null
  let closedAt: number | null = null
  const actorOf = (step: Step | undefined) => (step && step.author >= 0 ? step.author : assignee)
  switch (status) {
    case 'new':
      break
    case 'open': {
      const step = firstStaff > 0 ? steps[firstStaff]! : lastStep
      events.push(statusEvent('new', 'open', step.at, actorOf(step)))
      break
    }
    case 'pending':
    case 'on_hold':
      events.push(statusEvent('new', status, lastStep.at, actorOf(lastStep)))
      break
    case 'solved':
    case 'closed': {
      const solution = steps.find((s) => s.kind === 'solution')
      solvedAt = Math.min(now - 60_000, Math.max(lastStep.at + 1000, at(last + solveDelay)))
      events.push(statusEvent('new', 'solved', solvedAt, actorOf(solution)))
      if (status === 'closed') {
        closedAt = Math.min(now - 30_000, Math.max(solvedAt + 1000, at(last + solveDelay + closeDelay)))
        events.push(statusEvent('solved', 'closed', closedAt, -1))
      }
    }
  }
  let updatedAt = lastStep.at
  for (const e of events) if (e.at > updatedAt) updatedAt = e.at

  return {
    index,
    createdAt,
    customer,
    lang,
    channel,
    topic,
    facts,
    team,
    initialTeam,
    assignee,
    status,
    priority,
    tags,
    steps,
    events,
    updatedAt,
    solvedAt,
    closedAt,
  } satisfies TicketPlan
}

/**
 * When the customer started waiting for an answer that has not come (the first customer message
 * after the last public staff reply, or null), and when staff first replied publicly (or null):
 * the rule the tickets service keeps as messages arrive.
 */
export const responseTimesOf = (steps: readonly Pick<Step, 'at' | 'direction'>[]) => {
  // The same definition as the migration's backfill: a message at the very moment of the last
  // reply does not wait.
  let lastReply = Number.NEGATIVE_INFINITY
  let firstResponseAt: number | null = null
  for (const step of steps) {
    if (step.direction !== 'outbound') continue
    if (step.at > lastReply) lastReply = step.at
    if (firstResponseAt === null || step.at < firstResponseAt) firstResponseAt = step.at
  }
  let waitingSince: number | null = null
  for (const step of steps) {
    if (
      step.direction === 'inbound' &&
      step.at > lastReply &&
      (waitingSince === null || step.at < waitingSince)
    )
      waitingSince = step.at
  }
  return { waitingSince, firstResponseAt }
}

const statusEvent = (from: Status, to: Status, at: number, actor: number): PlannedEvent => ({
  type: 'ticket.status_changed',
  at,
  actor,
  changes: { status: { from, to } },
  reason: null,
})

/**
 * When each of `count` tickets was created: spread over the days from `start` to `end`, more
 * on weekdays than at weekends, growing over the years, within office hours mostly; ascending.
 */
export const ticketTimes = (seed: number, count: number, start: number, end: number): Float64Array => {
  const days = Math.max(1, Math.ceil((end - start) / DAY))
  const weekday = [0.25, 1.25, 1.1, 1.05, 1, 0.95, 0.35] // Sunday first
  const weights = new Float64Array(days)
  let total = 0
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY
    const partial = Math.min(1, (end - dayStart) / DAY)
    const w = (0.6 + (0.8 * d) / days) * weekday[new Date(dayStart).getUTCDay()]! * partial
    weights[d] = w
    total += w
  }
  const out = new Float64Array(count)
  let written = 0
  let cumulative = 0
  for (let d = 0; d < days && written < count; d++) {
    cumulative += weights[d]!
    const upTo = d === days - 1 ? count : Math.min(count, Math.round((cumulative / total) * count))
    const n = upTo - written
    if (n <= 0) continue
    const rng = new Rng(seed, d, 7)
    const dayStart = start + d * DAY
    const dayEnd = Math.min(dayStart + DAY, end)
    const times = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const u = rng.float()
      // 70 % in office hours (07–17 UTC), 25 % in the evening, the rest at night.
      const hour = u < 0.7 ? 7 + rng.float() * 10 : u < 0.95 ? 17 + rng.float() * 6 : rng.float() * 7
      let t = dayStart + Math.floor(hour * HOUR)
      if (t >= dayEnd) t = dayStart + Math.floor(rng.float() * (dayEnd - dayStart))
      times[i] = t
    }
    times.sort()
    out.set(times, written)
    written = upTo
  }
  return out
}
