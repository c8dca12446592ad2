/**
 * Customer mail for the email ingestion bench (bench/email.ts): German and English messages as mail
 * clients send them, deterministic for a seed (the same seed gives the same bytes). Of the messages:
 *
 * - about 25 % answer an earlier message of the run ("AW:"/"Re:", In-Reply-To and References
 *   pointing at its Message-ID, the earlier text quoted below), so threading finds a ticket;
 * - 5 % are automatic replies (Auto-Submitted, "Automatische Antwort:") to the desk's answer to an
 *   earlier message, whose References still name that message;
 * - the rest start a new matter;
 * - about 30 % carry an HTML alternative, 10 % a small attachment (2–8 KB), bodies are
 *   quoted-printable or base64;
 * - senders come from a pool (3,000 by default), so most customers are found rather than created.
 *
 * An answer refers to a message at least `minReplyDistance` earlier, so that with several
 * connections delivering at once the message it answers has been committed before it arrives.
 */
import { base, de, en, Faker } from '@faker-js/faker'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type Mail from 'nodemailer/lib/mailer/index.js'

export type MailKind = 'new' | 'reply' | 'auto_reply'

export type GeneratedMail = {
  index: number
  kind: MailKind
  language: 'de' | 'en'
  from: string
  messageId: string
  /** The message of the run this one answers (reply) or whose answer it answers (auto-reply). */
  parent: number | null
  html: boolean
  attachment: boolean
  encoding: 'quoted-printable' | 'base64'
  raw: Buffer
}

export type GeneratorOptions = {
  count: number
  seed: number
  /** The desk's address, in To. */
  to: string
  senders?: number
  minReplyDistance?: number
  onProgress?: (done: number) => void
}

type Sender = { name: string; address: string; language: 'de' | 'en'; first: string; last: string }

type Topic = { subjects: string[]; lines: string[] }

const DE_PRODUCTS = [
  'Kaffeevollautomat',
  'Waschmaschine',
  'Kühlschrank',
  'Staubsauger',
  'Fahrradhelm',
  'Gartenstühle',
  'Bürostuhl',
  'Rasenmäher',
  'Wasserkocher',
  'Schreibtischlampe',
  'Küchenwaage',
  'Bettwäsche',
  'Winterjacke',
  'Wanderschuhe',
  'Kopfhörer',
  'Ladegerät',
]
const EN_PRODUCTS = [
  'coffee machine',
  'washing machine',
  'fridge',
  'vacuum cleaner',
  'bike helmet',
  'garden chairs',
  'office chair',
  'lawn mower',
  'kettle',
  'desk lamp',
  'kitchen scale',
  'bed linen',
  'winter jacket',
  'hiking boots',
  'headphones',
  'charger',
]

