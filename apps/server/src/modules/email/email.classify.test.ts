import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ParsedMail, simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import {
  classifyAutomation,
  foldQuoted,
  normalizeSubject,
  parseBounce,
  ticketNumberFromSubject,
} from './email.classify.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../../../..')
const corpus = path.resolve(repoRoot, '../shared/corpora/email')
const corpusExists = existsSync(corpus)
if (!corpusExists) console.log(`email corpus absent (${corpus}); corpus checks are skipped`)

const fixture = (name: string): Promise<ParsedMail> =>
  simpleParser(readFileSync(path.join(here, 'fixtures', name)))
const corpusMail = (relative: string): Promise<ParsedMail> =>
  simpleParser(readFileSync(path.join(corpus, relative)))
const corpusFiles = (relative: string): string[] =>
  readdirSync(path.join(corpus, relative))
    .filter((name) => !name.startsWith('.'))
    .map((name) => path.join(relative, name))
    .sort()

describe('classifyAutomation', () => {
  it('flags a German Exchange out-of-office reply by its Auto-Submitted header', async () => {
    const mail = await fixture('ooo-exchange-de.eml')
    expect(mail.subject).toBe('Automatische Antwort: Rückfrage zur Lieferung [#10042]')
    expect(classifyAutomation(mail)).toEqual({
      kind: 'auto_reply',
      reason: 'header Auto-Submitted: auto-replied',
    })
  })

  it('flags a German out-of-office reply that only has the subject to go by', async () => {
    expect(classifyAutomation(await fixture('ooo-subject-only-de.eml'))).toEqual({
      kind: 'auto_reply',
      reason: 'subject out-of-office pattern',
    })
  })

  it('flags a Gmail vacation responder as an auto reply despite Precedence: bulk', async () => {
    expect(classifyAutomation(await fixture('vacation-gmail-en.eml'))).toMatchObject({ kind: 'auto_reply' })
  })

  it('flags a newsletter by its List-Unsubscribe header', async () => {
    expect(classifyAutomation(await fixture('newsletter.eml'))).toEqual({
      kind: 'bulk',
      reason: 'header List-Unsubscribe',
    })
  })

  it('flags delivery status notifications as bounces', async () => {
    for (const name of ['dsn-exchange-de.eml', 'dsn-postfix.eml', 'dsn-delayed.eml']) {
      expect(classifyAutomation(await fixture(name)), name).toMatchObject({ kind: 'bounce' })
    }
  })

  it('keeps a human reply with quoted German text human', async () => {
    expect(classifyAutomation(await fixture('reply-human-de.eml'))).toEqual({ kind: 'human' })
  })

  it('keeps a long human message that mentions "out of office" deep in the body human', async () => {
    const mail = await fixture('human-long-mentions-ooo.eml')
    expect(mail.text).toContain('out of office')
    expect(classifyAutomation(mail)).toEqual({ kind: 'human' })
  })

  it('reads out-of-office sentences in the first lines of a short message without headers', async () => {
    const mail = await simpleParser(
      'From: a@example.de\nTo: b@example.com\nSubject: Ihre Anfrage\nContent-Type: text/plain; charset=utf-8\n\nGuten Tag,\nich bin bis zum 3. April nicht im Büro.\n',
    )
    expect(classifyAutomation(mail)).toEqual({ kind: 'auto_reply', reason: 'body out-of-office pattern' })
  })

  it('ignores Auto-Submitted: no and receipt-only X-Auto-Response-Suppress values', async () => {
    const mail = await simpleParser(
      'From: a@example.com\nTo: b@example.com\nSubject: Question\nAuto-Submitted: no\nX-Auto-Response-Suppress: DR, RN, NRN\n\nWhere is my order?\n',
    )
    expect(classifyAutomation(mail)).toEqual({ kind: 'human' })
  })

  it('treats a null return path as automated', async () => {
    const mail = await simpleParser('Return-Path: <>\nFrom: a@example.com\nSubject: Hi\n\nText\n')
    expect(classifyAutomation(mail)).toEqual({ kind: 'auto_reply', reason: 'header Return-Path: <>' })
  })

  it.skipIf(!corpusExists)('flags every RFC 3834 auto reply of the sisimai set', async () => {
    const files = corpusFiles('sisimai/maildir/bsd').filter((f) => path.basename(f).startsWith('rfc3834'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      expect(classifyAutomation(await corpusMail(file)).kind, file).not.toBe('human')
    }
  })

  it.skipIf(!corpusExists)('flags chatwoot messages with X-Autoreply', async () => {
    const files = corpusFiles('chatwoot').filter((f) =>
      /^x-autoreply:/im.test(readFileSync(path.join(corpus, f), 'latin1')),
    )
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      expect(classifyAutomation(await corpusMail(file)).kind, file).not.toBe('human')
    }
  })

  it.skipIf(!corpusExists)('keeps the sisimai non-bounces human', async () => {
    for (const file of corpusFiles('sisimai/maildir/not')) {
      expect(classifyAutomation(await corpusMail(file)), file).toEqual({ kind: 'human' })
    }
  })
})

