import type { Language } from '@tresen/contract'

/** What the customer reads: the follow-up message and the pages of its links, in German and English. */
export const texts = {
  de: {
    subjectNote: (n: number) => `Ticket #${n}`,
    greeting: 'Guten Tag,',
    question: (n: number, subject: string) =>
      `wir haben Ihre Anfrage „${subject}“ (Ticket #${n}) als gelöst markiert. Ist Ihr Anliegen damit wirklich erledigt?`,
    yes: 'Ja, mein Anliegen ist gelöst',
    no: 'Nein, es ist noch nicht gelöst',
    linkNote: (days: number) =>
      `Ein Klick öffnet eine Seite, auf der Sie Ihre Antwort bestätigen. Die Links gelten ${days} Tage.`,
    replyNote: 'Sie können auch einfach auf diese Nachricht antworten.',
    thanks: 'Vielen Dank',
    pageTitle: 'Ist Ihr Anliegen gelöst?',
    pageQuestion: (n: number) => `Ticket #${n}: Bitte bestätigen Sie Ihre Antwort.`,
    confirmYes: 'Ja, gelöst – bestätigen',
    confirmNo: 'Nein, nicht gelöst – bestätigen',
    recordedYes: 'Danke für Ihre Bestätigung. Wir freuen uns, dass Ihr Anliegen gelöst ist.',
    recordedNo: 'Danke für Ihre Rückmeldung. Wir haben Ihr Ticket wieder geöffnet und melden uns bei Ihnen.',
    used: 'Dieser Link wurde bereits verwendet. Ihre Antwort liegt uns vor.',
    expired:
      'Dieser Link ist abgelaufen. Antworten Sie bitte einfach auf unsere Nachricht, wenn Sie noch Hilfe brauchen.',
    unknown: 'Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.',
    badAnswer: 'Bitte wählen Sie „Ja“ oder „Nein“.',
  },
  en: {
    subjectNote: (n: number) => `Ticket #${n}`,
    greeting: 'Hello,',
    question: (n: number, subject: string) =>
      `we marked your request “${subject}” (ticket #${n}) as solved. Is your problem really solved?`,
    yes: 'Yes, my problem is solved',
    no: 'No, it is not solved yet',
    linkNote: (days: number) =>
      `A click opens a page where you confirm your answer. The links work for ${days} days.`,
    replyNote: 'You can also simply reply to this message.',
    thanks: 'Thank you',
    pageTitle: 'Is your problem solved?',
    pageQuestion: (n: number) => `Ticket #${n}: please confirm your answer.`,
    confirmYes: 'Yes, solved – confirm',
    confirmNo: 'No, not solved – confirm',
    recordedYes: 'Thank you for confirming. We are glad your problem is solved.',
    recordedNo: 'Thank you for telling us. We have reopened your ticket and will get back to you.',
    used: 'This link has been used already. We have your answer.',
    expired: 'This link has expired. If you still need help, simply reply to our message.',
    unknown: 'This link is not valid. Please check that you copied all of it.',
    badAnswer: 'Please choose “Yes” or “No”.',
  },
} satisfies Record<Language, unknown>

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The follow-up message with its two links, as text and as HTML. */
export const followUpMessage = (
  language: Language,
  ticket: { number: number; subject: string },
  links: { yes: string; no: string },
  days: number,
) => {
  const t = texts[language]
  const text = [
    t.greeting,
    '',
    t.question(ticket.number, ticket.subject),
    '',
    `${t.yes}: ${links.yes}`,
    `${t.no}: ${links.no}`,
    '',
    t.linkNote(days),
    t.replyNote,
  ].join('\n')
  const html = [
    `<p>${escapeHtml(t.greeting)}</p>`,
    `<p>${escapeHtml(t.question(ticket.number, ticket.subject))}</p>`,
    `<p><a href="${escapeHtml(links.yes)}">${escapeHtml(t.yes)}</a></p>`,
    `<p><a href="${escapeHtml(links.no)}">${escapeHtml(t.no)}</a></p>`,
    `<p>${escapeHtml(t.linkNote(days))} ${escapeHtml(t.replyNote)}</p>`,
  ].join('')
  return { text, html }
}

export type PageState = 'valid' | 'recorded' | 'used' | 'expired' | 'unknown' | 'bad_answer'

/**
 * The small public page of a follow-up link: no script, one form per answer that POSTs (only the
 * POST records), or what became of the link.
 */
export const followUpPage = (p: {
  language: Language
  state: PageState
  token?: string
  number?: number
  answer?: 'yes' | 'no'
}) => {
  const t = texts[p.language]
  const body: string[] = []
  if (p.state === 'valid' && p.token) {
    body.push(`<h1>${escapeHtml(t.pageTitle)}</h1>`, `<p>${escapeHtml(t.pageQuestion(p.number ?? 0))}</p>`)
    const order: ('yes' | 'no')[] = p.answer === 'no' ? ['no', 'yes'] : ['yes', 'no']
    for (const [i, a] of order.entries()) {
      body.push(
        `<form method="post" action="/follow-up/${escapeHtml(p.token)}">` +
          `<input type="hidden" name="answer" value="${a}">` +
          `<button type="submit" class="${i === 0 ? 'primary' : 'secondary'}">${escapeHtml(a === 'yes' ? t.confirmYes : t.confirmNo)}</button>` +
          '</form>',
      )
    }
  } else {
    const message = {
      recorded: p.answer === 'no' ? t.recordedNo : t.recordedYes,
      used: t.used,
      expired: t.expired,
      unknown: t.unknown,
      bad_answer: t.badAnswer,
      valid: t.unknown,
    }[p.state]
    body.push(
      `<h1>${escapeHtml(p.state === 'recorded' ? t.thanks : t.pageTitle)}</h1>`,
      `<p>${escapeHtml(message)}</p>`,
    )
  }
  return `<!doctype html>
<html lang="${p.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(t.pageTitle)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1a1b1e;line-height:1.5}
h1{font-size:1.4rem}form{margin:1rem 0}
button{font:inherit;padding:.7rem 1.2rem;border-radius:.4rem;cursor:pointer;width:100%}
.primary{background:#1c7ed6;color:#fff;border:1px solid #1c7ed6}.secondary{background:#fff;color:#1a1b1e;border:1px solid #868e96}
</style>
</head>
<body data-state="${p.state}">
${body.join('\n')}
</body>
</html>
`
}