// {p}: product, {o}: order number, {d}: a date, {n}: an amount.
const DE_TOPICS: Topic[] = [
  {
    subjects: ['Rücksendung Bestellung {o}', 'Rückgabe {p}', 'Umtausch der Größe – Bestellung {o}'],
    lines: [
      'ich möchte meinen {p} aus der Bestellung {o} zurückschicken, er passt leider nicht.',
      'Könnten Sie mir bitte ein Rücksendeetikett schicken?',
      'Die Größe fällt deutlich kleiner aus als angegeben, deshalb hätte ich gern eine Nummer größer.',
      'Muss ich die Originalverpackung beilegen, oder genügt ein stabiler Karton?',
      'Die Rücksendung habe ich am {d} bei der Packstation abgegeben.',
    ],
  },
  {
    subjects: ['Rechnung {o} fehlerhaft', 'Frage zur Rechnung vom {d}', 'Doppelte Abbuchung über {n} €'],
    lines: [
      'auf der Rechnung zur Bestellung {o} ist der Rabatt nicht berücksichtigt worden.',
      'Mir wurden {n} € zweimal von meinem Konto abgebucht.',
      'Bitte stornieren Sie die Rechnung und schicken Sie mir eine korrigierte.',
      'Die Umsatzsteuer ist falsch ausgewiesen; unser Steuerbüro benötigt eine neue Rechnung.',
      'Können Sie mir die Rechnung zusätzlich als PDF an diese Adresse schicken?',
    ],
  },
  {
    subjects: ['Lieferung {o} noch nicht angekommen', 'Wo bleibt mein {p}?', 'Lieferverzögerung'],
    lines: [
      'meine Bestellung {o} sollte laut Bestätigung am {d} ankommen, ist aber noch nicht da.',
      'Die Sendungsverfolgung zeigt seit drei Tagen „in Zustellung“ an.',
      'Der Paketbote hat angeblich zugestellt, bei uns ist jedoch nichts angekommen.',
      'Bitte prüfen Sie, ob das Paket an die richtige Adresse gegangen ist.',
      'Ich brauche den {p} dringend für nächste Woche.',
    ],
  },
  {
    subjects: ['Garantiefall: {p} defekt', 'Reklamation {p}', '{p} funktioniert nicht mehr'],
    lines: [
      'mein {p} funktioniert seit gestern nicht mehr, obwohl er erst im Frühjahr gekauft wurde.',
      'Beim Einschalten höre ich nur ein Klicken, danach passiert nichts.',
      'Ein Foto des Schadens habe ich beigefügt.',
      'Ist das ein Garantiefall, und wohin soll ich das Gerät schicken?',
      'Die Fehlermeldung lautet „Störung E4“; die Anleitung hilft leider nicht weiter.',
    ],
  },
  {
    subjects: ['Erstattung nicht erhalten', 'Gutschrift für Bestellung {o}', 'Wann kommt mein Geld zurück?'],
    lines: [
      'die Rücksendung zu Bestellung {o} ist seit dem {d} bei Ihnen, die Erstattung aber noch nicht.',
      'Es geht um einen Betrag von {n} €.',
      'Bitte überweisen Sie den Betrag auf das bekannte Konto.',
      'Falls Sie noch Unterlagen von mir brauchen, melden Sie sich bitte.',
    ],
  },
  {
    subjects: [
      'Änderung meiner Lieferadresse',
      'Kundenkonto: E-Mail-Adresse ändern',
      'Newsletter abbestellen',
    ],
    lines: [
      'bitte ändern Sie die Lieferadresse für künftige Bestellungen auf: {a}.',
      'Ich bin umgezogen und erreiche mein altes Postfach nicht mehr.',
      'Außerdem möchte ich keine Werbung mehr per Post bekommen.',
      'Vielen Dank für Ihre Mühe!',
    ],
  },
]

const EN_TOPICS: Topic[] = [
  {
    subjects: ['Return for order {o}', 'Returning my {p}', 'Exchange for a different size'],
    lines: [
      'I would like to return the {p} from order {o}; it does not fit.',
      'Could you please send me a return label?',
      'The size runs a lot smaller than described, so I would like one size up.',
      'Do I need the original packaging, or is a sturdy box fine?',
      'I dropped the parcel off on {d}.',
    ],
  },
  {
    subjects: ['Invoice {o} is wrong', 'Question about the invoice of {d}', 'Charged twice ({n} EUR)'],
    lines: [
      'the invoice for order {o} does not include the discount.',
      'I was charged {n} EUR twice.',
      'Please cancel the invoice and send me a corrected one.',
      'Our accountant needs the VAT shown separately.',
      'Could you also send the invoice as a PDF to this address?',
    ],
  },
  {
    subjects: ['Order {o} has not arrived', 'Where is my {p}?', 'Delayed delivery'],
    lines: [
      'my order {o} was supposed to arrive on {d} but is still not here.',
      'The tracking page has said "out for delivery" for three days.',
      'The courier claims it was delivered, but we received nothing.',
      'Please check whether the parcel went to the right address.',
      'I need the {p} urgently for next week.',
    ],
  },
  {
    subjects: ['Warranty claim: broken {p}', 'Complaint about my {p}', 'My {p} stopped working'],
    lines: [
      'my {p} stopped working yesterday although I bought it this spring.',
      'When I switch it on it only clicks, then nothing happens.',
      'I attached a photo of the damage.',
      'Is this covered by the warranty, and where should I send it?',
      'The display shows "error E4"; the manual does not help.',
    ],
  },
  {
    subjects: ['Refund not received', 'Credit note for order {o}', 'When will I get my money back?'],
    lines: [
      'you received my return for order {o} on {d}, but I have not been refunded.',
      'The amount is {n} EUR.',
      'Please transfer it to the account you have on file.',
      'Let me know if you need anything else from me.',
    ],
  },
  {
    subjects: [
      'Change of delivery address',
      'Account: change my email address',
      'Unsubscribe from newsletter',
    ],
    lines: [
      'please change the delivery address for future orders to: {a}.',
      'I moved and can no longer reach my old mailbox.',
      'Also, I no longer want printed advertising.',
      'Thanks a lot for your help!',
    ],
  },
]

