import { isUtf8 } from 'node:buffer'
import path from 'node:path'
import type { EmailWarning } from '@tresen/contract'
import chardet from 'chardet'
import iconv from 'iconv-lite'
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser'
import { z } from 'zod'
import { sanitizeMessageHtml } from '../../platform/html.ts'
import { messageHtmlToText } from '../../platform/html-text.ts'
import {
  type Automation,
  type Bounce,
  classifyAutomation,
  foldQuoted,
  parseBounce,
} from './email.classify.ts'

/** Largest message taken in; larger ones are kept raw as unprocessable. */
export const MAX_MESSAGE_BYTES = 30 * 1024 * 1024
/** A message whose parsing takes longer is kept raw as unprocessable instead of holding up the mailbox. */
export const PARSE_TIMEOUT_MS = 20_000
/** More attachments than this are dropped (with a warning); the raw message keeps them all. */
export const MAX_ATTACHMENTS = 250
/** Message text kept on the timeline; the raw message keeps the rest. */
export const MAX_TEXT = 100_000
/** Sanitized HTML kept on the timeline (inline images included); longer HTML is dropped for its text. */
export const MAX_HTML = 2 * 1024 * 1024
const MAX_SUBJECT = 500

/** A message that cannot become a ticket or a reply; it is kept raw with this reason for an admin. */
export class UnprocessableMessage extends Error {}

export type ParsedAttachment = { filename: string; contentType: string; data: Buffer }

export type ParsedEmail = {
  messageId: string | null
  inReplyTo: string[]
  references: string[]
  from: { address: string; name: string } | null
  to: string[]
  cc: string[]
  subject: string
  date: Date | null
  /** What the sender wrote now, then quoted earlier mail and signature from `foldAt` on. */
  text: string
  foldAt: number | null
  html: string | null
  attachments: ParsedAttachment[]
  automation: Automation
  bounce: Bounce | null
  language: 'de' | 'en'
  /** What was changed or left out on the way in: codes the timeline shows in the reader's language. */
  warnings: EmailWarning[]
}

const MESSAGE_ID = /<[^<>\s]{1,990}>/g

/** Message-IDs in a header value, each with its angle brackets (a missing pair is added). */
export const messageIds = (value: unknown): string[] => {
  const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : ''
  const found = text.match(MESSAGE_ID)
  if (found) return [...new Set(found)]
  const bare = text.trim()
  return bare && !/\s/.test(bare) && bare.length <= 990 && bare.includes('@') ? [`<${bare}>`] : []
}

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((a) => a.value)
    .flatMap(function flat(v): { address?: string; name: string }[] {
      return v.group ? v.group.flatMap(flat) : [v]
    })

const EMAIL = z.email().max(320)

/** An address the desk can store and write to (as the API validates it), or null. */
export const cleanAddress = (value: string | undefined) => {
  // "name@example.com." is a fully qualified domain; the dot is dropped.
  const address = value?.trim().toLowerCase().replace(/\.+$/, '')
  return address && EMAIL.safeParse(address).success ? address : null
}

/** Control characters and line breaks out of text that becomes a header or a name. */
export const oneLine = (value: string) =>
  value
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()

/** Addresses in From headers after the first (mailparser reads only the first). */
const laterFromHeaders = (mail: ParsedMail) =>
  mail.headerLines
    .filter((h) => h.key === 'from')
    .slice(1)
    .flatMap((h) =>
      [...h.line.matchAll(/<?([^\s<>"]+@[^\s<>"]+?)>?(?:\s|,|$)/g)].map((m) => ({ address: m[1], name: '' })),
    )

const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'message/rfc822': '.eml',
  'message/delivery-status': '.txt',
  'text/rfc822-headers': '.txt',
}

/**
 * A file name safe to store and offer for download: no folders, no control characters, no
 * characters Windows refuses, no leading dots, at most 200 characters.
 */
export const safeFilename = (name: string | undefined, contentType: string): string => {
  const base = path.posix.basename((name ?? '').replace(/\\/g, '/'))
  let clean = oneLine(base)
    .replace(/[<>:"/\\|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
  if (clean.length > 200) {
    const ext = path.extname(clean).slice(0, 20)
    clean = clean.slice(0, 200 - ext.length) + ext
  }
  return clean || `attachment${EXTENSIONS[contentType] ?? '.bin'}`
}

const GERMAN =
  /\b(und|der|die|das|ich|nicht|ist|mit|sie|bitte|danke|für|ihr|ihre|wir|haben|eine?|vielen|grüße|hallo|guten)\b|[äöüß]/gi
const ENGLISH =
  /\b(the|and|is|you|your|to|please|thanks|thank|for|with|not|have|we|hello|regards|dear|my)\b/gi

/** German or English, by the words of subject and text (German when unsure). */
export const guessLanguage = (text: string): 'de' | 'en' => {
  const sample = text.slice(0, 3000)
  const de = sample.match(GERMAN)?.length ?? 0
  const en = sample.match(ENGLISH)?.length ?? 0
  return en > de ? 'en' : 'de'
}

const withTimeout = <T>(promise: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UnprocessableMessage(`parsing took longer than ${ms / 1000} s`)),
        ms,
      )
    }),
  ]).finally(() => clearTimeout(timer))
}

