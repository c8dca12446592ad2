import EmailReplyParser from 'email-reply-parser'
import type { Attachment, ParsedMail } from 'mailparser'

/** Why a message must not trigger an acknowledgement nor reopen a solved ticket on its own. */
export type Automation = { kind: 'human' } | { kind: 'auto_reply' | 'bulk' | 'bounce'; reason: string }

export type Bounce = {
  /** Each failed recipient with the DSN fields found. */
  recipients: { address: string; action: string | null; status: string | null; diagnostic: string | null }[]
  /** Message-ID of the message that bounced (from the returned message or its headers), with angle brackets, if found. */
  originalMessageId: string | null
  /** Permanent (5.x.x or no status) versus delayed/transient (4.x.x, action delayed). */
  permanent: boolean
}

type BounceRecipient = Bounce['recipients'][number]

// ---------------------------------------------------------------------------
// Header access
// ---------------------------------------------------------------------------

/** Raw (unfolded, undecoded) values of a header; mailparser's parsed values differ per header. */
function rawHeaders(mail: ParsedMail, name: string): string[] {
  const key = name.toLowerCase()
  return (mail.headerLines ?? [])
    .filter((h) => h.key === key)
    .map((h) =>
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]*/g, ' ')
        .trim(),
    )
}

function rawHeader(mail: ParsedMail, name: string): string | null {
  return rawHeaders(mail, name)[0] ?? null
}

function fromAddress(mail: ParsedMail): { address: string; name: string } {
  const first = mail.from?.value[0]
  return { address: (first?.address ?? '').toLowerCase(), name: first?.name ?? '' }
}

function contentType(mail: ParsedMail): { value: string; params: Record<string, string> } {
  const header = mail.headers.get('content-type')
  if (header && typeof header === 'object' && 'value' in header && 'params' in header) {
    const params: Record<string, string> = {}
    for (const [key, value] of Object.entries(header.params)) params[key.toLowerCase()] = String(value)
    return { value: String(header.value).toLowerCase(), params }
  }
  return { value: '', params: {} }
}

function hasNullReturnPath(mail: ParsedMail): boolean {
  const values = rawHeaders(mail, 'return-path')
  return values.length > 0 && values.every((v) => /^<?\s*>?$/.test(v))
}

/** Body text for pattern checks; mailparser derives it from the HTML part when there is no text part. */
function bodyText(mail: ParsedMail): string {
  return (mail.text ?? '').replace(/\r\n?/g, '\n')
}

// ---------------------------------------------------------------------------
// Automation
// ---------------------------------------------------------------------------

/**
 * Out-of-office subjects. Phrases that are hardly ever part of a human subject match anywhere;
 * "Out of Office", "Abwesend" and "Urlaub" only at the start or as a label ("Out of Office: …").
 */
