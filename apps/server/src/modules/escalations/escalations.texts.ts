import type { EscalationCause, EscalationReason, Language } from '@tresen/contract'

/** What a supervisor or an admin reads in an escalation's email, in German and English. */
const texts = {
  de: {
    reason: {
      promise_warning: 'eine Service-Zusage wird bald verletzt',
      promise_breached: 'eine Service-Zusage wurde verletzt',
      complaint: 'der Kunde beschwert sich deutlich',
      transfers: 'das Ticket wurde mehrfach weitergegeben',
      help_requested: 'eine Kollegin oder ein Kollege bittet um Hilfe',
    } satisfies Record<EscalationReason, string>,
    raisedSubject: (n: number, subject: string) => `Eskalation: Ticket #${n} „${subject}“`,
    overdueSubject: (n: number, subject: string) => `Eskalation ohne Teamleitung: Ticket #${n} „${subject}“`,
    raised: (n: number, reason: string) => `Ticket #${n} braucht eine Teamleitung: ${reason}.`,
    overdue: (n: number, minutes: number) =>
      `Bei Ticket #${n} ist seit ${minutes} Minuten keine Teamleitung dazugekommen. Bitte übernehmen Sie oder beauftragen Sie jemanden.`,
    words: (w: string[]) => `Gefundene Wörter: ${w.join(', ')}`,
    transfers: (n: number) => `Weitergaben: ${n}`,
    note: (by: string | null, note: string) => `${by ?? 'Notiz'}: „${note}“`,
    open: (url: string) => `Ticket öffnen: ${url}`,
    footer:
      'Sie erhalten diese Nachricht, weil Sie Eskalationen auch per E-Mail erhalten möchten (änderbar in Ihrem Profil).',
  },
  en: {
    reason: {
      promise_warning: 'a service promise is about to be broken',
      promise_breached: 'a service promise was broken',
      complaint: 'the customer is complaining strongly',
      transfers: 'the ticket has been passed on several times',
      help_requested: 'a colleague asks for help',
    } satisfies Record<EscalationReason, string>,
    raisedSubject: (n: number, subject: string) => `Escalation: ticket #${n} “${subject}”`,
    overdueSubject: (n: number, subject: string) =>
      `Escalation without a supervisor: ticket #${n} “${subject}”`,
    raised: (n: number, reason: string) => `Ticket #${n} needs a supervisor: ${reason}.`,
    overdue: (n: number, minutes: number) =>
      `No supervisor has joined ticket #${n} for ${minutes} minutes. Please take it over or ask someone to.`,
    words: (w: string[]) => `Words found: ${w.join(', ')}`,
    transfers: (n: number) => `Transfers: ${n}`,
    note: (by: string | null, note: string) => `${by ?? 'Note'}: “${note}”`,
    open: (url: string) => `Open the ticket: ${url}`,
    footer:
      'You receive this because you chose to get escalations by email too (you can change it in your profile).',
  },
}

export const reasonText = (language: Language, reason: EscalationReason) => texts[language].reason[reason]

/** The email telling a supervisor of an escalation (`raised`) or the admins of one nobody joined (`overdue`). */
export const noticeMessage = (
  language: Language,
  kind: 'raised' | 'overdue',
  e: { number: number; subject: string; cause: EscalationCause; waitedMinutes: number; url: string | null },
) => {
  const t = texts[language]
  const lines = [
    kind === 'raised' ? t.raised(e.number, t.reason[e.cause.reason]) : t.overdue(e.number, e.waitedMinutes),
    ...(e.cause.words?.length ? [t.words(e.cause.words)] : []),
    ...(e.cause.transfers ? [t.transfers(e.cause.transfers)] : []),
    ...(e.cause.note ? [t.note(e.cause.byName ?? null, e.cause.note)] : []),
    ...(e.url ? ['', t.open(e.url)] : []),
    '',
    '-- ',
    t.footer,
  ]
  return {
    subject: kind === 'raised' ? t.raisedSubject(e.number, e.subject) : t.overdueSubject(e.number, e.subject),
    text: lines.join('\n'),
  }
}