const DE_REPLIES = [
  'vielen Dank für Ihre schnelle Antwort.',
  'leider ist das Problem immer noch nicht gelöst.',
  'anbei die gewünschten Unterlagen.',
  'ich habe das Paket heute zurückgeschickt.',
  'das hat funktioniert, danke! Eine Frage hätte ich noch:',
  'ich warte nun schon über eine Woche auf eine Rückmeldung.',
  'die Bestellnummer lautet {o}.',
]
const EN_REPLIES = [
  'thanks for getting back to me so quickly.',
  'unfortunately the problem is still not solved.',
  'please find the documents you asked for attached.',
  'I sent the parcel back today.',
  'that worked, thank you! One more question:',
  'I have been waiting for an answer for more than a week now.',
  'the order number is {o}.',
]

const transliterate = (s: string) =>
  s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '')

const DE_MAIL_DOMAINS = ['web.de.example', 'gmx.de.example', 't-online.de.example', 'posteo.de.example']
const EN_MAIL_DOMAINS = [
  'gmail.com.example',
  'outlook.com.example',
  'yahoo.co.uk.example',
  'icloud.com.example',
]

/** The messages, in delivery order. */
export const generateMails = async (opts: GeneratorOptions): Promise<GeneratedMail[]> => {
  const fDe = new Faker({ locale: [de, base] })
  const fEn = new Faker({ locale: [en, base] })
  fDe.seed(opts.seed)
  fEn.seed(opts.seed + 1)
  // One source of decisions, independent of how many values the word pickers draw.
  const choice = new Faker({ locale: [base] })
  choice.seed(opts.seed + 2)
  const rnd = () => choice.number.float({ min: 0, max: 1 })
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!
  const minDistance = opts.minReplyDistance ?? 50

  const senders: Sender[] = []
  const taken = new Set<string>()
  const companyDomains = {
    de: Array.from({ length: 150 }, () => fDe.internet.domainName()),
    en: Array.from({ length: 150 }, () => fEn.internet.domainName()),
  }
  while (senders.length < (opts.senders ?? 3000)) {
    const language: 'de' | 'en' = rnd() < 0.6 ? 'de' : 'en'
    const f = language === 'de' ? fDe : fEn
    const first = f.person.firstName()
    const last = f.person.lastName()
    const domain =
      rnd() < 0.5
        ? pick(companyDomains[language])
        : pick(language === 'de' ? DE_MAIL_DOMAINS : EN_MAIL_DOMAINS)
    const local = pick([`${first}.${last}`, `${first[0]}.${last}`, `${first}${last}`, `${last}.${first}`])
      .split('.')
      .map(transliterate)
      .filter(Boolean)
      .join('.')
    let address = `${local}@${domain}`
    for (let n = 2; taken.has(address); n++) address = `${local}${n}@${domain}`
    taken.add(address)
    senders.push({ name: `${first} ${last}`, first, last, address, language })
  }

  const fill = (text: string, language: 'de' | 'en') => {
    const f = language === 'de' ? fDe : fEn
    return text
      .replaceAll('{p}', pick(language === 'de' ? DE_PRODUCTS : EN_PRODUCTS))
      .replaceAll('{o}', `${f.number.int({ min: 100000, max: 999999 })}`)
      .replaceAll(
        '{d}',
        language === 'de'
          ? `${f.number.int({ min: 1, max: 28 })}.${f.number.int({ min: 1, max: 12 })}.`
          : `${f.number.int({ min: 1, max: 28 })} ${pick(['March', 'May', 'October', 'November'])}`,
      )
      .replaceAll('{n}', `${f.number.int({ min: 9, max: 899 })},${f.number.int({ min: 10, max: 99 })}`)
      .replaceAll('{a}', `${f.location.streetAddress()}, ${f.location.zipCode()} ${f.location.city()}`)
  }

  const signature = (s: Sender) => {
    const f = s.language === 'de' ? fDe : fEn
    const lines = [s.name]
    if (rnd() < 0.4) lines.push(f.location.streetAddress(), `${f.location.zipCode()} ${f.location.city()}`)
    if (rnd() < 0.3) lines.push(`${s.language === 'de' ? 'Tel.' : 'Phone'} ${f.phone.number()}`)
    return lines.join('\n')
  }

  const body = (s: Sender, lines: string[]) => {
    const greeting =
      s.language === 'de'
        ? pick(['Sehr geehrte Damen und Herren,', 'Hallo,', 'Guten Tag,', 'Liebes Service-Team,'])
        : pick(['Dear Sir or Madam,', 'Hello,', 'Hi there,', 'Dear support team,'])
    const closing =
      s.language === 'de'
        ? pick(['Mit freundlichen Grüßen', 'Viele Grüße', 'Beste Grüße', 'Freundliche Grüße aus München'])
        : pick(['Kind regards,', 'Best wishes,', 'Thanks,', 'Regards,'])
    const first = lines[0] ?? ''
    const text = [first.charAt(0).toUpperCase() + first.slice(1), ...lines.slice(1)].join(' ')
    return `${greeting}\n\n${text}\n\n${closing}\n${signature(s)}`
  }

  const quote = (parent: Sent, language: 'de' | 'en') => {
    const when = parent.date.toISOString().slice(0, 16).replace('T', ' ')
    const head =
      language === 'de'
        ? `Am ${when} schrieb Kundenservice <${opts.to}>:`
        : `On ${when}, Customer Service <${opts.to}> wrote:`
    return `${head}\n${parent.text
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n')}`
  }

  const htmlOf = (text: string) =>
    `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${text
      .split(/\n\n+/)
      .map((para) =>
        para.startsWith('> ')
          ? `<blockquote style="border-left:2px solid #ccc;padding-left:8px">${escapeHtml(para.replace(/^> ?/gm, '')).replace(/\n/g, '<br>')}</blockquote>`
          : `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`,
      )
      .join('\n')}</body></html>`

  const attachmentFor = (language: 'de' | 'en', index: number): Mail.Attachment => {
    const size = 2048 + Math.floor(rnd() * 6144)
    const data = Buffer.alloc(size)
    // A cheap, seeded byte stream (xorshift), so the attachment bytes are deterministic too.
    let x = (opts.seed ^ (index * 2654435761)) >>> 0 || 1
    for (let i = 0; i < size; i++) {
      x ^= x << 13
      x >>>= 0
      x ^= x >>> 17
      x ^= x << 5
      x >>>= 0
      data[i] = x & 0xff
    }
    const kind = pick(['pdf', 'jpg', 'txt'] as const)
    if (kind === 'pdf') {
      data.write('%PDF-1.4\n', 0, 'latin1')
      return {
        filename: language === 'de' ? `Rechnung_März_${index}.pdf` : `invoice_${index}.pdf`,
        content: data,
        contentType: 'application/pdf',
      }
    }
    if (kind === 'jpg') {
      data[0] = 0xff
      data[1] = 0xd8
      data[2] = 0xff
      return {
        filename: language === 'de' ? 'Foto_Schaden.jpg' : 'damage.jpg',
        content: data,
        contentType: 'image/jpeg',
      }
    }
    const text = (
      language === 'de' ? 'Lieferschein – Größe, Menge, Gewicht\n' : 'Delivery note – size, quantity\n'
    ).repeat(Math.ceil(size / 40))
    return {
      filename: language === 'de' ? 'Lieferschein_Größe.txt' : 'delivery_note.txt',
      content: text.slice(0, size),
      contentType: 'text/plain; charset=utf-8',
    }
  }

  type Sent = {
    sender: Sender
    subject: string
    text: string
    messageId: string
    references: string[]
    date: Date
    auto: boolean
  }
  const sent: Sent[] = []
  const out: GeneratedMail[] = []
  const start = Date.UTC(2026, 10, 2, 7, 0, 0)

  for (let index = 0; index < opts.count; index++) {
    const r = rnd()
    const canAnswer = index >= minDistance + 1
    const kind: MailKind = !canAnswer ? 'new' : r < 0.05 ? 'auto_reply' : r < 0.3 ? 'reply' : 'new'
    const date = new Date(start + index * 11_000)
    let parent: number | null = null
    let sender: Sender
    let subject: string
    let text: string
    let inReplyTo: string | undefined
    let references: string[] = []
    const headers: Record<string, string> = {}

    if (kind === 'new') {
      sender = pick(senders)
      const topic = pick(sender.language === 'de' ? DE_TOPICS : EN_TOPICS)
      subject = fill(pick(topic.subjects), sender.language)
      const count = 2 + Math.floor(rnd() * 3)
      // The first line continues the greeting; the others follow in any order.
      const rest = topic.lines.slice(1).sort(() => rnd() - 0.5)
      const lines = [topic.lines[0]!, ...rest].slice(0, count)
      text = body(
        sender,
        lines.map((l) => fill(l, sender.language)),
      )
    } else {
      // Mostly recent messages are answered: a parent up to about 2,000 messages back.
      const span = Math.min(index - minDistance, 2000)
      let p = index - minDistance - Math.floor(rnd() * rnd() * span)
      while (p > 0 && sent[p]!.auto) p--
      parent = p
      const prev = sent[p]!
      const language = prev.sender.language
      // Now and then a colleague answers in the same conversation.
      sender =
        kind === 'reply' && rnd() < 0.1
          ? pick(senders.filter((s) => s.language === language).slice(0, 200))
          : prev.sender
      if (kind === 'reply') {
        const prefix = language === 'de' ? 'AW: ' : 'Re: '
        subject = /^(AW|Re): /i.test(prev.subject) ? prev.subject : `${prefix}${prev.subject}`
        const lines = [fill(pick(language === 'de' ? DE_REPLIES : EN_REPLIES), language)]
        text = `${body(sender, lines)}\n\n${quote(prev, language)}`
        inReplyTo = prev.messageId
        references = [...prev.references, prev.messageId].slice(-10)
      } else {
        // The desk answered `prev`; this is the customer's out-of-office answering that answer.
        const deskReply = `<reply-${p}.${opts.seed}@desk.example>`
        subject =
          language === 'de'
            ? `Automatische Antwort: AW: ${prev.subject.replace(/^(AW|Re): /i, '')}`
            : `Automatic reply: Re: ${prev.subject.replace(/^(AW|Re): /i, '')}`
        text =
          language === 'de'
            ? `Vielen Dank für Ihre Nachricht. Ich bin bis zum ${fill('{d}', language)} nicht im Büro und lese meine E-Mails nur unregelmäßig.\n\nIn dringenden Fällen wenden Sie sich bitte an meine Kollegin.\n\n${sender.name}`
            : `Thank you for your message. I am out of the office until ${fill('{d}', language)} with limited access to email.\n\nFor urgent matters please contact my colleague.\n\n${sender.name}`
        inReplyTo = deskReply
        references = [...prev.references, prev.messageId, deskReply].slice(-10)
        headers['Auto-Submitted'] = 'auto-replied'
        headers['X-Auto-Response-Suppress'] = 'All'
      }
    }

    const messageId = `<${date.getTime().toString(36)}.${index}.${opts.seed}@${sender.address.split('@')[1]}>`
    const html = kind !== 'auto_reply' && rnd() < 0.3
    const attachment = kind !== 'auto_reply' && rnd() < 0.1
    const encoding = rnd() < 0.6 ? ('quoted-printable' as const) : ('base64' as const)
    const mail: Mail.Options & { baseBoundary?: string } = {
      from: { name: sender.name, address: sender.address },
      to: opts.to,
      subject,
      text,
      ...(html ? { html: htmlOf(text) } : {}),
      ...(attachment ? { attachments: [attachmentFor(sender.language, index)] } : {}),
      messageId,
      date,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length ? { references } : {}),
      headers,
      textEncoding: encoding,
      // The multipart boundaries are random unless given; fixed ones keep the bytes deterministic.
      baseBoundary: `${opts.seed.toString(16)}${index.toString(16).padStart(8, '0')}`,
    }
    const raw = await new Promise<Buffer>((resolve, reject) =>
      new MailComposer(mail).compile().build((err, message) => (err ? reject(err) : resolve(message))),
    )
    sent.push({ sender, subject, text, messageId, references, date, auto: kind === 'auto_reply' })
    out.push({
      index,
      kind,
      language: sender.language,
      from: sender.address,
      messageId,
      parent,
      html,
      attachment,
      encoding,
      raw,
    })
    if (index % 250 === 0) opts.onProgress?.(index)
  }
  opts.onProgress?.(opts.count)
  return out
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Counts of the generated mix, for the report. */
export const describeMix = (mails: GeneratedMail[]) => {
  const n = mails.length || 1
  const pct = (k: number) => Math.round((k / n) * 1000) / 10
  const count = (f: (m: GeneratedMail) => boolean) => mails.filter(f).length
  return {
    messages: mails.length,
    german_pct: pct(count((m) => m.language === 'de')),
    replies_pct: pct(count((m) => m.kind === 'reply')),
    auto_replies_pct: pct(count((m) => m.kind === 'auto_reply')),
    html_pct: pct(count((m) => m.html)),
    attachment_pct: pct(count((m) => m.attachment)),
    base64_pct: pct(count((m) => m.encoding === 'base64')),
    distinct_senders: new Set(mails.map((m) => m.from)).size,
    mean_bytes: Math.round(mails.reduce((s, m) => s + m.raw.length, 0) / n),
  }
}