const AUTO_REPLY_SUBJECT: RegExp[] = [
  /\b(automatische antwort|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|abwesenheitsnotiz|abwesenheitsmeldung|abwesenheitsnachricht|out[- ]of[- ]office (?:reply|notice|autoreply)|réponse automatique|risposta automatica|respuesta automática|automatisch antwoord|automatisk svar|autosvar|odpowiedź automatyczna|automaattinen vastaus)\b/i,
  /^\s*[[(]?\s*(out of (?:the )?office|ooo|abwesend|nicht im büro|im urlaub|urlaub bis|vacation|on vacation|away from (?:the )?office|office closed|abwesenheit)\b/i,
  /\b(out of (?:the )?office|abwesend|vacation)\s*[:\]]/i,
]

/** Out-of-office sentences; only checked in short messages or their first lines. */
const AUTO_REPLY_BODY: RegExp[] = [
  /\b(ich bin|bin ich)\b[^\n]{0,80}?\b(nicht im büro|abwesend|im urlaub|außer haus|nicht erreichbar|nicht im hause)\b/i,
  /\b(I am|I'm|I will be)\b[^\n]{0,40}?\b(out of (?:the )?office|away from (?:the )?office|on (?:vacation|holiday|annual leave|leave)|out of town|currently away)\b/i,
  /\b(this is an? (?:automatic|automated) (?:reply|response|message)|dies ist eine automatische (?:antwort|nachricht|benachrichtigung)|automatisch generierte (?:antwort|nachricht))\b/i,
  /\b(returning to the office|back in the office on|wieder im büro|wieder erreichbar|ab dem .{1,20} wieder)\b/i,
]

const SHORT_BODY_CHARS = 800
const FIRST_LINES = 3
const BODY_SCAN_CHARS = 8000

function autoReplySubject(subject: string): boolean {
  return AUTO_REPLY_SUBJECT.some((re) => re.test(subject))
}

function autoReplyBody(mail: ParsedMail): boolean {
  // Only the opening matters, and reply parsing of megabyte bodies is slow.
  const opening = bodyText(mail).slice(0, BODY_SCAN_CHARS)
  // No pattern spans lines: a text none of them matches has no matching part (most mail).
  if (!AUTO_REPLY_BODY.some((re) => re.test(opening))) return false
  const { visible } = foldQuoted(opening)
  const text = visible.trim()
  if (text === '') return false
  const head = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, FIRST_LINES)
    .join('\n')
  const scope = text.length <= SHORT_BODY_CHARS ? text : head
  return AUTO_REPLY_BODY.some((re) => re.test(scope))
}

/** Headers some systems set on automatic replies instead of RFC 3834 Auto-Submitted. */
const VENDOR_AUTO_REPLY_HEADERS: { name: string; test: RegExp }[] = [
  { name: 'X-Autoreply', test: /^(?!no$|false$|0$)/i },
  { name: 'X-Autorespond', test: /^(?!no$|false$|0$)/i },
  { name: 'X-Autogenerated', test: /^reply$/i },
  { name: 'X-Autoreply-From', test: /./ },
  { name: 'X-Mail-Autoreply', test: /./ },
  { name: 'X-Apple-Action', test: /^vacation$/i },
]

/**
 * RFC 3834 and its common substitutes. The order matters: bounces often also carry
 * `Auto-Submitted`, and vacation responders often also carry `Precedence: bulk`.
 *
 * `X-Auto-Response-Suppress` is Microsoft's request not to be answered automatically. Exchange
 * sets `All` on its out-of-office replies and `OOF`/`AutoReply` on system notifications; a person
 * writing from Outlook sends none of these, so those values mark the message as automated
 * (`DR`, `NDR`, `RN`, `NRN` alone are only receipt preferences and do not).
 */
export function classifyAutomation(mail: ParsedMail): Automation {
  const bounce = detectBounce(mail)
  if (bounce) return { kind: 'bounce', reason: bounce.reason }

  const subject = mail.subject ?? ''

  const autoSubmitted = rawHeader(mail, 'auto-submitted')
  if (autoSubmitted) {
    const value = autoSubmitted.split(';')[0]!.trim().toLowerCase()
    if (value !== 'no' && value !== '') {
      return {
        kind: value === 'auto-replied' ? 'auto_reply' : 'bulk',
        reason: `header Auto-Submitted: ${value}`,
      }
    }
  }

  for (const { name, test } of VENDOR_AUTO_REPLY_HEADERS) {
    const value = rawHeader(mail, name)
    if (value !== null && test.test(value)) return { kind: 'auto_reply', reason: `header ${name}: ${value}` }
  }

  const suppress = rawHeader(mail, 'x-auto-response-suppress')
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress)) {
    const looksLikeReply =
      autoReplySubject(subject) || rawHeader(mail, 'x-ms-exchange-inbox-rules-loop') !== null
    return {
      kind: looksLikeReply ? 'auto_reply' : 'bulk',
      reason: `header X-Auto-Response-Suppress: ${suppress}`,
    }
  }

  const precedence = rawHeader(mail, 'precedence')?.toLowerCase()
  if (precedence === 'auto_reply') return { kind: 'auto_reply', reason: 'header Precedence: auto_reply' }
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') {
    return {
      kind: autoReplySubject(subject) ? 'auto_reply' : 'bulk',
      reason: `header Precedence: ${precedence}`,
    }
  }

  for (const name of ['List-Id', 'List-Unsubscribe']) {
    if (rawHeader(mail, name) !== null) return { kind: 'bulk', reason: `header ${name}` }
  }

  const type = contentType(mail)
  if (type.value === 'multipart/report') {
    const reportType = (type.params['report-type'] ?? '').toLowerCase()
    return {
      kind: reportType === 'disposition-notification' ? 'auto_reply' : 'bulk',
      reason: `report ${reportType || 'unknown'}`,
    }
  }

  if (autoReplySubject(subject)) return { kind: 'auto_reply', reason: 'subject out-of-office pattern' }

  // RFC 3834 asks automatic responders to send with a null return path; people never do.
  if (hasNullReturnPath(mail)) return { kind: 'auto_reply', reason: 'header Return-Path: <>' }

  if (autoReplyBody(mail)) return { kind: 'auto_reply', reason: 'body out-of-office pattern' }

  return { kind: 'human' }
}