describe('parseBounce', () => {
  it('reads an Exchange DSN in German', async () => {
    expect(parseBounce(await fixture('dsn-exchange-de.eml'))).toEqual({
      recipients: [
        {
          address: 'lager@example.de',
          action: 'failed',
          status: '5.1.10',
          diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
        },
      ],
      originalMessageId: '<ticket-10042-6@tresen.example.com>',
      permanent: true,
    })
  })

  it('reads a Postfix DSN and the Message-ID of the returned message', async () => {
    const bounce = parseBounce(await fixture('dsn-postfix.eml'))
    expect(bounce).toMatchObject({
      recipients: [{ address: 'old.customer@example.com', action: 'failed', status: '5.1.1' }],
      originalMessageId: '<ticket-10057-2@tresen.example.com>',
      permanent: true,
    })
    expect(bounce?.recipients[0]?.diagnostic).toMatch(/^550 5\.1\.1 .*User unknown in virtual mailbox table$/)
  })

  it('reads a delayed DSN as a transient bounce', async () => {
    expect(parseBounce(await fixture('dsn-delayed.eml'))).toEqual({
      recipients: [
        {
          address: 'buero@example.de',
          action: 'delayed',
          status: '4.4.1',
          diagnostic: 'connect to mail.example.de[198.51.100.7]:25: Connection timed out',
        },
      ],
      originalMessageId: '<ticket-10060-1@tresen.example.com>',
      permanent: false,
    })
  })

  it('returns null for messages that are not bounces', async () => {
    for (const name of [
      'ooo-exchange-de.eml',
      'ooo-subject-only-de.eml',
      'vacation-gmail-en.eml',
      'reply-human-de.eml',
      'newsletter.eml',
      'human-long-mentions-ooo.eml',
    ]) {
      expect(parseBounce(await fixture(name)), name).toBeNull()
    }
  })

  it('reads a non-RFC bounce from MAILER-DAEMON by its text', async () => {
    const mail = await simpleParser(
      [
        'Return-Path: <>',
        'From: Mail Delivery System <Mailer-Daemon@mx.example.de>',
        'To: support@tresen.example.com',
        'Subject: Mail delivery failed: returning message to sender',
        '',
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  kunde@example.de',
        '    host mx.example.de [192.0.2.7]',
        '    SMTP error from remote mail server after RCPT TO:<kunde@example.de>:',
        '    550 5.1.1 <kunde@example.de>: Recipient address rejected',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        'From: support@tresen.example.com',
        'To: kunde@example.de',
        'Message-ID: <ticket-10070-1@tresen.example.com>',
        'Subject: Ihre Anfrage [#10070]',
        '',
        'Guten Tag',
        '',
      ].join('\n'),
    )
    expect(parseBounce(mail)).toEqual({
      recipients: [
        {
          address: 'kunde@example.de',
          action: null,
          status: '5.1.1',
          diagnostic: '550 5.1.1 <kunde@example.de>: Recipient address rejected',
        },
      ],
      originalMessageId: '<ticket-10070-1@tresen.example.com>',
      permanent: true,
    })
  })

  it.skipIf(!corpusExists)('recognizes most sisimai bounces with a recipient address', async () => {
    const files = corpusFiles('sisimai/maildir/bsd')
      .concat(corpusFiles('sisimai/maildir/dos'), corpusFiles('sisimai/maildir/mac'))
      .filter((f) => /^(lhost|rhost)-/.test(path.basename(f)))
    const failed: string[] = []
    for (const file of files) {
      const bounce = parseBounce(await corpusMail(file))
      if (!bounce) failed.push(`${file}: not recognized`)
      else if (!bounce.recipients.some((r) => r.address.includes('@'))) failed.push(`${file}: no recipient`)
    }
    const fraction = (files.length - failed.length) / files.length
    console.log(
      `sisimai bounces with a recipient: ${files.length - failed.length}/${files.length}` +
        (failed.length > 0 ? `; missed:\n  ${failed.join('\n  ')}` : ''),
    )
    expect(fraction).toBeGreaterThanOrEqual(0.8)
  })

  it.skipIf(!corpusExists)(
    'does not take sisimai auto replies, complaints or plain mail for bounces',
    async () => {
      const files = corpusFiles('sisimai/maildir/bsd')
        .filter((f) => /^(rfc3834|arf)-/.test(path.basename(f)))
        .concat(corpusFiles('sisimai/maildir/not'))
      for (const file of files) expect(parseBounce(await corpusMail(file)), file).toBeNull()
    },
  )
})

