import { describe, expect, it } from 'vitest'
import { normalizePhone } from '../customers/index.ts'
import { copyJson, copyRow, copyText, copyTextArray, copyTime } from './benchdata.copy.ts'
import { type Cast, DAY, planTicket, responseTimesOf, ticketTimes } from './benchdata.plan.ts'
import { Rng } from './benchdata.random.ts'
import { emailLocal, phoneNumber, sizesFor } from './benchdata.seed.ts'
import {
  drawFacts,
  MAX_BODY,
  type MessageKind,
  MIN_BODY,
  messageBody,
  subject,
  TOPICS,
} from './benchdata.text.ts'

/** PostgreSQL's reading of one COPY text-format line (the inverse of the encoders). */
const parseCopyLine = (line: string) =>
  line
    .replace(/\n$/, '')
    .split('\t')
    .map((field) =>
      field === '\\N'
        ? null
        : field.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c] ?? c),
    )

describe('COPY text encoding', () => {
  it('escapes backslashes, tabs, newlines and carriage returns', () => {
    expect(copyText('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re')
    expect(copyText('Grüße – “quoted” €')).toBe('Grüße – “quoted” €')
  })

  it('writes NULL as \\N and an empty string as an empty field', () => {
    expect(copyText(null)).toBe('\\N')
    expect(copyText(undefined)).toBe('\\N')
    expect(copyText('')).toBe('')
    // a literal backslash-N text stays text
    expect(copyText('\\N')).toBe('\\\\N')
  })

  it('refuses NUL characters, which PostgreSQL text cannot hold', () => {
    expect(() => copyText('a\0b')).toThrow(/NUL/)
  })

  it('round-trips awkward values through one row', () => {
    const values = ['C:\\Programme\\log.txt', 'line 1\nline 2\r\n', '\ttab first', '\\.', 'end\\']
    const line = copyRow(values.map(copyText))
    expect(line.split('\n').length).toBe(2) // one line, one terminating newline
    expect(parseCopyLine(line)).toEqual(values)
  })

  it('quotes text[] elements and escapes quotes and backslashes inside them', () => {
    expect(copyTextArray([])).toBe('{}')
    expect(copyTextArray(['rücksendung', 'b2b'])).toBe('{"rücksendung","b2b"}')
    // array literal {"a\"b","c\\d"}, then every backslash doubled for COPY
    expect(copyTextArray(['a"b', 'c\\d'])).toBe('{"a\\\\"b","c\\\\\\\\d"}')
  })

  it('writes jsonb as JSON with its escapes kept', () => {
    const field = copyJson({ text: 'a\nb', path: 'C:\\x' })
    expect(field).toBe('{"text":"a\\\\nb","path":"C:\\\\\\\\x"}')
    expect(JSON.parse(parseCopyLine(field)[0]!)).toEqual({ text: 'a\nb', path: 'C:\\x' })
    expect(copyJson(null)).toBe('\\N')
  })

  it('writes timestamps in ISO 8601 with time zone', () => {
    expect(copyTime(Date.UTC(2024, 1, 29, 12, 0, 0))).toBe('2024-02-29T12:00:00.000Z')
    expect(copyTime(null)).toBe('\\N')
  })
})

describe('text generator', () => {
  const facts = drawFacts(new Rng(1), Date.UTC(2024, 5, 1))
  const voices = { customer: 'Anna Becker', agent: 'Jonas Weber' }
  const kinds: MessageKind[] = ['first', 'followUp', 'reply', 'solution', 'note', 'thanks']

  it('writes bodies of 100 to 800 characters in every topic, kind and language', () => {
    const rng = new Rng(42)
    for (let i = 0; i < 5000; i++) {
      const lang = i % 2 === 0 ? 'de' : 'en'
      const body = messageBody(rng, i % TOPICS.length, lang, facts, kinds[i % kinds.length]!, voices)
      expect(body.length).toBeGreaterThanOrEqual(MIN_BODY)
      expect(body.length).toBeLessThanOrEqual(MAX_BODY)
      expect(body).not.toMatch(/\{\w+\}/)
    }
  })

  it('uses inflected German and English forms', () => {
    const rng = new Rng(7)
    let de = ''
    let en = ''
    for (let i = 0; i < 3000; i++) {
      de += messageBody(rng, i % TOPICS.length, 'de', facts, kinds[i % kinds.length]!, voices)
      en += messageBody(rng, i % TOPICS.length, 'en', facts, kinds[i % kinds.length]!, voices)
    }
    for (const word of ['Rücksendung', 'Rücksendungen', 'Rechnung', 'Rechnungen', 'Erstattung', 'Passwort']) {
      expect(de).toContain(word)
    }
    for (const word of ['refund', 'refunds', 'refunded', 'invoice', 'invoices', 'password', 'delivered']) {
      expect(en.toLowerCase()).toContain(word)
    }
  })

  it('is deterministic for a seed', () => {
    const a = messageBody(new Rng(3, 9), 1, 'de', facts, 'first', voices)
    const b = messageBody(new Rng(3, 9), 1, 'de', facts, 'first', voices)
    expect(a).toBe(b)
    expect(subject(new Rng(5), 2, 'en', facts)).toBe(subject(new Rng(5), 2, 'en', facts))
  })

  it('names the customer in a reply and signs with the agent', () => {
    const body = messageBody(new Rng(1), 0, 'de', facts, 'reply', voices)
    expect(body).toContain('Anna Becker')
    expect(body.endsWith('Jonas Weber')).toBe(true)
  })
})

describe('planTicket', () => {
  const now = Date.UTC(2025, 0, 15, 12)
  const cast: Cast = {
    teamCount: 3,
    teamIds: ['t0', 't1', 't2'],
    staffIds: ['s0', 's1', 's2', 's3', 's4', 's5', 's6'],
    teamMembers: [
      [0, 3, 4],
      [1, 5],
      [2, 6, 4],
    ],
    teamSupervisor: [0, 1, 2],
    pickTeam: (rng) => rng.int(3),
    customerCount: 100,
    customerLanguage: new Uint8Array(100).map((_, i) => i % 2),
    customerStart: now - 4 * 365 * DAY,
    customerStep: (4 * 365 * DAY) / 100,
  }
  const times = ticketTimes(9, 3000, now - 3 * 365 * DAY, now - 600_000)
  const plans = Array.from(times, (at, i) => planTicket(9, i, at, now, cast))

  it('gives every ticket 4 to 6 messages and 2 to 4 events, in time order, before now', () => {
    const wrong = plans.filter(
      (p) =>
        p.steps.length < 4 ||
        p.steps.length > 6 ||
        p.events.length < 2 ||
        p.events.length > 4 ||
        p.steps[0]!.kind !== 'first' ||
        p.steps[0]!.at !== p.createdAt ||
        p.steps.some((s, i) => i > 0 && s.at < p.steps[i - 1]!.at) ||
        p.events[0]!.type !== 'ticket.created' ||
        p.updatedAt >= now ||
        p.updatedAt < p.steps[p.steps.length - 1]!.at,
    )
    expect(wrong).toEqual([])
  })

  it('keeps status, solved and closed times consistent', () => {
    for (const p of plans) {
      expect(p.solvedAt !== null).toBe(p.status === 'solved' || p.status === 'closed')
      expect(p.closedAt !== null).toBe(p.status === 'closed')
      if (p.closedAt !== null) expect(p.closedAt).toBeGreaterThan(p.solvedAt!)
      const last = p.events.filter((e) => e.type === 'ticket.status_changed').pop()
      if (p.status !== 'new') expect(last?.changes.status?.to).toBe(p.status)
    }
  })

  it('makes old tickets mostly closed and recent ones mostly open work', () => {
    const old = plans.filter((p) => now - p.createdAt > 90 * DAY)
    const recent = plans.filter((p) => now - p.createdAt < 7 * DAY)
    expect(old.filter((p) => p.status === 'closed').length / old.length).toBeGreaterThan(0.9)
    expect(
      recent.filter((p) => !['solved', 'closed'].includes(p.status)).length / recent.length,
    ).toBeGreaterThan(0.5)
  })

  it('assigns tickets to members of their team and speaks the customer’s language', () => {
    const wrong = plans.filter(
      (p) =>
        (p.assignee >= 0 && !cast.teamMembers[p.team]!.includes(p.assignee)) ||
        p.lang !== (cast.customerLanguage[p.customer] === 1 ? 'en' : 'de') ||
        p.steps.some((s) => (s.direction === 'inbound' ? s.author !== -1 : s.author < 0)),
    )
    expect(wrong).toEqual([])
  })

  it('spreads channels roughly 45/25/12/10/5/3', () => {
    const share = (c: string) => plans.filter((p) => p.channel === c).length / plans.length
    expect(share('email')).toBeCloseTo(0.45, 1)
    expect(share('phone')).toBeCloseTo(0.25, 1)
    expect(share('chat')).toBeCloseTo(0.12, 1)
  })

  it('has open tickets waiting on the customer’s last message and answered ones not', () => {
    for (const p of plans) {
      const { waitingSince, firstResponseAt } = responseTimesOf(p.steps)
      const last = p.steps.filter((s) => s.direction !== 'internal').at(-1)!
      expect(waitingSince !== null).toBe(last.direction === 'inbound')
      if (p.status === 'new') {
        expect(waitingSince).toBe(p.createdAt)
        expect(firstResponseAt).toBeNull()
      }
    }
    expect(plans.some((p) => p.status === 'open' && responseTimesOf(p.steps).waitingSince !== null)).toBe(
      true,
    )
  })

  it('is the same plan when computed again (each loading pass recomputes it)', () => {
    expect(planTicket(9, 17, times[17]!, now, cast)).toEqual(plans[17])
  })
})

describe('ticketTimes', () => {
  it('returns exactly N ascending times within the range', () => {
    const start = Date.UTC(2022, 0, 1)
    const end = Date.UTC(2025, 0, 1)
    const times = ticketTimes(1, 10_007, start, end)
    expect(times.length).toBe(10_007)
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!)
    expect(times[0]!).toBeGreaterThanOrEqual(start)
    expect(times[times.length - 1]!).toBeLessThan(end)
  })
})