// ---------------------------------------------------------------------------
// Bounces
// ---------------------------------------------------------------------------

const DAEMON_LOCAL_PART =
  /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|maildaemon|mdaemon|bounce|bounces)$/i
const DAEMON_NAME =
  /\b(mail delivery (?:system|subsystem|service)|mailer[- ]daemon|postmaster|e-?mail-?zustellsystem)\b/i

const BOUNCE_SUBJECT =
  /(undeliver(?:ed|able)|returned mail|returned to sender|delivery status notification|delivery (?:failure|failed|has failed|notification|problem)|failure notice|mail delivery failed|mail (?:system )?error|mail failure|non[- ]?delivery|could not be delivered|unzustellbar|nicht zustellbar|zustellung (?:fehlgeschlagen|verzögert)|übermittlungsstatus|unable to deliver|delayed mail|warning: could not send|message not delivered|returned message)/i

const DELAY_SUBJECT =
  /(\(delay\)|delayed mail|delivery delayed|still undelivered|warning: could not send|zustellung verzögert|verzögert)/i
const DELAY_TEXT =
  /(will (?:continue to )?(?:retry|try)|will be retried|still trying|has been delayed|is delayed|not yet been delivered|delivery is delayed|wird (?:weiterhin|erneut) versucht)/i

const DSN_ATTACHMENT_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status'])
const RETURNED_ATTACHMENT_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
])

/** Lines after which a non-RFC bounce text repeats the returned message. */
const RETURNED_MESSAGE_MARKER =
  /^\s*(-{2,}.*(?:copy of the message|original message|returned message|undelivered message|ursprüngliche nachricht|nachricht folgt)|.*below this line is a copy|original message headers|-{2,} ?the header of the original message|return-path:|received:|message-id:)/i

const EMAIL = /[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g

type DsnField = 'final-recipient' | 'original-recipient' | 'action' | 'status' | 'diagnostic-code'
const DSN_FIELDS = new Set<string>([
  'final-recipient',
  'original-recipient',
  'action',
  'status',
  'diagnostic-code',
])

/** Per-recipient blocks of an RFC 3464 report (tolerates missing blank lines and folded values). */
function parseDeliveryStatus(text: string): BounceRecipient[] {
  const blocks: Partial<Record<DsnField, string>>[] = []
  let current: Partial<Record<DsnField, string>> | null = null
  let last: DsnField | null = null
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^[ \t]+\S/.test(line) && current && last) {
      current[last] = `${current[last] ?? ''} ${line.trim()}`
      continue
    }
    last = null
    const m = /^([A-Za-z-]+)[ \t]*:[ \t]*(.*)$/.exec(line)
    if (!m) {
      if (line.trim() === '') current = null
      continue
    }
    const name = m[1]!.toLowerCase()
    if (!DSN_FIELDS.has(name)) continue
    const field = name as DsnField
    const startsRecipient = field === 'final-recipient' || field === 'original-recipient'
    if (!current || (startsRecipient && current[field] !== undefined)) {
      current = {}
      blocks.push(current)
    }
    current[field] = m[2]!.trim()
    last = field
  }
  return blocks
    .filter((b) => b['final-recipient'] !== undefined || b['original-recipient'] !== undefined)
    .map((b) => ({
      address: recipientAddress(b['original-recipient']) ?? recipientAddress(b['final-recipient']) ?? '',
      action: b.action ? b.action.toLowerCase().split(/[\s(]/)[0]! : null,
      status: /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(b.status ?? '')?.[1] ?? null,
      diagnostic: b['diagnostic-code'] ? stripAddressType(b['diagnostic-code']) || null : null,
    }))
    .filter((r) => r.address !== '' && !/^(delivered|relayed|expanded)$/.test(r.action ?? ''))
}

