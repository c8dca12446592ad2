import i18next, { type TFunction } from 'i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import { translations } from '../../i18n/resources.ts'
import {
  causeDetail,
  isOverdue,
  notifiesMe,
  openEscalation,
  reasonLabel,
  splitOpen,
  waitedMs,
} from './escalation-format.ts'

const NOW = Date.parse('2026-12-07T10:00:00Z')
const at = '2026-12-07T09:00:00Z'
let en: TFunction
let de: TFunction

beforeAll(async () => {
  const make = async (lng: 'de' | 'en') => {
    const i = i18next.createInstance()
    await i.init({
      resources: { [lng]: { translation: translations[lng] } },
      lng,
      interpolation: { escapeValue: false },
    })
    return i.t
  }
  en = await make('en')
  de = await make('de')
})

describe('reasonLabel', () => {
  it('names each reason in German and English, and keeps an unknown one as it is', () => {
    expect(reasonLabel('help_requested', en)).toBe('Help requested')
    expect(reasonLabel('promise_breached', de)).toBe('Antwortziel überschritten')
    expect(reasonLabel('vip', en)).toBe('vip')
  })
})

describe('causeDetail', () => {
  it('lists the complaint words found', () => {
    expect(causeDetail({ reason: 'complaint', at, words: ['Anwalt', 'kündig*'] }, de)).toBe(
      'Wörter „Anwalt“, „kündig*“',
    )
  })
  it('counts the transfers, singular and plural', () => {
    expect(causeDetail({ reason: 'transfers', at, transfers: 3 }, en)).toBe('transferred 3 times')
    expect(causeDetail({ reason: 'transfers', at, transfers: 1 }, en)).toBe('transferred 1 time')
  })
  it('quotes the agent’s note and names the promises in trouble', () => {
    expect(causeDetail({ reason: 'help_requested', at, note: 'Refund?' }, de)).toBe('„Refund?“')
    expect(causeDetail({ reason: 'promise_warning', at, promiseKinds: ['sla.first_response'] }, en)).toBe(
      'First response',
    )
  })
  it('is empty when the cause says nothing beyond its reason', () => {
    expect(causeDetail({ reason: 'promise_breached', at }, en)).toBe('')
  })
})

describe('waitedMs', () => {
  it('keeps counting while it waits', () => {
    expect(waitedMs({ state: 'waiting', raisedAt: at, waitedMinutes: 5 }, NOW)).toBe(60 * 60_000)
  })
  it('never goes below what the server counted (a client clock behind)', () => {
    expect(waitedMs({ state: 'waiting', raisedAt: at, waitedMinutes: 90 }, NOW)).toBe(90 * 60_000)
  })
  it('is the time it waited once joined', () => {
    expect(waitedMs({ state: 'joined', raisedAt: at, waitedMinutes: 12 }, NOW)).toBe(12 * 60_000)
  })
})

describe('isOverdue', () => {
  it('is overdue once the admins were told or the join target passed, only while waiting', () => {
    const base = { state: 'waiting' as const, joinDueAt: null, overdueAt: null }
    expect(isOverdue(base, NOW)).toBe(false)
    expect(isOverdue({ ...base, joinDueAt: '2026-12-07T10:30:00Z' }, NOW)).toBe(false)
    expect(isOverdue({ ...base, joinDueAt: '2026-12-07T09:59:00Z' }, NOW)).toBe(true)
    expect(isOverdue({ ...base, overdueAt: at }, NOW)).toBe(true)
    expect(isOverdue({ ...base, state: 'joined', overdueAt: at }, NOW)).toBe(false)
  })
})

describe('openEscalation and splitOpen', () => {
  it('finds the open one among resolved ones and splits waiting from joined', () => {
    const list = [
      { id: 'a', state: 'resolved' as const },
      { id: 'b', state: 'joined' as const },
      { id: 'c', state: 'waiting' as const },
    ]
    expect(openEscalation(list)?.id).toBe('b')
    expect(openEscalation([list[0]!])).toBeUndefined()
    expect(openEscalation(undefined)).toBeUndefined()
    const { waiting, joined } = splitOpen(list)
    expect(waiting.map((e) => e.id)).toEqual(['c'])
    expect(joined.map((e) => e.id)).toEqual(['b'])
  })
})

describe('notifiesMe', () => {
  const message = (type: string, notify: unknown) => ({ type, data: { notify } })
  it('is true for a raised or overdue escalation that names this person', () => {
    expect(notifiesMe(message('escalation.raised', ['me', 'x']), 'me')).toBe(true)
    expect(notifiesMe(message('escalation.overdue', ['me']), 'me')).toBe(true)
  })
  it('is false for others, for joined and resolved, and for a malformed message', () => {
    expect(notifiesMe(message('escalation.raised', ['x']), 'me')).toBe(false)
    expect(notifiesMe(message('escalation.joined', ['me']), 'me')).toBe(false)
    expect(notifiesMe(message('escalation.resolved', ['me']), 'me')).toBe(false)
    expect(notifiesMe(message('escalation.raised', 'me'), 'me')).toBe(false)
    expect(notifiesMe({ type: 'escalation.raised' }, 'me')).toBe(false)
  })
})
