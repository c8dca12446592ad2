import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { createSecretBox } from '../../platform/secret-box.ts'
import {
  fixCharsetLabels,
  fixRawHeaderCharset,
  guessLanguage,
  messageIds,
  parseEmail,
  safeFilename,
  UnprocessableMessage,
} from './email.parse.ts'
import { acknowledgement, replySubject } from './email.templates.ts'

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\evil.exe', 'evil.exe'],
    ['a\u0000b\r\nc.txt', 'a b c.txt'],
    ['<script>alert(1)</script>.html', 'script_.html'],
    ['..hidden', 'hidden'],
    ['Rechnung März.pdf', 'Rechnung März.pdf'],
    ['', 'attachment.pdf'],
  ])('%j → %j', (input, expected) => {
    const name = safeFilename(input, 'application/pdf')
    expect(name).toBe(expected)
    expect(name).not.toMatch(/[/\\<>:"|?*]/)
    expect([...name].some((c) => c.charCodeAt(0) < 32)).toBe(false)
  })

  it('keeps names within 200 characters and their extension', () => {
    const name = safeFilename(`${'x'.repeat(500)}.docx`, 'application/octet-stream')
    expect(name.length).toBeLessThanOrEqual(200)
    expect(name.endsWith('.docx')).toBe(true)
  })
})

describe('fixRawHeaderCharset', () => {
  const latin1Mail = (subject: string, from = 'Jürgen Müller <jm@example.de>') =>
    Buffer.from(
      `From: ${from}\r\nTo: desk@example.test\r\nSubject: ${subject}\r\nMessage-ID: <raw8@example.de>\r\n` +
        'Content-Type: text/plain; charset=iso-8859-1\r\n\r\nHallo, bitte um Rückruf.\r\n',
      'latin1',
    )

  it('reads raw Latin-1 header words (no encoded-words) as Latin-1, not as replacement characters', async () => {
    const mail = await parseEmail(latin1Mail('Grüße'))
    expect(mail.subject).toBe('Grüße')
    expect(mail.from).toEqual({ address: 'jm@example.de', name: 'Jürgen Müller' })
    expect(mail.warnings).toHaveLength(1)
    expect(mail.warnings[0]).toMatchObject({ code: 'header_charset_guessed' })
    expect(String(mail.warnings[0]!.params?.charset)).toMatch(/^(windows-1252|ISO-8859-1)$/)
  })

  it('falls back to Windows-1252 when a few words are too little to guess from', () => {
    const fixed = fixRawHeaderCharset(Buffer.from('Subject: Grüße\r\n\r\nx', 'latin1'))
    expect(fixed.charset).toBe('windows-1252')
    expect(fixed.raw.toString('utf8')).toBe('Subject: Grüße\r\n\r\nx')
  })

  it('uses a confident guess over enough text (ISO-8859-1 for a German subject)', async () => {
    const mail = await parseEmail(latin1Mail('Rückfrage zur Bestellung, Lieferung fällig, Maße prüfen'))
    expect(mail.subject).toBe('Rückfrage zur Bestellung, Lieferung fällig, Maße prüfen')
    expect(mail.text).toContain('Rückruf')
    expect(mail.text).not.toContain('\ufffd')
  })

  it('reads a raw GB18030 subject as Chinese', async () => {
    const gb = Buffer.concat([
      Buffer.from('From: a@example.cn\r\nSubject: '),
      iconv.encode('转发：整体提升企业服务水平', 'gb18030'),
      Buffer.from('\r\n\r\nbody\r\n'),
    ])
    const mail = await parseEmail(gb)
    expect(mail.subject).toBe('转发：整体提升企业服务水平')
  })

  it('leaves UTF-8 and plain ASCII headers as they are', () => {
    const utf8 = Buffer.from('Subject: Grüße\r\n\r\nbody', 'utf8')
    expect(fixRawHeaderCharset(utf8)).toEqual({ raw: utf8, charset: null })
    const ascii = Buffer.from('Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nb\xfcdy', 'latin1')
    expect(fixRawHeaderCharset(ascii).charset).toBeNull()
  })

  it('re-encodes only the header: body bytes of the declared charset stay as they were', () => {
    const raw = Buffer.from(
      'Subject: Grüße\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nb\xfcdy',
      'latin1',
    )
    const fixed = fixRawHeaderCharset(raw)
    expect(fixed.raw.subarray(fixed.raw.indexOf('\r\n\r\n')).toString('latin1')).toBe('\r\n\r\nb\xfcdy')
    expect(fixed.raw.toString('utf8')).toContain('Subject: Grüße')
  })
})

describe('fixCharsetLabels', () => {
  it('maps labels the decoder does not know to standard names', () => {
    const raw = Buffer.from(
      'Subject: =?1252?Q?Gr=FC=DFe?=\r\nContent-Type: text/plain; charset="1252"\r\n\r\nx',
      'latin1',
    )
    const fixed = fixCharsetLabels(raw).toString('latin1')
    expect(fixed).toContain('=?windows-1252?Q?Gr=FC=DFe?=')
    expect(fixed).toContain('charset="windows-1252"')
  })

  it('leaves known labels and the bytes alone', () => {
    const raw = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nÄ', 'utf8')
    expect(fixCharsetLabels(raw)).toBe(raw)
  })
})