function stripAddressType(value: string): string {
  return value.replace(/^[A-Za-z0-9-]+\s*;\s*/, '').trim()
}

function recipientAddress(value: string | undefined): string | null {
  if (value === undefined) return null
  const address = stripAddressType(value).replace(/^<|>$/g, '').trim()
  return address.includes('@') ? address.toLowerCase() : null
}

function headerBlock(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n')
  const end = normalized.search(/\n\n/)
  return end === -1 ? normalized : normalized.slice(0, end)
}

function messageIdIn(text: string): string | null {
  const m = /^message-id[ \t]*:\s*(<[^<>\s]+>)/im.exec(text)
  return m ? m[1]! : null
}

function withBrackets(id: string | undefined): string | null {
  const trimmed = id?.trim().split(/\s+/)[0]
  if (!trimmed) return null
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`
}

function isDaemonSender(mail: ParsedMail): boolean {
  const { address, name } = fromAddress(mail)
  const local = address.split('@')[0] ?? ''
  return DAEMON_LOCAL_PART.test(local) || DAEMON_NAME.test(name)
}

/** Recipients named in the human-readable part of a bounce that has no RFC 3464 report. */
function recipientsFromText(mail: ParsedMail, text: string): BounceRecipient[] {
  const lines = text.split('\n')
  const end = lines.findIndex((l, i) => i > 0 && RETURNED_MESSAGE_MARKER.test(l))
  const notice = (end === -1 ? lines : lines.slice(0, end)).join('\n')
  const exclude = new Set<string>([fromAddress(mail).address])
  for (const to of [mail.to ?? []].flat())
    for (const a of to.value) if (a.address) exclude.add(a.address.toLowerCase())
  const seen = new Set<string>()
  const recipients: BounceRecipient[] = []
  for (const m of notice.matchAll(EMAIL)) {
    const address = m[0].replace(/^[.'=-]+|[.'=-]+$/g, '').toLowerCase()
    const local = address.split('@')[0] ?? ''
    // A line that is just the address ("<max@example.com>:") names a failed recipient even when the
    // bounce goes back to that same address.
    const lineStart = notice.lastIndexOf('\n', m.index ?? 0) + 1
    const lineEnd = notice.indexOf('\n', m.index ?? 0)
    const line = notice.slice(lineStart, lineEnd === -1 ? undefined : lineEnd)
    const ownLine = new RegExp(`^\\s*<?${escapeRegExp(m[0])}>?\\s*:?\\s*$`, 'i').test(line)
    if (seen.has(address) || (exclude.has(address) && !ownLine) || DAEMON_LOCAL_PART.test(local)) continue
    seen.add(address)
    const after = notice.slice(m.index ?? 0, (m.index ?? 0) + 400)
    const status = /\b([45]\.\d{1,3}\.\d{1,3})\b/.exec(after)?.[1] ?? null
    const diagnostic = /\b([45]\d\d[ -].{3,200})/.exec(after)?.[1]?.trim() ?? null
    recipients.push({ address, action: null, status, diagnostic })
  }
  return recipients
}

function attachmentType(attachment: Attachment): string {
  return String(attachment.contentType ?? '').toLowerCase()
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

type DetectedBounce = { bounce: Bounce; reason: string }

function detectBounce(mail: ParsedMail): DetectedBounce | null {
  const type = contentType(mail)
  const isDsnReport =
    type.value === 'multipart/report' &&
    (type.params['report-type'] ?? '').toLowerCase() === 'delivery-status'
  const subject = mail.subject ?? ''
  const text = bodyText(mail)
  const attachments = mail.attachments ?? []

  const dsnSources = [
    ...attachments
      .filter((a) => DSN_ATTACHMENT_TYPES.has(attachmentType(a)))
      .map((a) => a.content.toString('utf8')),
    text,
  ]
  let recipients: BounceRecipient[] = []
  for (const source of dsnSources) {
    recipients = parseDeliveryStatus(source)
    if (recipients.length > 0) break
  }
  const hasDsnFields = recipients.length > 0
  const returned = attachments.filter((a) => RETURNED_ATTACHMENT_TYPES.has(attachmentType(a)))

  let reason: string | null = null
  if (isDsnReport) reason = 'report delivery-status'
  else if (isDaemonSender(mail)) reason = `sender ${fromAddress(mail).address || fromAddress(mail).name}`
  else if (BOUNCE_SUBJECT.test(subject) && (hasNullReturnPath(mail) || hasDsnFields || returned.length > 0)) {
    reason = 'subject non-delivery pattern'
  }
  if (reason === null) return null

  // A report that lists only successful deliveries is a receipt, not a bounce.
  if (isDsnReport && !hasDsnFields && parseDeliveryStatusAll(dsnSources)) return null
  if (!hasDsnFields) recipients = recipientsFromText(mail, text)

  let originalMessageId: string | null = null
  for (const a of returned) {
    originalMessageId = messageIdIn(headerBlock(a.content.toString('utf8')))
    if (originalMessageId) break
  }
  originalMessageId ??= messageIdIn(text) ?? withBrackets(mail.inReplyTo)

  // An MTA that gave up ("Action: failed") will not retry, even when its status is a 4.x.x one.
  const delayedByFields =
    recipients.length > 0 &&
    recipients.every(
      (r) => r.action === 'delayed' || (r.action !== 'failed' && (r.status?.startsWith('4.') ?? false)),
    )
  const delayedByText = !hasDsnFields && (DELAY_SUBJECT.test(subject) || DELAY_TEXT.test(text))
  return { bounce: { recipients, originalMessageId, permanent: !(delayedByFields || delayedByText) }, reason }
}

/** True when a report lists recipients and all of them were delivered, relayed or expanded. */
function parseDeliveryStatusAll(sources: string[]): boolean {
  return sources.some((s) => /^action[ \t]*:[ \t]*(delivered|relayed|expanded)\b/im.test(s))
}

/** A delivery status notification (multipart/report; report-type=delivery-status, or a MAILER-DAEMON / postmaster style non-delivery message); null when the message is not a bounce. */
export function parseBounce(mail: ParsedMail): Bounce | null {
  return detectBounce(mail)?.bounce ?? null
}

// ---------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------

const TICKET_TAG = /\[\s*(?:ticket\s*)?#\s*(\d{1,15})\s*\]/gi

/** The ticket number in a subject tag like "[#10042]" (also "[Ticket#10042]", case-insensitive); null when none. The last tag wins if several. */
export function ticketNumberFromSubject(subject: string): number | null {
  let number: number | null = null
  for (const m of subject.matchAll(TICKET_TAG)) number = Number(m[1])
  return number
}

/** Reply and forward prefixes of common clients and languages, with counters like "Re[2]:" or "Re(2):". */
const SUBJECT_PREFIX =
  /^\s*(?:re|aw|wg|fwd?|antw|antwort|sv|vs|vl|tr|r|rif|i|ref|rv|res|enc|odp|pd|fs|vb|ynt|ilt|doorst|continued|回复|回覆|转发|轉寄|답장|전달)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*/i

/** The subject without reply/forward prefixes in German and English and other common clients (Re:, RE:, AW:, Aw:, WG:, Wg:, Fwd:, Fw:, FW:, Antw:, Antwort:, SV:, VS:, Tr:, R:, Rif:, I:, "Re[2]:", "Re(2):", "RE: AW: WG:" chains, with or without spaces) and without the ticket tag. Never returns an empty string for a non-empty input subject consisting only of prefixes—return the trimmed input then. */
export function normalizeSubject(subject: string): string {
  let rest = subject.replace(TICKET_TAG, ' ')
  for (;;) {
    const next = rest.replace(SUBJECT_PREFIX, '')
    if (next === rest) break
    rest = next
  }
  rest = rest.replace(/\s+/g, ' ').trim()
  return rest === '' ? subject.trim() : rest
}

// ---------------------------------------------------------------------------
// Quoted text
// ---------------------------------------------------------------------------

/** Reply headers the reply parser does not know, or only with an e-mail address in angle brackets. */
const REPLY_HEADER: RegExp[] = [
  /^\s*Am .{4,120}(?:schrieb|geschrieben)\b.{0,120}:\s*$/i,
  /^\s*On .{4,160}\bwrote:\s*$/i,
  /^\s*Le .{4,160}\ba écrit\s*:\s*$/i,
  // Any language: an attribution names an address or a date ("Max <max@example.com> schrieb:").
  /^(?=.*(?:@|\d{1,2}[:.]\d{2})).{1,160}\b(?:schrieb|wrote|a écrit|escribió|ha scritto|schreef|skrev|napisał|написал|написала)\s*:\s*$/i,
  /^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht|original nachricht|weitergeleitete nachricht|forwarded message|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|opprinnelig melding|alkuperäinen viesti)\s*-*\s*$/i,
  /^\s*(?:begin forwarded message|anfang der weitergeleiteten nachricht|weitergeleitete nachricht)\s*:\s*$/i,
]

const OUTLOOK_FROM = /^\s*\*?(?:von|from|de|da|van|från|fra)\s*:\*?\s*\S/i
const OUTLOOK_FIELD =
  /^\s*\*?(?:gesendet|sent|date|datum|envoyé|an|to|cc|betreff|subject|objet|inviato|enviado)\s*:/i
const OUTLOOK_RULE = /^\s*_{10,}\s*$/

const SIGNATURE_START: RegExp[] = [
  /^--\s*$/,
  /^\s*(?:sent from my|gesendet von meinem|von meinem .{1,40} gesendet|sent from (?:outlook|mail for windows|yahoo mail)|get outlook for|envoyé de mon|verstuurd vanaf mijn|enviado desde mi)\b/i,
]

const QUOTED = /^\s*>/

function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === ''
}

function isReplyHeaderAt(lines: string[], i: number): boolean {
  const line = lines[i]!
  if (REPLY_HEADER.some((re) => re.test(line))) return true
  // Clients wrap long attributions: "On Mon, … <max@example.com>" / "wrote:".
  const joined = `${line} ${lines[i + 1] ?? ''}`
  return /^\s*(?:On|Am|Le)\s/.test(line) && REPLY_HEADER.slice(0, 4).some((re) => re.test(joined))
}

function isOutlookBlockAt(lines: string[], i: number): boolean {
  if (!OUTLOOK_FROM.test(lines[i]!)) return false
  let fields = 0
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) if (OUTLOOK_FIELD.test(lines[j]!)) fields++
  return fields >= 2
}

/** The first line of a trailing run of quoted lines (only blank lines and quotes follow), or -1. */
function trailingQuoteStart(lines: string[]): number {
  let start = -1
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!
    if (QUOTED.test(line)) start = i
    else if (!isBlank(line)) break
  }
  return start
}

/** Attribution lines in any language directly above a quote block ("… <max@example.com> написал:"). */
function attributionAbove(lines: string[], quoteStart: number): number {
  let i = quoteStart - 1
  while (i >= 0 && isBlank(lines[i])) i--
  if (i < 0 || !/:\s*$/.test(lines[i]!)) return quoteStart
  const looksLikeAttribution = (l: string) => /@|\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}/.test(l)
  if (looksLikeAttribution(lines[i]!)) {
    if (
      i > 0 &&
      !isBlank(lines[i - 1]) &&
      looksLikeAttribution(lines[i - 1]!) &&
      !/[.!?]\s*$/.test(lines[i - 1]!)
    ) {
      return i - 1
    }
    return i
  }
  return quoteStart
}

/** The line where email-reply-parser starts hiding text (quote headers, signatures), or -1. */
function replyParserCut(lines: string[]): number {
  const fragments = new EmailReplyParser().read(lines.join('\n')).getFragments()
  let consumed = 0
  for (const fragment of fragments) {
    const content = fragment.getContent()
    const fragmentLines = content.split('\n')
    const firstLine = fragmentLines.find((l) => l.trim() !== '')?.trim()
    // Quote blocks are judged here, so that replies written between quotes stay visible.
    if (fragment.isHidden() && firstLine !== undefined && !firstLine.startsWith('>')) {
      for (let i = Math.max(0, consumed - 2); i < lines.length; i++) {
        const original = lines[i]!.trim()
        if (original !== '' && (original === firstLine || firstLine.startsWith(original))) return i
      }
      return -1
    }
    consumed += fragmentLines.length
  }
  return -1
}

/** Splits a plain-text message into what the customer wrote now and the folded rest (quoted earlier messages and signature), for the agent view. German and English reply headers ("Am 12.03.2026 um 10:15 schrieb Max Muster <max@example.de>:", "On Tue, Mar 3, 2026 at 10:15 AM Max <max@example.com> wrote:", "-----Original Message-----", "-----Ursprüngliche Nachricht-----", "Von: … Gesendet: … An: … Betreff:" Outlook blocks, "From: … Sent: …", lines starting with ">", "-- " signature separator, "Gesendet von meinem iPhone", "Sent from my iPhone"). If folding would leave nothing visible, keep everything visible. */
export function foldQuoted(text: string): { visible: string; folded: string } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const leadingEnd = leadingQuoteEnd(lines)
  if (leadingEnd !== -1) {
    // Bottom-posting: the quote comes first and the new text below it.
    const below = foldTrailing(lines.slice(leadingEnd))
    if (below.visible !== '') {
      const leading = lines.slice(0, leadingEnd).join('\n').trim()
      return { visible: below.visible, folded: [leading, below.folded].filter((p) => p !== '').join('\n\n') }
    }
  }
  return foldTrailing(lines)
}

/**
 * The end of a quote block (optionally under a reply header) that opens the text and is followed by
 * unquoted text only, or -1.
 */
function leadingQuoteEnd(lines: string[]): number {
  let i = 0
  while (i < lines.length && isBlank(lines[i])) i++
  if (i < lines.length && !QUOTED.test(lines[i]!) && isReplyHeaderAt(lines, i)) {
    i += REPLY_HEADER.some((re) => re.test(lines[i]!)) ? 1 : 2
  }
  let quoted = 0
  while (i < lines.length && (QUOTED.test(lines[i]!) || isBlank(lines[i]))) {
    if (QUOTED.test(lines[i]!)) quoted++
    i++
  }
  if (quoted === 0 || i >= lines.length) return -1
  return lines.slice(i).some((l) => QUOTED.test(l)) ? -1 : i
}

function foldTrailing(lines: string[]): { visible: string; folded: string } {
  let cut = -1
  const consider = (i: number) => {
    if (i >= 0 && (cut === -1 || i < cut)) cut = i
  }

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (
      isReplyHeaderAt(lines, i) ||
      isOutlookBlockAt(lines, i) ||
      SIGNATURE_START.some((re) => re.test(line))
    ) {
      consider(i)
      break
    }
  }
  const quoteStart = trailingQuoteStart(lines)
  if (quoteStart !== -1) consider(attributionAbove(lines, quoteStart))
  consider(replyParserCut(lines))

  const everything = { visible: lines.join('\n').trim(), folded: '' }
  if (cut === -1) return everything
  // The rule Outlook draws above its header block belongs to the folded part.
  let start = cut
  let k = cut - 1
  while (k >= 0 && isBlank(lines[k])) k--
  if (k >= 0 && OUTLOOK_RULE.test(lines[k]!)) start = k

  const visible = lines.slice(0, start).join('\n').trim()
  if (visible === '') return everything
  return { visible, folded: lines.slice(start).join('\n').trim() }
}
