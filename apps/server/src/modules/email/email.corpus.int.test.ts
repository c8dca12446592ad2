import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inArray } from 'drizzle-orm'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseDocument, type Tags } from 'yaml'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Ctx } from '../../platform/context.ts'
import { messageHtmlToText } from '../../platform/html-text.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { attachments, customerEmails, customers, interactions, tickets } from '../../schema.ts'
import { type IngestOutcome, ingestMessage, LOOP_WINDOW_MS } from './email.ingest.ts'
import { MAX_ATTACHMENTS, messageIds } from './email.parse.ts'
import * as repo from './email.repository.ts'
import { createChannel } from './email.service.ts'
import { emailInbound } from './email.tables.ts'

// The public corpus of real-world mail (see its README) lives beside the repository, not in it:
// a fresh clone has no corpus and skips this file.
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..')
const CORPUS = path.resolve(REPO_ROOT, '../shared/corpora/email')
const exists = fs.existsSync(path.join(CORPUS, 'README.md'))
if (!exists) console.log(`email corpus absent at ${CORPUS}: the corpus test is skipped`)

/** The corpus README's message count: a changed skip rule or a partial copy shows up here. */
const CORPUS_MESSAGES = 412
/** A message that takes longer than this has hung the pipeline (parsing alone stops at 20 s). */
const MESSAGE_BOUND_MS = 45_000

/** Files beside the messages that hold expected results or licences, not mail. */
const isExpectation = (name: string) =>
  name === 'README.md' ||
  name === 'COPYING' ||
  /\.(ya?ml|json|md)$/.test(name) ||
  name.endsWith('_reply_text')

const walk = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** Whitespace collapsed, Unicode composed: what a text-level comparison compares. */
const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim()
const noSpace = (s: string) => s.normalize('NFC').replace(/\s+/g, '')

/**
 * Known differences between an expected result and what Tresen stores, by file and check, each
 * with its reason. Every other mismatch fails; an entry that no longer differs fails too, so the
 * list stays true.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'zammad/mail087.box from_email':
    'From: "Test test@example.com" (a display name without angle brackets); Zammad keeps the whole value as the address, Tresen extracts test@example.com',
  'zammad/mail087.box attachments':
    'a text part without Content-Disposition after a PDF attachment: Zammad keeps it as an attachment named "file", Tresen shows it as the message text',
  'zammad/mail087.box body':
    'the same text part: Zammad shows "no visible content", Tresen shows that part\'s text',
  'zammad/mail053.box from_email':
    'From: "MAILER-DAEMON (Mail Delivery System)", a bare local part: Zammad keeps it as the address, Tresen records no sender (not an address)',
  'zammad/mail076.box from_email':
    'From: "Millions Lottery Spain transfer"@example.com> (stray angle bracket): Zammad keeps the broken value, Tresen finds no valid sender and keeps the message as failed',
  'zammad/mail044.box from_email':
    'From: <Claudia.Shu@yahoo.com.> (a fully qualified domain with its final dot): Zammad keeps the dot, Tresen drops it so the address can be written to',
  'zammad/mail081.box from_email':
    'From: redacted@redacted (no top-level domain): Zammad keeps it, Tresen takes no such sender and keeps the message as failed with the reason',
  'zammad/mail062.box attachments':
    'two inline text/html parts without a disposition after the body: Zammad stores them as attachments (document.html), mailparser appends them to the HTML body',
  'zammad/mail023.box body':
    'a body of raw 8-bit GB2312 without a charset label (a message pasted into a message): Zammad guesses the charset, mailparser decodes it as UTF-8, so the first line becomes replacement characters',
  'zammad/mail093.box subject':
    'raw 8-bit Shift_JIS subject without encoded-words, two characters: too little for a confident guess, so Tresen reads it as Windows-1252 (a raw GB18030 subject, mail046, is long enough and matches)',
  'stalwart-mail-parser/malformed/020.eml text':
    'a part with two Content-Type headers: stalwart uses the second (text/plain, so the inner boundary lines become text), mailparser the first (multipart/alternative); both texts begin "Plain Text"',
  'stalwart-mail-parser/malformed/021.eml text':
    'a part with two Content-Type headers: stalwart uses the second (text/plain, so the inner boundary lines become text), mailparser the first (multipart/alternative); both texts begin with the same umlauts',
}

/**
 * Zammad's expected files are Psych output: Ruby hash tags, !binary data, and single-quoted
 * scalars whose closing quote sits at column 0, which YAML 1.2 (and the `yaml` package) reject
 * because a continuation line must be indented past its key. Moving that quote one column past
 * the key keeps the value the same.
 */