describe('messageIds', () => {
  it('reads ids with and without brackets', () => {
    expect(messageIds('<a@b> <c@d>')).toEqual(['<a@b>', '<c@d>'])
    expect(messageIds(['<a@b>', '<a@b>'])).toEqual(['<a@b>'])
    expect(messageIds('bare@host')).toEqual(['<bare@host>'])
    expect(messageIds('not an id')).toEqual([])
  })
})

describe('guessLanguage', () => {
  it('tells German from English', () => {
    expect(guessLanguage('Hallo, ich habe eine Frage zu meiner Bestellung. Vielen Dank!')).toBe('de')
    expect(guessLanguage('Hello, I have a question about my order. Thank you!')).toBe('en')
    expect(guessLanguage('')).toBe('de')
  })
})

describe('parseEmail', () => {
  it('refuses empty and oversized messages with a reason', async () => {
    await expect(parseEmail(Buffer.alloc(0))).rejects.toBeInstanceOf(UnprocessableMessage)
    await expect(parseEmail(Buffer.alloc(31 * 1024 * 1024, 0x61))).rejects.toThrow(/larger than 30 MB/)
  })

  it('survives deeply nested multiparts, missing boundaries and an unknown charset', async () => {
    let body = 'innen'
    for (let i = 0; i < 150; i++) {
      body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain\r\n\r\nTeil ${i}\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`
    }
    const nested = await parseEmail(Buffer.from(`From: a@example.de\r\nSubject: tief\r\n${body}`))
    expect(nested.subject).toBe('tief')
    const broken = await parseEmail(
      Buffer.from(
        'From: a@example.de\r\nSubject: kaputt\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nohne Grenze\r\n',
      ),
    )
    expect(broken.from?.address).toBe('a@example.de')
    const unknown = await parseEmail(
      Buffer.from(
        'From: a@example.de\r\nSubject: x\r\nContent-Type: text/plain; charset=x-unbekannt-42\r\n\r\nHallo Welt\r\n',
      ),
    )
    expect(unknown.text).toContain('Hallo Welt')
  })

  it('keeps the first From when several are given, and never a line break in names', async () => {
    const mail = await parseEmail(
      Buffer.from(
        'From: "Eve\\r\\nBcc: x@y" <eve@example.de>\r\nFrom: other@example.de\r\nSubject: a\r\n\r\nb\r\n',
      ),
    )
    expect(mail.from?.address).toBe('eve@example.de')
    expect(mail.from?.name).not.toMatch(/[\r\n]/)
  })

  it('records what changed on the way in as codes with their values, each once', async () => {
    const mail = await parseEmail(
      Buffer.from(
        [
          'From: a@example.de, b@example.de',
          'Subject: Anhang',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>Hallo <img src="https://tracker.example/p.gif"> <img src="http://x.example/y.png"></p>',
          '--b',
          'Content-Type: application/pdf; name="../../etc/rechnung.pdf"',
          'Content-Disposition: attachment; filename="../../etc/rechnung.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          'JVBERi0xLjQK',
          '--b--',
          '',
        ].join('\r\n'),
      ),
    )
    expect(mail.warnings).toEqual([
      { code: 'several_from' },
      { code: 'remote_images' },
      { code: 'attachment_renamed', params: { from: '../../etc/rechnung.pdf', to: 'rechnung.pdf' } },
    ])
  })
})

describe('templates', () => {
  it('writes the acknowledgement in both languages with the number and an honest time', () => {
    const de = acknowledgement('de', {
      number: 10042,
      subject: 'Lieferung',
      hours: 3,
      measured: true,
      signature: 'Ihr Team',
    })
    expect(de.subject).toBe('Ihre Anfrage ist eingegangen: Lieferung [#10042]')
    expect(de.text).toContain('acht von zehn neuen Anfragen innerhalb von 3 Stunden')
    expect(de.text).toContain('-- \nIhr Team')
    const en = acknowledgement('en', {
      number: 10042,
      subject: 'Delivery',
      hours: 72,
      measured: false,
      signature: '',
    })
    expect(en.subject).toBe('We received your request: Delivery [#10042]')
    expect(en.text).toContain('within 3 days')
    expect(en.html).not.toContain('<script')
  })

  it('builds reply subjects without stacking prefixes', () => {
    expect(replySubject('AW: Re: Lieferung [#10042]', 10042)).toBe('Re: Lieferung [#10042]')
  })
})

describe('secret box', () => {
  it('seals and opens, and refuses another installation’s secret', () => {
    const box = createSecretBox('a'.repeat(43))
    const sealed = box.seal('mailbox-password')
    expect(sealed).not.toContain('mailbox-password')
    expect(box.seal('mailbox-password')).not.toBe(sealed)
    expect(box.open(sealed)).toBe('mailbox-password')
    expect(() => createSecretBox('b'.repeat(43)).open(sealed)).toThrow(/cannot be read/)
    expect(() => box.open('garbage')).toThrow()
  })
})