/** The header section's end (blank line), to bound its size before the parser sees it. */
const headerLength = (raw: Buffer) => {
  const crlf = raw.indexOf('\r\n\r\n')
  const lf = raw.indexOf('\n\n')
  const ends = [crlf, lf].filter((i) => i >= 0)
  return ends.length ? Math.min(...ends) : raw.length
}
const MAX_HEADER_BYTES = 1024 * 1024

/** Charset labels mail clients write that the decoder does not know, and what they mean. */
const CHARSET_ALIASES: [RegExp, string][] = [
  [/^(?:cp-?|windows-?|win-?)?1252$/i, 'windows-1252'],
  [/^(?:cp-?|windows-?)?125([0-8])$/i, 'windows-125$1'],
  [/^iso-gb2312$/i, 'gb2312'],
  [/^latin-?1$/i, 'iso-8859-1'],
]

const canonicalCharset = (label: string) => {
  for (const [pattern, name] of CHARSET_ALIASES) if (pattern.test(label)) return label.replace(pattern, name)
  return label
}

/**
 * Rewrites unknown charset labels ("1252", "iso-gb2312") in Content-Type parameters and
 * encoded-words to their standard names, so umlauts decode instead of turning into U+FFFD.
 */
export const fixCharsetLabels = (raw: Buffer) => {
  const text = raw.toString('latin1')
  let changed = false
  const fixed = text
    .replace(/(charset\s*=\s*"?)([\w.:-]+)/gi, (m, pre: string, label: string) => {
      const name = canonicalCharset(label)
      if (name === label) return m
      changed = true
      return pre + name
    })
    .replace(
      /=\?([\w.:-]+)(\*[\w-]+)?\?([bq])\?/gi,
      (m, label: string, lang: string | undefined, enc: string) => {
        const name = canonicalCharset(label)
        if (name === label) return m
        changed = true
        return `=?${name}${lang ?? ''}?${enc}?`
      },
    )
  return changed ? Buffer.from(fixed, 'latin1') : raw
}

/** Below this confidence (of 100) a charset guess from a few header words is not trusted. */
const MIN_GUESS_CONFIDENCE = 50

/**
 * Header lines written in raw 8-bit text of a legacy charset instead of encoded-words (old
 * clients: "Subject: Rückfrage" in Latin-1), re-encoded as UTF-8 so they do not turn into U+FFFD.
 * The charset is guessed from all such lines together; a guess from too little text falls back to
 * Windows-1252, what such German and English mail nearly always is. Returns the charset used, or
 * null when the header needed nothing.
 */
export const fixRawHeaderCharset = (raw: Buffer): { raw: Buffer; charset: string | null } => {
  const end = headerLength(raw)
  const head = raw.subarray(0, end)
  // Plain ASCII is valid UTF-8 too: nearly every message ends here, after one native check.
  if (isUtf8(head)) return { raw, charset: null }
  const lines: { bytes: Buffer; utf8: boolean }[] = []
  for (let start = 0; start < head.length; ) {
    const nl = head.indexOf(0x0a, start)
    const stop = nl < 0 ? head.length : nl + 1
    const bytes = head.subarray(start, stop)
    lines.push({ bytes, utf8: isUtf8(bytes) })
    start = stop
  }
  const legacy = lines.filter((l) => !l.utf8).map((l) => l.bytes)
  const guess = chardet.analyse(Buffer.concat(legacy))[0]
  const charset =
    guess && guess.confidence >= MIN_GUESS_CONFIDENCE && iconv.encodingExists(guess.name)
      ? guess.name
      : 'windows-1252'
  const fixed = lines.map((l) => (l.utf8 ? l.bytes : Buffer.from(iconv.decode(l.bytes, charset), 'utf8')))
  return { raw: Buffer.concat([...fixed, raw.subarray(end)]), charset }
}