describe('customer details', () => {
  it('makes ASCII email local parts from German and English names', () => {
    expect(emailLocal('Jürgen Weiß-Müller')).toBe('juergen.weiss.mueller')
    expect(emailLocal('Zoë O’Connor')).toBe('zoe.o.connor')
  })

  it('makes E.164 phone numbers', () => {
    const rng = new Rng(1)
    for (let i = 0; i < 200; i++) {
      expect(phoneNumber(rng, 'de')).toMatch(/^\+49\d{9,12}$/)
      expect(phoneNumber(rng, 'en')).toMatch(/^\+(44\d{10}|1\d{10})$/)
    }
  })

  it('makes only phone numbers the API accepts as valid (regression: 11% were rejected)', () => {
    const rng = new Rng(7)
    for (let i = 0; i < 5000; i++) {
      const number = phoneNumber(rng, i % 2 ? 'de' : 'en')
      expect(normalizePhone(number), number).toBe(number)
    }
  })

  it('scales to about 20 teams, 250 staff, 300k customers and 30k organizations at 1M tickets', () => {
    expect(sizesFor(1_000_000)).toEqual({
      tickets: 1_000_000,
      teams: 20,
      staff: 250,
      customers: 300_000,
      organizations: 30_000,
    })
  })
})

describe('responseTimesOf', () => {
  const step = (at: number, direction: 'inbound' | 'outbound' | 'internal') => ({ at, direction })
  it.each([
    ['nothing', [], null, null],
    ['one customer message', [step(1, 'inbound')], 1, null],
    ['a note only', [step(1, 'internal')], null, null],
    ['answered', [step(1, 'inbound'), step(2, 'internal'), step(3, 'outbound')], null, 3],
    [
      'asked again twice after the answer',
      [step(1, 'inbound'), step(3, 'outbound'), step(4, 'inbound'), step(5, 'internal'), step(6, 'inbound')],
      4,
      3,
    ],
    ['staff wrote first', [step(1, 'outbound'), step(2, 'outbound')], null, 1],
    [
      'a message at the moment of the reply',
      [step(1, 'inbound'), step(2, 'outbound'), step(2, 'inbound')],
      null,
      2,
    ],
  ] as const)('%s', (_name, steps, waitingSince, firstResponseAt) => {
    expect(responseTimesOf(steps)).toEqual({ waitingSince, firstResponseAt })
  })
})