describe('ticketNumberFromSubject', () => {
  it.each([
    ['Lieferung [#10042]', 10042],
    ['AW: WG: Lieferung [#10042]', 10042],
    ['[Ticket#10042] Lieferung', 10042],
    ['[ticket#7] x', 7],
    ['[TICKET #10042] x', 10042],
    ['Re: [#1] alt [#10042] neu', 10042],
    ['Rechnung 10042', null],
    ['Frage #10042', null],
    ['[#] leer', null],
    ['[#abc]', null],
    ['', null],
  ])('%j → %j', (subject, expected) => {
    expect(ticketNumberFromSubject(subject)).toBe(expected)
  })
})

describe('normalizeSubject', () => {
  it.each([
    ['Re: Lieferung', 'Lieferung'],
    ['RE: Lieferung', 'Lieferung'],
    ['AW: Lieferung', 'Lieferung'],
    ['Aw: Lieferung', 'Lieferung'],
    ['WG: Lieferung', 'Lieferung'],
    ['Wg: Lieferung', 'Lieferung'],
    ['Fwd: Lieferung', 'Lieferung'],
    ['Fw: Lieferung', 'Lieferung'],
    ['FW: Lieferung', 'Lieferung'],
    ['Antw: Lieferung', 'Lieferung'],
    ['Antwort: Lieferung', 'Lieferung'],
    ['SV: Lieferung', 'Lieferung'],
    ['VS: Lieferung', 'Lieferung'],
    ['Tr: Lieferung', 'Lieferung'],
    ['R: Lieferung', 'Lieferung'],
    ['Rif: Lieferung', 'Lieferung'],
    ['I: Lieferung', 'Lieferung'],
    ['Re[2]: Lieferung', 'Lieferung'],
    ['Re(2): Lieferung', 'Lieferung'],
    ['Re [3] : Lieferung', 'Lieferung'],
    ['RE: AW: WG: Lieferung', 'Lieferung'],
    ['RE:AW:WG:Lieferung', 'Lieferung'],
    ['Re : Lieferung', 'Lieferung'],
    ['AW: WG: Lieferung [#10042]', 'Lieferung'],
    ['[#10042] AW: Lieferung', 'Lieferung'],
    ['AW: [Ticket#10042] RE: Lieferung', 'Lieferung'],
    ['  Re:   Lieferung   morgen  ', 'Lieferung morgen'],
    ['Lieferung', 'Lieferung'],
    ['Retoure: Paket', 'Retoure: Paket'],
    ['Ihre Reklamation', 'Ihre Reklamation'],
    ['Frage: Preis', 'Frage: Preis'],
    ['Information', 'Information'],
    ['Re:', 'Re:'],
    ['  AW: RE:  ', 'AW: RE:'],
    ['[#10042]', '[#10042]'],
    ['', ''],
  ])('%j → %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected)
  })
})