/** Turns a raw RFC 5322 message into what the desk stores; throws UnprocessableMessage with the reason. */
export const parseEmail = async (raw: Buffer, opts: { timeoutMs?: number } = {}): Promise<ParsedEmail> => {
  if (raw.length === 0) throw new UnprocessableMessage('the message is empty')
  if (raw.length > MAX_MESSAGE_BYTES)
    throw new UnprocessableMessage(
      `the message is larger than ${MAX_MESSAGE_BYTES / 1024 / 1024} MB (${(raw.length / 1024 / 1024).toFixed(1)} MB)`,
    )
  if (headerLength(raw) > MAX_HEADER_BYTES)
    throw new UnprocessableMessage('the header section is larger than 1 MB')
  // Old Mac clients end lines with a bare CR, which the parser does not read as line ends.
  if (!raw.includes(0x0a) && raw.includes(0x0d))
    raw = Buffer.from(raw.toString('latin1').replace(/\r/g, '\r\n'), 'latin1')
  raw = fixCharsetLabels(raw)
  const header = fixRawHeaderCharset(raw)
  raw = header.raw
  let mail: ParsedMail
  try {
    mail = await withTimeout(
      simpleParser(raw, { keepDeliveryStatus: true, maxHtmlLengthToParse: 5 * 1024 * 1024 }),
      opts.timeoutMs ?? PARSE_TIMEOUT_MS,
    )
  } catch (err) {
    if (err instanceof UnprocessableMessage) throw err
    throw new UnprocessableMessage(`the message cannot be parsed: ${(err as Error).message}`)
  }
  return fromParsed(
    mail,
    header.charset ? [{ code: 'header_charset_guessed', params: { charset: header.charset } }] : [],
  )
}

/** Each warning once (the same code with the same parameters counts once). */
const uniqueWarnings = (warnings: EmailWarning[]) => {
  const seen = new Set<string>()
  return warnings.filter((w) => {
    const key = JSON.stringify(w)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const fromParsed = (mail: ParsedMail, warnings: EmailWarning[]): ParsedEmail => {
  const fromList = addresses(mail.from)
  const replyTo = addresses(mail.replyTo)
  const fromEntry = fromList.find((a) => cleanAddress(a.address)) ?? null
  const fromAddress = cleanAddress(fromEntry?.address)
  if (fromList.length > 1) warnings.push({ code: 'several_from' })
  // No usable From: a later From header, Reply-To or Sender names the sender.
  const fallback = [
    ...laterFromHeaders(mail),
    ...replyTo,
    ...addresses(mail.headers.get('sender') as AddressObject | undefined),
  ]
    .map((a) => ({ address: cleanAddress(a.address), name: a.name }))
    .find((a) => a.address)
  const from = fromAddress
    ? { address: fromAddress, name: oneLine(fromEntry?.name ?? '').slice(0, 200) }
    : fallback?.address
      ? { address: fallback.address, name: oneLine(fallback.name ?? '').slice(0, 200) }
      : null

  let html: string | null = null
  if (typeof mail.html === 'string' && mail.html.trim()) {
    const safe = sanitizeMessageHtml(mail.html)
    if (safe.length > MAX_HTML) warnings.push({ code: 'html_too_large' })
    else html = safe
    if (/<img\b[^>]*\bsrc\s*=\s*["']?https?:/i.test(mail.html)) warnings.push({ code: 'remote_images' })
  }
  let text = (mail.text ?? '').replace(/\r\n?/g, '\n')
  if (!text.trim() && html) text = messageHtmlToText(html)
  if (text.length > MAX_TEXT) {
    text = text.slice(0, MAX_TEXT)
    warnings.push({ code: 'text_shortened' })
  }
  const folded = foldQuoted(text)
  const foldAt = folded.folded.trim() ? folded.visible.length : null
  const fullText = foldAt === null ? text : `${folded.visible}\n\n${folded.folded}`

  const attachments: ParsedAttachment[] = []
  for (const a of mail.attachments) {
    if (attachments.length >= MAX_ATTACHMENTS) {
      warnings.push({ code: 'attachments_dropped', params: { max: MAX_ATTACHMENTS } })
      break
    }
    const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(a.contentType)
      ? a.contentType.toLowerCase()
      : 'application/octet-stream'
    const filename = safeFilename(a.filename, contentType)
    if (a.filename && filename !== a.filename)
      warnings.push({
        code: 'attachment_renamed',
        params: { from: oneLine(a.filename).slice(0, 80), to: filename },
      })
    attachments.push({ filename, contentType, data: a.content })
  }

  const subjectRaw = oneLine(mail.subject ?? '')
  const language = guessLanguage(`${subjectRaw}\n${folded.visible}`)
  const subject = subjectRaw.slice(0, MAX_SUBJECT)
  const messageId = messageIds(mail.messageId)[0] ?? null
  return {
    messageId,
    inReplyTo: messageIds(mail.inReplyTo),
    references: messageIds(mail.references),
    from,
    to: addresses(mail.to)
      .map((a) => cleanAddress(a.address))
      .filter((a): a is string => !!a),
    cc: addresses(mail.cc)
      .map((a) => cleanAddress(a.address))
      .filter((a): a is string => !!a),
    subject,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    text: fullText,
    foldAt,
    html,
    attachments,
    automation: classifyAutomation(mail),
    bounce: parseBounce(mail),
    language,
    warnings: uniqueWarnings(warnings).slice(0, 20),
  }
}