const zammadTags: Tags = [
  {
    tag: '!ruby/hash:ActiveSupport::HashWithIndifferentAccess',
    collection: 'map',
    resolve: (map) => map,
  },
  {
    tag: '!binary',
    resolve: (value: string) => Buffer.from(value.replace(/\s+/g, ''), 'base64'),
  },
]
const fixPsychQuotes = (text: string) => {
  const lines = text.split('\n')
  let keyIndent = 0
  return lines
    .map((line) => {
      const open = /^( *)(- )?[^\s:][^:]*: '/.exec(line)
      if (open) keyIndent = open[1]!.length + (open[2] ? 2 : 0)
      return line === "'" ? `${' '.repeat(keyIndent + 1)}'` : line
    })
    .join('\n')
}

type ZammadAttachment = { data?: string | Buffer; filename?: string; preferences?: Record<string, unknown> }
type ZammadExpected = {
  from_email?: string | null
  from_display_name?: string | null
  subject?: string | null
  body?: string | null
  content_type?: string
  attachments?: ZammadAttachment[]
}

const loadZammad = (file: string): ZammadExpected => {
  const doc = parseDocument(fixPsychQuotes(fs.readFileSync(file, 'utf8')), { customTags: zammadTags })
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`)
  return doc.toJS() as ZammadExpected
}

type StalwartPart = { body: unknown }
type StalwartExpected = { text_body?: number[]; parts: StalwartPart[] }

/** The first text part's text as stalwart read it, or null when it has none. */
const stalwartText = (json: StalwartExpected) => {
  for (const i of json.text_body ?? []) {
    const body = json.parts[i]?.body as { Text?: unknown } | undefined
    if (body && typeof body.Text === 'string' && noSpace(body.Text)) return body.Text
  }
  return null
}

type Ingested = { outcome: IngestOutcome | null; error: string | null; ms: number }

type Result = Ingested & {
  rel: string
  bytes: number
  hash: string
  /** Message-ID and attachment count as mailparser reads the raw message on its own. */
  messageId: string | null
  parserAttachments: number | null
  /**
   * A message with the Message-ID of an earlier, different file is a duplicate on the corpus
   * channel; taken in again on a channel of its own, its content is compared too.
   */
  variant: Ingested | null
}

type Stored = {
  interactionId: string
  ticketId: string
  from: string | null
  subject: string | null
  text: string
  html: string | null
  customerName: string | null
  customerEmails: string[]
  attachments: { filename: string; size: number; sha256: string; storageKey: string }[]
}

/** Tallies one check across files; a mismatch counts as known only when the allow-list names it. */
const tally = () => {
  const c = { ok: 0, known: 0, total: 0, mismatches: [] as string[], stale: [] as string[] }
  const record = (rel: string, key: string, ok: boolean, detail: string) => {
    c.total++
    const known = KNOWN_DIFFERENCES[`${rel} ${key}`]
    if (ok) {
      c.ok++
      if (known) c.stale.push(`${rel} ${key}: listed as a known difference, but matches`)
    } else if (known) c.known++
    else c.mismatches.push(`${rel}: ${detail}`)
  }
  const line = (name: string) =>
    `  ${name}: ${c.ok}/${c.total} match (${c.total ? ((100 * c.ok) / c.total).toFixed(1) : '-'} %), ${c.known} known differences${c.mismatches.map((m) => `\n    ${m}`).join('')}`
  return Object.assign(c, { record, line })
}

const preview = (s: string) => JSON.stringify(squash(s).slice(0, 80))
const storedText = (s: Stored) => `${s.text}\n${messageHtmlToText(s.html ?? '')}`
/** What Tresen stores as the text of a message without any. */
const NO_TEXT = ['', '(no text)', '(ohne Text)']

describe.skipIf(!exists)('email ingestion over the real-world corpus', () => {
  let t: TestApp
  const results: Result[] = []
  const stored = new Map<string, Stored>()
  const inboundRows = new Map<string, { fromAddress: string | null; subject: string | null }>()
  let wallMs = 0

  const byRel = (rel: string) => results.find((r) => r.rel === rel)
  const takenIn = (r: Result | undefined) =>
    r?.outcome?.status === 'imported' ? r.outcome : (r?.variant?.outcome ?? r?.outcome ?? null)
  const storedOf = (r: Result | undefined) => {
    const outcome = takenIn(r)
    return outcome?.status === 'imported' ? stored.get(outcome.inboundId) : undefined
  }
  const readStored = async (key: string) => Buffer.concat(await (await t.storage.get(key)).toArray())

  beforeAll(async () => {
    t = await startTestApp()
    const team = await t.buildTeam()
    const box = createSecretBox(t.sessionSecret)
    const newChannel = async (name: string, address: string) => {
      const channel = await createChannel(
        { ...t.ctxAs(), box },
        {
          name,
          address,
          teamId: team.id,
          acknowledge: true,
          smtpReceiverAddresses: [],
          replyPromiseHours: 24,
          signature: { de: '', en: '' },
          active: true,
        },
      )
      return (await repo.findChannel(t.db, channel.id))!
    }
    const corpusChannel = await newChannel('Corpus', 'support@desk.example')
    // The corpus is years of mail from few test senders; arriving all at once it would trip the
    // mail-loop limit. Each message arrives one loop window after the last, as real mail would.
    let now = Date.now()
    const ctx: Ctx = { ...t.ctxAs(), clock: { now: () => new Date(now) } satisfies Clock }
    const ingest = async (channel: repo.ChannelRow, raw: Buffer): Promise<Ingested> => {
      const begin = performance.now()
      let timer: NodeJS.Timeout | undefined
      const done: Ingested = { outcome: null, error: null, ms: 0 }
      try {
        done.outcome = await Promise.race([
          ingestMessage(ctx, channel, raw, { source: 'smtp' }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no outcome after ${MESSAGE_BOUND_MS} ms`)),
              MESSAGE_BOUND_MS,
            )
          }),
        ])
      } catch (err) {
        done.error = (err as Error).stack ?? String(err)
      } finally {
        clearTimeout(timer)
      }
      done.ms = performance.now() - begin
      now += LOOP_WINDOW_MS + 60_000
      return done
    }

    const files = walk(CORPUS)
      .filter((f) => !isExpectation(path.basename(f)))
      .sort()
    const started = performance.now()
    for (const file of files) {
      const raw = fs.readFileSync(file)
      // As the pipeline does, a message with bare-CR line ends is read with CRLF.
      const lines =
        !raw.includes(0x0a) && raw.includes(0x0d) ? raw.toString('latin1').replace(/\r/g, '\r\n') : raw
      const parsed = await simpleParser(typeof lines === 'string' ? Buffer.from(lines, 'latin1') : lines, {
        keepDeliveryStatus: true,
      }).catch(() => null)
      const result: Result = {
        rel: path.relative(CORPUS, file),
        bytes: raw.length,
        hash: sha256(raw),
        messageId: messageIds(parsed?.messageId)[0] ?? null,
        parserAttachments: parsed ? parsed.attachments.length : null,
        variant: null,
        ...(await ingest(corpusChannel, raw)),
      }
      const earlier = results.find((e) => e.hash === result.hash)
      if (result.outcome?.status === 'duplicate' && !earlier) {
        const channel = await newChannel(
          `Corpus variant ${results.length}`,
          `variant-${results.length}@desk.example`,
        )
        result.variant = await ingest(channel, raw)
      }
      results.push(result)
    }
    wallMs = performance.now() - started

    // What the desk stored, read back in a few queries.
    const inbound = await t.db.select().from(emailInbound)
    for (const row of inbound) inboundRows.set(row.id, row)
    const interactionIds = inbound.map((r) => r.interactionId).filter((x): x is string => !!x)
    const rows = await t.db.select().from(interactions).where(inArray(interactions.id, interactionIds))
    const files_ = await t.db
      .select()
      .from(attachments)
      .where(inArray(attachments.interactionId, interactionIds))
    const customerIds = [...new Set(rows.map((r) => r.authorCustomerId).filter((x): x is string => !!x))]
    const people = await t.db.select().from(customers).where(inArray(customers.id, customerIds))
    const addresses = await t.db
      .select()
      .from(customerEmails)
      .where(inArray(customerEmails.customerId, customerIds))
    for (const row of inbound) {
      const interaction = rows.find((i) => i.id === row.interactionId)
      if (!interaction) continue
      const data = (interaction.channelData ?? {}) as { from?: string; subject?: string }
      const person = people.find((p) => p.id === interaction.authorCustomerId)
      stored.set(row.id, {
        interactionId: interaction.id,
        ticketId: interaction.ticketId,
        from: data.from ?? null,
        subject: data.subject ?? null,
        text: interaction.bodyText,
        html: interaction.bodyHtml,
        customerName: person?.name ?? null,
        customerEmails: addresses.filter((a) => a.customerId === person?.id).map((a) => a.email),
        attachments: files_
          .filter((a) => a.interactionId === interaction.id)
          .map((a) => ({ filename: a.filename, size: a.size, sha256: a.sha256, storageKey: a.storageKey })),
      })
    }
  }, 600_000)

  afterAll(() => t?.close())

  it('takes in every message with a defined outcome, and none crashes or hangs the pipeline', () => {
    const count = (list: (Ingested | null)[], status: string) =>
      list.filter((r) => r && (r.error ? 'thrown' : r.outcome!.status) === status).length
    const table = ['imported', 'duplicate', 'ignored', 'failed', 'thrown'].map(
      (status) =>
        `  ${status.padEnd(10)} ${String(count(results, status)).padStart(6)} ${String(
          count(
            results.map((r) => r.variant),
            status,
          ),
        ).padStart(12)}`,
    )
    const created = results.filter((r) => r.outcome?.status === 'imported' && r.outcome.created).length
    const imported = results.filter((r) => r.outcome?.status === 'imported').length
    const slowest = results
      .slice()
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((r) => `${r.rel} ${Math.round(r.ms)} ms (${(r.bytes / 1024).toFixed(0)} KB)`)
    const all: (Ingested & { rel: string })[] = results.flatMap((r) => [
      r,
      ...(r.variant ? [{ ...r.variant, rel: `${r.rel} (own channel)` }] : []),
    ])
    const reasons = (status: 'failed' | 'ignored') =>
      all.flatMap(({ rel, outcome }) =>
        outcome?.status === status ? [`  ${rel}: ${outcome.reason.replace(/\s+/g, ' ').slice(0, 200)}`] : [],
      )
    console.log(
      [
        `corpus: ${results.length} messages in ${(wallMs / 1000).toFixed(1)} s (variants included)`,
        '  status     corpus  own channel (same Message-ID as an earlier file, other bytes)',
        ...table,
        `  imported: ${created} new tickets, ${imported - created} on existing tickets`,
        `slowest: ${slowest.join('; ')}`,
        'failed:',
        ...reasons('failed'),
        'ignored:',
        ...reasons('ignored'),
      ].join('\n'),
    )

    expect(results).toHaveLength(CORPUS_MESSAGES)
    expect(all.filter((r) => r.error).map((r) => `${r.rel}: ${r.error}`)).toEqual([])
    for (const r of all) {
      expect(['imported', 'duplicate', 'ignored', 'failed'], r.rel).toContain(r.outcome!.status)
      if (r.outcome!.status === 'ignored' || r.outcome!.status === 'failed')
        expect(r.outcome!.reason.trim(), r.rel).not.toBe('')
    }
    // On a channel of its own a message is new: it cannot be a duplicate there.
    expect(all.filter((r) => r.rel.endsWith('(own channel)') && r.outcome?.status === 'duplicate')).toEqual(
      [],
    )
  })

  it('reports a duplicate only for the same bytes or the same Message-ID as an earlier message', () => {
    const unexplained: string[] = []
    const duplicates: string[] = []
    results.forEach((r, i) => {
      if (r.outcome?.status !== 'duplicate') return
      const earlier = results.slice(0, i)
      const twin =
        earlier.find((e) => e.hash === r.hash) ??
        earlier.find((e) => r.messageId !== null && e.messageId === r.messageId)
      if (twin)
        duplicates.push(
          `${r.rel} = ${twin.rel}${twin.hash === r.hash ? ' (same bytes)' : ` (${r.messageId})`}`,
        )
      else unexplained.push(r.rel)
    })
    console.log(`duplicates: ${duplicates.length}\n${duplicates.map((d) => `  ${d}`).join('\n')}`)
    expect(unexplained).toEqual([])
  })

  it('turns each imported message into an interaction of an existing ticket, with its attachments', async () => {
    const imported = results
      .flatMap((r) => [r, ...(r.variant ? [{ ...r, ...r.variant }] : [])])
      .filter((r) => r.outcome?.status === 'imported')
    const ticketIds = [...new Set(imported.map((r) => (r.outcome as { ticketId: string }).ticketId))]
    const ticketRows = await t.db.select().from(tickets).where(inArray(tickets.id, ticketIds))
    const withInteractions = await t.db
      .selectDistinct({ ticketId: interactions.ticketId })
      .from(interactions)
      .where(inArray(interactions.ticketId, ticketIds))
    expect(ticketRows).toHaveLength(ticketIds.length)
    expect(withInteractions).toHaveLength(ticketIds.length)

    const missing: string[] = []
    let exact = 0
    let compared = 0
    for (const r of imported) {
      const outcome = r.outcome as { inboundId: string; ticketId: string }
      const s = stored.get(outcome.inboundId)
      expect(s, `${r.rel}: no stored interaction`).toBeDefined()
      expect(s!.ticketId, r.rel).toBe(outcome.ticketId)
      expect(s!.attachments.length, r.rel).toBeLessThanOrEqual(MAX_ATTACHMENTS)
      if (r.parserAttachments === null) continue
      compared++
      if (s!.attachments.length === Math.min(r.parserAttachments, MAX_ATTACHMENTS)) exact++
      if (r.parserAttachments > 0 && s!.attachments.length === 0)
        missing.push(`${r.rel}: mailparser ${r.parserAttachments}, stored 0`)
    }
    console.log(`attachments: stored count equals mailparser's for ${exact} of ${compared} imported messages`)
    expect(missing).toEqual([])
  })

  describe('Zammad 5.2.2 expected results', () => {
    const checks = {
      from_email: tally(),
      subject: tally(),
      customer: tally(),
      attachments: tally(),
      body: tally(),
    }
    const filenames = tally()
    const names = tally()
    let lineEndingsOnly = 0
    const notCompared: string[] = []
    const umlautSubjects: { rel: string; expected: string; stored: string | null }[] = []

    beforeAll(async () => {
      const dir = path.join(CORPUS, 'zammad')
      for (const yml of fs.readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
        const rel = path.join('zammad', yml.replace(/\.yml$/, '.box'))
        const r = byRel(rel)
        if (!r) throw new Error(`${yml} has no message beside it`)
        const expected = loadZammad(path.join(dir, yml))
        const outcome = takenIn(r)
        const s = storedOf(r)
        // A message the desk ignores or keeps as failed still has its sender and subject on record.
        const inbound = outcome && outcome.status !== 'duplicate' ? inboundRows.get(outcome.inboundId) : null
        if (!s)
          notCompared.push(
            `${rel}: ${outcome?.status} ${((outcome as { reason?: string })?.reason ?? '').replace(/\s+/g, ' ').slice(0, 120)}`,
          )
        const from = s?.from ?? inbound?.fromAddress ?? null
        const subject = s?.subject ?? inbound?.subject ?? null

        if (expected.from_email && (s || inbound)) {
          const want = expected.from_email.toLowerCase()
          checks.from_email.record(rel, 'from_email', from === want, `from ${from} ≠ ${want}`)
        }
        if (typeof expected.subject === 'string' && expected.subject && (s || inbound)) {
          // Tresen keeps a subject on one line with single spaces; Zammad keeps tabs and runs.
          checks.subject.record(
            rel,
            'subject',
            squash(subject ?? '') === squash(expected.subject),
            `subject ${JSON.stringify(subject)} ≠ ${JSON.stringify(expected.subject)}`,
          )
          if (/[äöüß]/i.test(expected.subject))
            umlautSubjects.push({ rel, expected: squash(expected.subject), stored: subject })
        }
        if (!s) continue
        if (expected.from_email?.toLowerCase() === s.from)
          checks.customer.record(
            rel,
            'customer',
            !!s.from && s.customerEmails.includes(s.from),
            `customer ${s.customerName} <${s.customerEmails.join(', ')}> lacks ${s.from}`,
          )

        // The customer keeps the name of the first message from the address, so this is informational.
        if (expected.from_display_name && expected.from_email?.toLowerCase() === s.from)
          names.record(
            rel,
            'name',
            s.customerName === squash(expected.from_display_name),
            `${JSON.stringify(s.customerName)} ≠ ${JSON.stringify(expected.from_display_name)}`,
          )

        const missing: string[] = []
        let wanted = 0
        for (const a of expected.attachments ?? []) {
          // Zammad keeps the HTML alternative of a text message as an attachment; Tresen keeps it as the
          // HTML body. Inline (cid:) images need no exception: Tresen shows them as data: URLs in the
          // HTML and stores them as attachments as well.
          if (a.data === undefined || a.preferences?.['content-alternative']) continue
          wanted++
          const data = typeof a.data === 'string' ? Buffer.from(a.data, 'utf8') : a.data
          const same = s.attachments.filter((x) => x.sha256 === sha256(data))
          let match = same.find((x) => x.filename === a.filename) ?? same[0]
          if (!match) {
            // Zammad stores an attached message with LF line ends; Tresen keeps its bytes (CRLF).
            const lf = data.toString('latin1').replace(/\r\n/g, '\n')
            for (const x of s.attachments) {
              if ((await readStored(x.storageKey)).toString('latin1').replace(/\r\n/g, '\n') === lf) {
                match = x
                lineEndingsOnly++
                break
              }
            }
          }
          if (!match) {
            missing.push(`${a.filename} (${data.length} bytes)`)
            continue
          }
          if (a.filename)
            filenames.record(
              rel,
              'filename',
              match.filename === a.filename,
              `${JSON.stringify(match.filename)} ≠ ${JSON.stringify(a.filename)}`,
            )
        }
        if (wanted)
          checks.attachments.record(
            rel,
            'attachments',
            missing.length === 0,
            `not stored: ${missing.join(', ')}; stored: ${s.attachments.map((x) => `${x.filename} ${x.size}`).join(', ')}`,
          )

        if (typeof expected.body === 'string') {
          const have = storedText(s)
          if (expected.body === 'no visible content')
            // Zammad's placeholder for a message without text.
            checks.body.record(
              rel,
              'body',
              NO_TEXT.includes(squash(s.text)),
              `Zammad found no text, Tresen stored ${preview(have)}`,
            )
          else {
            const want = squash(messageHtmlToText(expected.body)).slice(0, 40)
            checks.body.record(
              rel,
              'body',
              squash(have).includes(want),
              `lacks ${JSON.stringify(want)}; stored ${preview(have)}`,
            )
          }
        }
      }
      console.log(
        [
          'zammad expected results:',
          ...Object.entries(checks).map(([name, c]) => c.line(name)),
          names.line('customer name (informational)'),
          filenames.line('attachment filename (informational)'),
          `  attachments equal only after CRLF → LF: ${lineEndingsOnly}`,
          `  no interaction to compare (sender and subject compared through email_inbound):${notCompared.map((n) => `\n    ${n}`).join('')}`,
        ].join('\n'),
      )
    })

    it('from address, subject and customer match Zammad for every message but the listed ones', () => {
      for (const c of [checks.from_email, checks.subject, checks.customer]) {
        expect(c.mismatches).toEqual([])
        expect(c.stale).toEqual([])
      }
      expect(checks.from_email.ok / checks.from_email.total).toBeGreaterThanOrEqual(0.93)
      expect(checks.subject.ok / checks.subject.total).toBeGreaterThanOrEqual(0.97)
    })

    it('stores every attachment Zammad stores, except the HTML alternatives', () => {
      expect(checks.attachments.mismatches).toEqual([])
      expect(checks.attachments.stale).toEqual([])
      expect(checks.attachments.ok / checks.attachments.total).toBeGreaterThanOrEqual(0.9)
    })

    it('keeps the beginning of the text Zammad shows', () => {
      expect(checks.body.mismatches).toEqual([])
      expect(checks.body.stale).toEqual([])
      expect(checks.body.ok / checks.body.total).toBeGreaterThanOrEqual(0.95)
    })

    it('keeps German umlauts and ß in subjects', () => {
      expect(umlautSubjects.length).toBeGreaterThan(0)
      for (const u of umlautSubjects) expect(u.stored, u.rel).toBe(u.expected)
    })
  })

  it('keeps the beginning of the text part stalwart mail-parser reads', () => {
    const check = tally()
    const notImported: string[] = []
    for (const json of walk(path.join(CORPUS, 'stalwart-mail-parser')).filter((f) => f.endsWith('.json'))) {
      const text = stalwartText(JSON.parse(fs.readFileSync(json, 'utf8')) as StalwartExpected)
      if (text === null) continue
      const rel = path.relative(CORPUS, json).replace(/\.json$/, '.eml')
      const r = byRel(rel)
      const s = storedOf(r)
      if (!s) {
        notImported.push(`${rel} (${takenIn(r)?.status})`)
        continue
      }
      const want = noSpace(text).slice(0, 30)
      const have = storedText(s)
      check.record(
        rel,
        'text',
        noSpace(have).includes(want),
        `lacks ${JSON.stringify(want)}; stored ${preview(have)}`,
      )
    }
    console.log(
      [
        'stalwart expected results:',
        check.line('text'),
        `  not imported: ${notImported.length}: ${notImported.join(', ')}`,
      ].join('\n'),
    )
    expect(check.total).toBeGreaterThan(0)
    expect(check.mismatches).toEqual([])
    expect(check.stale).toEqual([])
    expect(check.ok / check.total).toBeGreaterThanOrEqual(0.85)
  })
})