describe('foldQuoted', () => {
  it('folds a German reply header, the quote below it and the signature', async () => {
    const { visible, folded } = foldQuoted((await fixture('reply-human-de.eml')).text ?? '')
    expect(visible).toBe(
      'Hallo Frau Schmidt,\n\ndie Lieferung ist heute angekommen, aber zwei Kartons fehlen noch.\n' +
        'Können Sie bitte nachsehen, wann der Rest verschickt wird?\n\nViele Grüße\nMax Muster',
    )
    expect(folded).toMatch(/^-- \nMuster Möbel GmbH/)
    expect(folded).toContain('Am 18.03.2026 um 16:05 schrieb Tresen Kundenservice:')
    expect(folded).toContain('> Ihre Lieferung wurde heute verschickt.')
  })

  it.each([
    ['Am 12.03.2026 um 10:15 schrieb Max Muster <max@example.de>:\n> Alt'],
    ['On Tue, Mar 3, 2026 at 10:15 AM Max <max@example.com> wrote:\n> Old'],
    ['On Tue, Mar 3, 2026 at 10:15 AM Max Mustermann <max.mustermann@example.com>\nwrote:\n\n> Old'],
    ['-----Original Message-----\nFrom: Max <max@example.com>\nSent: Tuesday\nSubject: Old\n\nOld'],
    ['-----Ursprüngliche Nachricht-----\nVon: Max <max@example.de>\nGesendet: Dienstag\nBetreff: Alt\n\nAlt'],
    [
      '________________________________\nVon: Max Muster\nGesendet: Dienstag, 3. März 2026 10:15\nAn: Service\nBetreff: Alt\n\nAlt',
    ],
    ['From: Max Muster\nSent: Tuesday, March 3, 2026 10:15 AM\nTo: Support\nSubject: Old\n\nOld'],
    ['> Old\n> text'],
    ['-- \nMax Muster\nExample GmbH'],
    ['Gesendet von meinem iPhone'],
    ['Sent from my iPhone\n\n> Old'],
  ])('folds %j', (rest) => {
    const { visible, folded } = foldQuoted(`Neue Nachricht.\n\n${rest}`)
    expect(visible).toBe('Neue Nachricht.')
    expect(folded).toBe(rest)
  })

  it('accepts CRLF line endings', () => {
    expect(
      foldQuoted('Ja, bitte.\r\n\r\nAm 12.03.2026 um 10:15 schrieb Max <max@example.de>:\r\n> Alt\r\n'),
    ).toEqual({
      visible: 'Ja, bitte.',
      folded: 'Am 12.03.2026 um 10:15 schrieb Max <max@example.de>:\n> Alt',
    })
  })

  it('keeps replies written between quotes visible', () => {
    const text = '> Passt Dienstag?\nJa, Dienstag passt.\n\n> Und die Adresse?\nGartenweg 3.'
    expect(foldQuoted(text)).toEqual({ visible: text, folded: '' })
  })

  it('folds a leading quote when the reply is written below it', () => {
    expect(foldQuoted('On 03/03/2026 10:15 AM, Max wrote:\n> Old question\n\nNew answer.\n-- \nMax')).toEqual(
      {
        visible: 'New answer.',
        folded: 'On 03/03/2026 10:15 AM, Max wrote:\n> Old question\n\n-- \nMax',
      },
    )
  })

  it('keeps everything visible when folding would leave nothing', () => {
    expect(foldQuoted('> only a quote\n> nothing else')).toEqual({
      visible: '> only a quote\n> nothing else',
      folded: '',
    })
    expect(foldQuoted('-- \nsignature only')).toEqual({ visible: '-- \nsignature only', folded: '' })
    expect(foldQuoted('')).toEqual({ visible: '', folded: '' })
  })

  it('keeps a message without quotes whole', () => {
    const text = 'Hallo,\n\nwo bleibt meine Bestellung? Ich schrieb: "bitte bis Freitag".\n\nDanke'
    expect(foldQuoted(text)).toEqual({ visible: text, folded: '' })
  })

  it.skipIf(!corpusExists)('extracts the reply of most talon standard replies', async () => {
    const files = corpusFiles('talon/standard_replies').filter((f) => f.endsWith('.eml'))
    const misses: string[] = []
    for (const file of files) {
      const expectedFile = path.join(corpus, file.replace(/\.eml$/, '_reply_text'))
      const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8').trim() : 'Hello'
      const { visible } = foldQuoted((await corpusMail(file)).text ?? '')
      // The expected replies keep signatures, which foldQuoted folds: a visible prefix of them counts.
      const ok = visible === expected || (visible !== '' && expected.startsWith(visible))
      if (!ok) misses.push(`${file}: ${JSON.stringify(visible.slice(0, 120))}`)
    }
    console.log(
      `talon replies extracted: ${files.length - misses.length}/${files.length}` +
        (misses.length > 0 ? `; missed:\n  ${misses.join('\n  ')}` : ''),
    )
    expect((files.length - misses.length) / files.length).toBeGreaterThanOrEqual(0.8)
  })
})
