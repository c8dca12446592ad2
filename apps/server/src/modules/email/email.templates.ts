import { normalizeSubject } from './email.classify.ts'

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Plain text as simple HTML paragraphs. */
export const textToHtml = (text: string) =>
  text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n')

export const signatureHtml = (signature: string) =>
  `\n<p>-- <br>${escapeHtml(signature.trim()).replace(/\n/g, '<br>')}</p>`

/** "Re: Lieferung [#10042]": the ticket number lets the customer's answer find its ticket. */
export const replySubject = (subject: string, number: number) =>
  `Re: ${normalizeSubject(subject)} [#${number}]`

const duration = (lang: 'de' | 'en', hours: number) => {
  if (hours >= 48) {
    const days = Math.ceil(hours / 24)
    return lang === 'de' ? `${days} Tagen` : `${days} days`
  }
  if (lang === 'de') return hours === 1 ? 'einer Stunde' : `${hours} Stunden`
  return hours === 1 ? 'one hour' : `${hours} hours`
}

/**
 * The acknowledgement of a new ticket. The time to an answer is what the team achieved lately
 * (80 % of first answers in the last 30 days) when measured, otherwise the channel's promise; it is
 * never phrased as a guarantee.
 */
/** A moment as a customer reads it: "Dienstag, 8. Dezember um 10:00 Uhr" / "Tuesday 8 December at 10:00". */
export const momentText = (lang: 'de' | 'en', at: Date, timeZone: string) => {
  const text = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(at)
  return lang === 'de' ? `${text} Uhr` : text
}

/** The response target's promise, when one runs: its due time and whether the desk is open now. */
export type AnswerPromise = { dueAt: Date; timeZone: string; openNow: boolean; opensAt: Date | null }

/** The sentence on when the answer comes, from the response target and the calendar. */
const promiseLines = (lang: 'de' | 'en', p: AnswerPromise) => {
  const due = momentText(lang, p.dueAt, p.timeZone)
  const closed =
    !p.openNow && p.opensAt
      ? lang === 'de'
        ? `Wir sind gerade nicht im Dienst; ab ${momentText(lang, p.opensAt, p.timeZone)} sind wir wieder für Sie da.`
        : `We are closed at the moment; we will be back for you from ${momentText(lang, p.opensAt, p.timeZone)}.`
      : null
  const answer =
    lang === 'de' ? `Sie erhalten eine Antwort bis ${due}.` : `You will have an answer by ${due}.`
  return closed ? [closed, answer] : [answer]
}

export const acknowledgement = (
  lang: 'de' | 'en',
  o: {
    number: number
    subject: string
    hours: number
    measured: boolean
    signature: string
    promise?: AnswerPromise | null
  },
) => {
  const time = duration(lang, o.hours)
  const lines =
    lang === 'de'
      ? [
          'Guten Tag,',
          '',
          `vielen Dank für Ihre Nachricht. Wir haben Ihre Anfrage unter der Nummer #${o.number} erfasst.`,
          ...(o.promise
            ? promiseLines(lang, o.promise)
            : [
                o.measured
                  ? `In den letzten 30 Tagen haben wir acht von zehn neuen Anfragen innerhalb von ${time} beantwortet.`
                  : `Wir melden uns voraussichtlich innerhalb von ${time}.`,
              ]),
          '',
          'Wenn Sie uns noch etwas mitteilen möchten, antworten Sie einfach auf diese E-Mail; die Nummer im Betreff ordnet Ihre Antwort Ihrer Anfrage zu.',
          '',
          'Diese Nachricht wurde automatisch versendet.',
        ]
      : [
          'Hello,',
          '',
          `thank you for your message. We have recorded your request as #${o.number}.`,
          ...(o.promise
            ? promiseLines(lang, o.promise)
            : [
                o.measured
                  ? `Over the last 30 days we answered eight in ten new requests within ${time}.`
                  : `We expect to get back to you within ${time}.`,
              ]),
          '',
          'If you would like to add anything, simply reply to this email; the number in the subject links your answer to your request.',
          '',
          'This message was sent automatically.',
        ]
  const text = lines.join('\n') + (o.signature.trim() ? `\n\n-- \n${o.signature.trim()}` : '')
  const subject =
    lang === 'de'
      ? `Ihre Anfrage ist eingegangen: ${o.subject} [#${o.number}]`
      : `We received your request: ${o.subject} [#${o.number}]`
  const html = textToHtml(lines.join('\n')) + (o.signature.trim() ? signatureHtml(o.signature) : '')
  return { subject, text, html }
}
