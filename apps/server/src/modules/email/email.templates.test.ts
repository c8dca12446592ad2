import { describe, expect, it } from 'vitest'
import { acknowledgement } from './email.templates.ts'

const base = { number: 10042, subject: 'Paket fehlt', hours: 24, measured: false, signature: '' }
const promise = {
  dueAt: new Date('2026-12-08T09:00:00Z'),
  timeZone: 'Europe/Berlin',
  openNow: true,
  opensAt: null,
}

describe('the acknowledgement’s promise', () => {
  it.each([
    [
      'de',
      promise,
      ['Sie erhalten eine Antwort bis Dienstag, 8. Dezember um 10:00 Uhr.'],
      ['Wir sind gerade'],
    ],
    ['en', promise, ['You will have an answer by Tuesday 8 December at 10:00.'], ['closed']],
    [
      'de',
      { ...promise, openNow: false, opensAt: new Date('2026-12-07T07:00:00Z') },
      ['Wir sind gerade nicht im Dienst; ab Montag, 7. Dezember um 08:00 Uhr sind wir wieder für Sie da.'],
      [],
    ],
    [
      'en',
      { ...promise, openNow: false, opensAt: new Date('2026-12-07T07:00:00Z') },
      ['We are closed at the moment; we will be back for you from Monday 7 December at 08:00.'],
      [],
    ],
    ['de', null, ['Wir melden uns voraussichtlich innerhalb von 24 Stunden.'], ['Antwort bis']],
  ] as const)('%s: %j', (lang, p, has, hasNot) => {
    const { text } = acknowledgement(lang, { ...base, promise: p })
    for (const s of has) expect(text).toContain(s)
    for (const s of hasNot) expect(text).not.toContain(s)
  })
})
