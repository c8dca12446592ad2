import { ClosingSettings } from '@tresen/contract'
import { describe, expect, it } from 'vitest'
import { DEFAULT_ITEMS, DEFAULT_SETTINGS, judgeAnswers, removedKeys } from './closing.checklist.ts'
import { expiresAt, followUpUrl, hashToken, isTokenShaped, judgeLink, newToken } from './closing.links.ts'
import { followUpMessage, followUpPage } from './closing.texts.ts'

describe('judgeAnswers', () => {
  it('accepts the default checklist answered, and says when a follow-up is asked for', () => {
    const confirmed = judgeAnswers(DEFAULT_ITEMS, { askedAnythingElse: true, resolution: 'confirmed' })
    expect(confirmed).toMatchObject({ ok: true, followUp: false })
    const followUp = judgeAnswers(DEFAULT_ITEMS, { askedAnythingElse: true, resolution: 'follow_up' })
    expect(followUp).toMatchObject({ ok: true, followUp: true })
    if (followUp.ok)
      expect(followUp.answers[1]).toEqual({
        key: 'resolution',
        label: DEFAULT_ITEMS[1]!.label,
        answer: 'follow_up',
        answerLabel: { de: 'Nachfrage beim Kunden planen', en: 'Schedule a follow-up' },
      })
  })

  it.each([
    [undefined, ['askedAnythingElse', 'resolution'], []],
    [{}, ['askedAnythingElse', 'resolution'], []],
    [{ askedAnythingElse: false, resolution: 'confirmed' }, ['askedAnythingElse'], []],
    [{ askedAnythingElse: true, resolution: '' }, ['resolution'], []],
    [{ askedAnythingElse: 'yes', resolution: 'confirmed' }, [], ['askedAnythingElse']],
    [{ askedAnythingElse: true, resolution: true }, [], ['resolution']],
    [{ askedAnythingElse: true, resolution: 'perhaps' }, [], ['resolution']],
    [{ askedAnythingElse: true, resolution: 'confirmed', extra: true }, [], ['extra']],
  ] as const)('answers %j: missing %j, invalid %j', (answers, missing, invalid) => {
    const judged = judgeAnswers(DEFAULT_ITEMS, answers as Record<string, boolean | string> | undefined)
    expect(judged.ok).toBe(false)
    if (judged.ok) return
    expect(judged.missing.map((p) => p.key)).toEqual(missing)
    expect(judged.invalid.map((p) => p.key)).toEqual(invalid)
    for (const p of [...judged.missing, ...judged.invalid]) expect(p.pointer).toBe(`/body/closing/${p.key}`)
  })

  it('asks no retired item and ignores an answer to one; optional items may be left out', () => {
    const items = [
      { ...DEFAULT_ITEMS[0]!, retired: true },
      { ...DEFAULT_ITEMS[1]!, required: false },
    ]
    expect(judgeAnswers(items, {})).toMatchObject({ ok: true, answers: [], followUp: false })
    expect(judgeAnswers(items, { askedAnythingElse: true })).toMatchObject({ ok: true, answers: [] })
  })
})

describe('closing settings', () => {
  it('the defaults are valid settings: two items, 16 business hours, 14 days, 7 days', () => {
    expect(ClosingSettings.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS)
    expect(DEFAULT_SETTINGS).toMatchObject({
      followUpDelayBusinessHours: 16,
      followUpLinkDays: 14,
      autoCloseDays: 7,
    })
  })

  it('names the items an update would remove', () => {
    expect(removedKeys(DEFAULT_ITEMS, DEFAULT_ITEMS.slice(1))).toEqual(['askedAnythingElse'])
    expect(
      removedKeys(
        DEFAULT_ITEMS,
        DEFAULT_ITEMS.map((i) => ({ ...i, retired: true })),
      ),
    ).toEqual([])
  })
})

describe('follow-up links', () => {
  it('are 43 random base64url characters, stored only as their SHA-256', () => {
    const a = newToken()
    const b = newToken()
    expect(a).not.toBe(b)
    expect(isTokenShaped(a)).toBe(true)
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashToken(a)).toBe(hashToken(a))
    expect(hashToken(a)).not.toBe(hashToken(b))
    for (const bad of ['', 'short', `${a}x`, `${a.slice(0, 42)}!`, `${a.slice(0, 42)}/`])
      expect(isTokenShaped(bad)).toBe(false)
    expect(followUpUrl('https://desk.example/', a, 'no')).toBe(
      `https://desk.example/follow-up/${a}?answer=no`,
    )
  })

  it('work until they expire, once', () => {
    const sent = new Date('2026-03-02T09:00:00Z')
    const expires = expiresAt(sent, 14)
    expect(expires.toISOString()).toBe('2026-03-16T09:00:00.000Z')
    const row = { expiresAt: expires, answeredAt: null }
    expect(judgeLink(row, sent)).toBe('valid')
    expect(judgeLink(row, new Date('2026-03-16T08:59:59.999Z'))).toBe('valid')
    expect(judgeLink(row, expires)).toBe('expired')
    expect(judgeLink({ ...row, answeredAt: sent }, sent)).toBe('used')
    expect(judgeLink({ ...row, answeredAt: sent }, new Date('2026-04-01T00:00:00Z'))).toBe('used')
    expect(judgeLink(undefined, sent)).toBe('unknown')
  })
})

describe('follow-up texts', () => {
  it('say the same in German and English, with both links, escaping the subject in HTML', () => {
    const links = {
      yes: 'https://d.example/follow-up/t?answer=yes',
      no: 'https://d.example/follow-up/t?answer=no',
    }
    const de = followUpMessage('de', { number: 10042, subject: 'Rad <kaputt>' }, links, 14)
    expect(de.text).toContain('Ticket #10042')
    expect(de.text).toContain(`Ja, mein Anliegen ist gelöst: ${links.yes}`)
    expect(de.html).toContain('Rad &lt;kaputt&gt;')
    const en = followUpMessage('en', { number: 10042, subject: 'Bike' }, links, 14)
    expect(en.text).toContain(`No, it is not solved yet: ${links.no}`)
    expect(en.text).toContain('14 days')
  })

  it('pages have no script and POST one form per answer, the clicked one first', () => {
    const page = followUpPage({ language: 'en', state: 'valid', token: 'tok', number: 7, answer: 'no' })
    expect(page).not.toContain('<script')
    expect(page.match(/<form method="post" action="\/follow-up\/tok">/g)).toHaveLength(2)
    expect(page.indexOf('value="no"')).toBeLessThan(page.indexOf('value="yes"'))
    expect(followUpPage({ language: 'de', state: 'expired' })).toContain('abgelaufen')
  })
})
