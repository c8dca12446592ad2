import { findMissingMarks } from '@tresen/contract'
import { describe, expect, it } from 'vitest'
import { greeting, type RenderInput, renderTextModule, splitName } from './text-modules.render.ts'

const base = (over: Partial<RenderInput> = {}): RenderInput => ({
  ticket: { number: 10042, subject: 'Paket fehlt', language: 'de' },
  customer: { name: 'Alex Müller', formOfAddress: 'ms' },
  agent: { name: 'Jana Berger' },
  team: { name: 'Versand' },
  expectedAnswer: null,
  now: new Date('2026-12-07T10:00:00Z'),
  timeZone: 'Europe/Berlin',
  ...over,
})

const both = {
  de: {
    subject: 'Ihr Ticket {{ticket.number}}',
    body: '{{customer.greeting}}\n\nDanke, {{agent.firstName}}',
  },
  en: {
    subject: 'Your ticket {{ticket.number}}',
    body: '{{customer.greeting}}\n\nThanks, {{agent.firstName}}',
  },
}

describe('greeting', () => {
  it.each([
    ['de', 'ms', 'Alex Müller', 'Sehr geehrte Frau Müller,'],
    ['de', 'mr', 'Alex Müller', 'Sehr geehrter Herr Müller,'],
    ['de', null, 'Alex Müller', 'Guten Tag Alex Müller,'],
    ['de', 'ms', 'Müller', 'Sehr geehrte Frau Müller,'],
    ['de', null, '  ', 'Guten Tag,'],
    ['de', 'ms', 'kim@example.com', 'Guten Tag,'],
    ['en', 'ms', 'Alex Müller', 'Dear Ms Müller,'],
    ['en', 'mr', 'Alex von Müller', 'Dear Mr Müller,'],
    ['en', null, 'Alex Müller', 'Dear Alex Müller,'],
    ['en', null, '', 'Hello,'],
  ] as const)('%s, %s, "%s" → %s', (language, formOfAddress, name, expected) => {
    expect(greeting({ name, formOfAddress }, language)).toBe(expected)
  })
})

describe('splitName', () => {
  it.each([
    ['Alex Müller', { first: 'Alex', last: 'Müller' }],
    ['Anna Lena  Schmidt', { first: 'Anna Lena', last: 'Schmidt' }],
    ['Müller', { first: null, last: 'Müller' }],
    ['kim@example.com', { first: null, last: null }],
    ['', { first: null, last: null }],
  ])('"%s"', (name, expected) => expect(splitName(name)).toEqual(expected))
})

describe('renderTextModule', () => {
  it.each([
    {
      name: 'German ticket, German variant',
      input: base(),
      variants: both,
      text: 'Sehr geehrte Frau Müller,\n\nDanke, Jana',
      subject: 'Ihr Ticket #10042',
      language: 'de',
      fallback: false,
    },
    {
      name: 'English ticket, English variant',
      input: base({ ticket: { number: 7, subject: 'Parcel', language: 'en' } }),
      variants: both,
      text: 'Dear Ms Müller,\n\nThanks, Jana',
      subject: 'Your ticket #7',
      language: 'en',
      fallback: false,
    },
    {
      name: 'English ticket, only German: German with fallback',
      input: base({ ticket: { number: 7, subject: 'Parcel', language: 'en' } }),
      variants: { de: both.de },
      text: 'Sehr geehrte Frau Müller,\n\nDanke, Jana',
      subject: 'Ihr Ticket #7',
      language: 'de',
      fallback: true,
    },
    {
      name: 'German ticket, only English: English with fallback',
      input: base(),
      variants: { en: { body: 'Hi {{customer.firstName}} from {{team.name}}' } },
      text: 'Hi Alex from Versand',
      subject: null,
      language: 'en',
      fallback: true,
    },
  ])('$name', ({ input, variants, text, subject, language, fallback }) => {
    const r = renderTextModule(variants, input)
    expect(r).toMatchObject({ text, subject, language, fallback, missing: [] })
    expect(r.html).not.toContain('{{')
  })

  it.each([
    [
      'de',
      '[Name des Bearbeiters fehlt]',
      '[Teamname fehlt]',
      '[voraussichtliche Antwortzeit fehlt]',
      '[Vorname des Kunden fehlt]',
    ],
    [
      'en',
      "[agent's name missing]",
      '[team name missing]',
      '[expected answer time missing]',
      "[customer's first name missing]",
    ],
  ] as const)(
    'shows missing values as marks, never as placeholders (%s)',
    (language, agent, team, answer, first) => {
      const body = '{{agent.name}} / {{team.name}} / {{ticket.expectedAnswer}} / {{customer.firstName}}'
      const r = renderTextModule(
        { [language]: { body } },
        base({
          ticket: { number: 1, subject: 'x', language },
          customer: { name: 'Müller', formOfAddress: null },
          agent: null,
          team: null,
        }),
      )
      expect(r.text).toBe(`${agent} / ${team} / ${answer} / ${first}`)
      expect(r.missing).toEqual(['agent.name', 'team.name', 'ticket.expectedAnswer', 'customer.firstName'])
      expect(r.html).toContain(`<mark data-missing="team.name">${team}</mark>`)
      expect(r.text).not.toContain('{{')
      expect(findMissingMarks(r.text)).toHaveLength(4)
    },
  )

  it('fills the expected answer time and today in the ticket language, in the desk time zone', () => {
    const input = base({
      expectedAnswer: new Date('2026-12-08T15:30:00Z'),
      now: new Date('2026-12-31T23:30:00Z'),
    })
    const body = '{{ticket.expectedAnswer}} | {{today}}'
    expect(renderTextModule({ de: { body } }, input).text).toBe('8. Dezember 2026 um 16:30 | 1. Januar 2027')
    expect(
      renderTextModule({ en: { body } }, { ...input, ticket: { ...input.ticket, language: 'en' } }).text,
    ).toBe('8 December 2026 at 16:30 | 1 January 2027')
  })

  it('escapes HTML in values and text, paragraphs at blank lines', () => {
    const r = renderTextModule(
      { de: { body: 'Zu "{{ticket.subject}}":\nZeile <b>2</b>\n\nAbsatz' } },
      base({ ticket: { number: 1, subject: '<script>x</script>', language: 'de' } }),
    )
    expect(r.html).toBe(
      '<p>Zu &quot;&lt;script&gt;x&lt;/script&gt;&quot;:<br>Zeile &lt;b&gt;2&lt;/b&gt;</p><p>Absatz</p>',
    )
    expect(r.text).toBe('Zu "<script>x</script>":\nZeile <b>2</b>\n\nAbsatz')
  })

  it('accepts spaces inside the braces', () => {
    expect(renderTextModule({ de: { body: '{{ ticket.number }}' } }, base()).text).toBe('#10042')
  })
})
