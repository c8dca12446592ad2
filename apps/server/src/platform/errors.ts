/**
 * The one error type of the desk. Every code lives in ERRORS with its HTTP status and a
 * human title (English and German); docs/errors.md lists the same table.
 */
export const ERRORS = {
  'request.invalid': { status: 400, en: 'The request is invalid.', de: 'Die Anfrage ist ungültig.' },
  'request.unsupported_media_type': {
    status: 415,
    en: 'This content type is not supported.',
    de: 'Dieser Inhaltstyp wird nicht unterstützt.',
  },
  'request.too_large': { status: 413, en: 'The request body is too large.', de: 'Die Anfrage ist zu groß.' },
  'request.not_found': { status: 404, en: 'There is nothing at this address.', de: 'Hier gibt es nichts.' },
  'request.method_not_allowed': {
    status: 405,
    en: 'This method is not allowed here.',
    de: 'Diese Methode ist hier nicht erlaubt.',
  },
  'request.rate_limited': {
    status: 429,
    en: 'Too many requests. Please wait a moment.',
    de: 'Zu viele Anfragen. Bitte warten Sie einen Moment.',
  },
  'request.conflict': {
    status: 409,
    en: 'The record was changed by someone else.',
    de: 'Der Datensatz wurde inzwischen geändert.',
  },
  'auth.unauthenticated': { status: 401, en: 'Please sign in.', de: 'Bitte melden Sie sich an.' },
  'auth.invalid_credentials': {
    status: 401,
    en: 'Email or password is wrong.',
    de: 'E-Mail-Adresse oder Passwort ist falsch.',
  },
  'auth.too_many_attempts': {
    status: 429,
    en: 'Too many sign-in attempts. Please try again later.',
    de: 'Zu viele Anmeldeversuche. Bitte versuchen Sie es später erneut.',
  },
  'auth.csrf_failed': {
    status: 403,
    en: 'The request is missing its CSRF token.',
    de: 'Der Anfrage fehlt das CSRF-Token.',
  },
  'auth.forbidden': {
    status: 403,
    en: 'You are not allowed to do this.',
    de: 'Sie dürfen diese Aktion nicht ausführen.',
  },
  'auth.wrong_password': {
    status: 400,
    en: 'The current password is wrong.',
    de: 'Das aktuelle Passwort ist falsch.',
  },
  'auth.weak_password': {
    status: 400,
    en: 'The password must have at least 12 characters.',
    de: 'Das Passwort muss mindestens 12 Zeichen lang sein.',
  },
  'auth.account_disabled': {
    status: 401,
    en: 'Email or password is wrong.',
    de: 'E-Mail-Adresse oder Passwort ist falsch.',
  },
  'auth.invalid_code': {
    status: 401,
    en: 'The code is not valid.',
    de: 'Der Code ist ungültig.',
  },
  'auth.two_factor_expired': {
    status: 401,
    en: 'The sign-in took too long. Please sign in with your password again.',
    de: 'Die Anmeldung hat zu lange gedauert. Bitte melden Sie sich erneut mit Ihrem Passwort an.',
  },
  'auth.two_factor_enrolment_required': {
    status: 403,
    en: 'Your role requires two-factor sign-in. Set it up in your profile first.',
    de: 'Ihre Rolle verlangt die Anmeldung mit zweitem Faktor. Richten Sie ihn zuerst in Ihrem Profil ein.',
  },
  'auth.two_factor_already_enabled': {
    status: 409,
    en: 'Two-factor sign-in is already set up.',
    de: 'Die Anmeldung mit zweitem Faktor ist bereits eingerichtet.',
  },
  'auth.two_factor_not_enabled': {
    status: 400,
    en: 'Two-factor sign-in is not set up.',
    de: 'Die Anmeldung mit zweitem Faktor ist nicht eingerichtet.',
  },
  'auth.sso_required': {
    status: 403,
    en: 'Your role signs in with single sign-on only.',
    de: 'Ihre Rolle meldet sich nur per Single Sign-on an.',
  },
  'auth.code_reused': {
    status: 401,
    en: 'This code was already used. Please wait for the next code of your app.',
    de: 'Dieser Code wurde schon verwendet. Bitte warten Sie auf den nächsten Code Ihrer App.',
  },
  'auth.passkey_failed': {
    status: 401,
    en: 'The passkey could not be verified.',
    de: 'Der Passkey konnte nicht bestätigt werden.',
  },
  'passkey.registration_failed': {
    status: 400,
    en: 'The passkey could not be registered. Please try again.',
    de: 'Der Passkey konnte nicht registriert werden. Bitte versuchen Sie es erneut.',
  },
  'passkey.not_found': { status: 404, en: 'Passkey not found.', de: 'Passkey nicht gefunden.' },
  'sso_provider.not_found': {
    status: 404,
    en: 'Sign-in provider not found.',
    de: 'Anmeldedienst nicht gefunden.',
  },
  'token.not_found': { status: 404, en: 'API token not found.', de: 'API-Token nicht gefunden.' },
  'staff.not_found': { status: 404, en: 'User not found.', de: 'Benutzer nicht gefunden.' },
  'staff.email_taken': {
    status: 409,
    en: 'A user with this email already exists.',
    de: 'Ein Benutzer mit dieser E-Mail-Adresse existiert bereits.',
  },
  'staff.last_admin': {
    status: 409,
    en: 'The last active admin cannot be demoted or deactivated.',
    de: 'Der letzte aktive Administrator kann nicht herabgestuft oder deaktiviert werden.',
  },
  'team.not_found': { status: 404, en: 'Team not found.', de: 'Team nicht gefunden.' },
  'team.name_taken': {
    status: 409,
    en: 'A team with this name already exists.',
    de: 'Ein Team mit diesem Namen existiert bereits.',
  },
  'team.has_open_tickets': {
    status: 409,
    en: 'The team still has open tickets.',
    de: 'Das Team hat noch offene Tickets.',
  },
  'customer.not_found': { status: 404, en: 'Customer not found.', de: 'Kunde nicht gefunden.' },
  'customer.email_taken': {
    status: 409,
    en: 'Another customer already has this email address.',
    de: 'Ein anderer Kunde hat bereits diese E-Mail-Adresse.',
  },
  'customer.invalid_phone': {
    status: 400,
    en: 'The phone number is not valid.',
    de: 'Die Telefonnummer ist ungültig.',
  },
  'customer.has_tickets': {
    status: 409,
    en: 'The customer has tickets and cannot be deleted.',
    de: 'Der Kunde hat Tickets und kann nicht gelöscht werden.',
  },
  'organization.not_found': {
    status: 404,
    en: 'Organization not found.',
    de: 'Organisation nicht gefunden.',
  },
  'organization.has_customers': {
    status: 409,
    en: 'The organization still has customers.',
    de: 'Die Organisation hat noch Kunden.',
  },
  'ticket.not_found': { status: 404, en: 'Ticket not found.', de: 'Ticket nicht gefunden.' },
  'ticket.reply_unfilled': {
    status: 422,
    en: 'The reply still contains values to fill in.',
    de: 'Die Antwort enthält noch Werte, die ausgefüllt werden müssen.',
  },
  'text_module.not_found': { status: 404, en: 'Text module not found.', de: 'Textbaustein nicht gefunden.' },
  'macro.not_found': { status: 404, en: 'Macro not found.', de: 'Makro nicht gefunden.' },
  'ticket.transfer_reason_required': {
    status: 400,
    en: 'A transfer needs a reason.',
    de: 'Eine Übergabe braucht eine Begründung.',
  },
  'ticket.already_taken': {
    status: 409,
    en: 'Someone else has already taken this ticket.',
    de: 'Jemand anderes hat dieses Ticket bereits übernommen.',
  },
  'ticket.assignee_not_in_team': {
    status: 400,
    en: 'The assignee is not a member of the ticket’s team.',
    de: 'Die zugewiesene Person ist nicht Mitglied des Teams.',
  },
  'webhook.not_found': { status: 404, en: 'Webhook not found.', de: 'Webhook nicht gefunden.' },
  'webhook.delivery_not_found': {
    status: 404,
    en: 'Webhook delivery not found.',
    de: 'Webhook-Zustellung nicht gefunden.',
  },
  'webhook.target_refused': {
    status: 400,
    en: 'Webhooks may not be sent to this address.',
    de: 'An diese Adresse dürfen keine Webhooks gesendet werden.',
  },
  'webhook.unknown_event': {
    status: 400,
    en: 'There is no event of this type.',
    de: 'Ein Ereignis dieses Typs gibt es nicht.',
  },
  'webhook.private_host_mismatch': {
    status: 400,
    en: 'The allowed private host must be the host of the URL.',
    de: 'Der erlaubte private Host muss der Host der URL sein.',
  },
  'ticket.merge_self': {
    status: 400,
    en: 'A ticket cannot be merged into itself.',
    de: 'Ein Ticket kann nicht mit sich selbst zusammengeführt werden.',
  },
  'ticket.already_merged': {
    status: 409,
    en: 'This ticket was already merged into another one.',
    de: 'Dieses Ticket wurde bereits mit einem anderen zusammengeführt.',
  },
  'ticket.merged': {
    status: 409,
    en: 'This ticket was merged; work on the ticket it was merged into.',
    de: 'Dieses Ticket wurde zusammengeführt; bitte im Zielticket weiterarbeiten.',
  },
  'ticket.team_required': {
    status: 400,
    en: 'Choose a team for the ticket.',
    de: 'Bitte wählen Sie ein Team für das Ticket.',
  },
  'ticket.invalid_cursor': {
    status: 400,
    en: 'The page cursor is invalid.',
    de: 'Der Seiten-Cursor ist ungültig.',
  },
  'attachment.not_found': {
    status: 404,
    en: 'Attachment not found.',
    de: 'Anhang nicht gefunden.',
  },
  'attachment.too_large': {
    status: 413,
    en: 'The attachment is too large.',
    de: 'Der Anhang ist zu groß.',
  },
  'organization.domain_taken': {
    status: 409,
    en: 'Another organization already has this domain.',
    de: 'Eine andere Organisation hat bereits diese Domain.',
  },
  'view.not_found': {
    status: 404,
    en: 'Saved view not found.',
    de: 'Gespeicherte Ansicht nicht gefunden.',
  },
  'view.name_taken': {
    status: 409,
    en: 'You already have a saved view with this name.',
    de: 'Sie haben bereits eine gespeicherte Ansicht mit diesem Namen.',
  },
  'view.limit_reached': {
    status: 409,
    en: 'You can keep at most 50 saved views. Delete one first.',
    de: 'Sie können höchstens 50 Ansichten speichern. Bitte löschen Sie zuerst eine.',
  },
  'field.not_found': {
    status: 404,
    en: 'Ticket field not found.',
    de: 'Ticketfeld nicht gefunden.',
  },
  'field.key_taken': {
    status: 409,
    en: 'Another ticket field already has this key.',
    de: 'Ein anderes Ticketfeld hat bereits diesen Schlüssel.',
  },
  'field.unknown': {
    status: 400,
    en: 'There is no such ticket field, or it is archived.',
    de: 'Dieses Ticketfeld gibt es nicht, oder es ist archiviert.',
  },
  'field.invalid_value': {
    status: 400,
    en: 'A ticket field value is invalid.',
    de: 'Ein Wert eines Ticketfelds ist ungültig.',
  },
  'ticket.fields_required': {
    status: 400,
    en: 'Fill in the required fields before solving or closing the ticket.',
    de: 'Bitte füllen Sie die Pflichtfelder aus, bevor Sie das Ticket lösen oder schließen.',
  },
  'ticket.close_checklist_missing': {
    status: 422,
    en: 'Answer the closing checklist before solving the ticket.',
    de: 'Bitte beantworten Sie die Abschluss-Checkliste, bevor Sie das Ticket lösen.',
  },
  'ticket.close_checklist_invalid': {
    status: 422,
    en: 'An answer of the closing checklist is not valid.',
    de: 'Eine Antwort der Abschluss-Checkliste ist ungültig.',
  },
  'closing.settings_invalid': {
    status: 400,
    en: 'The closing settings are not valid.',
    de: 'Die Abschluss-Einstellungen sind ungültig.',
  },
  'closing.item_removed': {
    status: 409,
    en: 'A checklist item cannot be removed once it was on the checklist; retire it instead.',
    de: 'Ein Punkt der Checkliste kann nicht gelöscht werden; setzen Sie ihn stattdessen außer Kraft.',
  },
  'email_channel.not_found': {
    status: 404,
    en: 'Email channel not found.',
    de: 'E-Mail-Kanal nicht gefunden.',
  },
  'email_channel.address_taken': {
    status: 409,
    en: 'Another email channel already uses this address.',
    de: 'Ein anderer E-Mail-Kanal verwendet diese Adresse bereits.',
  },
  'email_channel.secret_unreadable': {
    status: 409,
    en: 'A stored mailbox password cannot be read any more. Enter it again.',
    de: 'Ein gespeichertes Postfach-Passwort ist nicht mehr lesbar. Bitte geben Sie es erneut ein.',
  },
  'email_message.not_found': {
    status: 404,
    en: 'Email message not found.',
    de: 'E-Mail-Nachricht nicht gefunden.',
  },
  'email_message.not_failed': {
    status: 409,
    en: 'Only messages that could not be processed can be retried or dismissed.',
    de: 'Nur Nachrichten, die nicht verarbeitet werden konnten, lassen sich erneut versuchen oder verwerfen.',
  },
  'email_delivery.not_retryable': {
    status: 409,
    en: 'This message has no failed delivery to retry.',
    de: 'Für diese Nachricht gibt es keine fehlgeschlagene Zustellung, die wiederholt werden kann.',
  },
  'calendar.not_found': { status: 404, en: 'Calendar not found.', de: 'Kalender nicht gefunden.' },
  'calendar.invalid': {
    status: 400,
    en: 'The business hours are invalid.',
    de: 'Die Geschäftszeiten sind ungültig.',
  },
  'calendar.name_taken': {
    status: 409,
    en: 'Another calendar already has this name.',
    de: 'Ein anderer Kalender hat bereits diesen Namen.',
  },
  'calendar.in_use': {
    status: 409,
    en: 'Teams or channels still use this calendar. Give them another one first.',
    de: 'Teams oder Kanäle verwenden diesen Kalender noch. Weisen Sie ihnen zuerst einen anderen zu.',
  },
  'calendar.is_default': {
    status: 409,
    en: 'The default calendar cannot be deleted. Make another calendar the default first.',
    de: 'Der Standardkalender kann nicht gelöscht werden. Machen Sie zuerst einen anderen Kalender zum Standard.',
  },
  'sla_policy.not_found': {
    status: 404,
    en: 'Response-target policy not found.',
    de: 'Service-Level-Richtlinie nicht gefunden.',
  },
  'promise.pause_too_long': {
    status: 422,
    en: 'The pause is longer than the policy allows.',
    de: 'Die Pause ist länger, als die Richtlinie erlaubt.',
  },
  'promise.nothing_to_pause': {
    status: 409,
    en: 'This ticket has no running response target to pause.',
    de: 'Dieses Ticket hat keine laufende Service-Zusage, die pausiert werden könnte.',
  },
  'promise.nothing_to_resume': {
    status: 409,
    en: 'This ticket has no manually paused response target.',
    de: 'Dieses Ticket hat keine manuell pausierte Service-Zusage.',
  },
  'escalation.not_found': {
    status: 404,
    en: 'Escalation not found.',
    de: 'Eskalation nicht gefunden.',
  },
  'escalation.not_supervisor': {
    status: 403,
    en: "Only a supervisor of the ticket's team or an admin can do this.",
    de: 'Das kann nur eine Teamleitung des Tickets oder ein Admin.',
  },
  'escalation.not_waiting': {
    status: 409,
    en: 'A supervisor has already joined this escalation, or it is resolved.',
    de: 'Eine Teamleitung ist dieser Eskalation schon beigetreten, oder sie ist erledigt.',
  },
  'escalation.resolved': {
    status: 409,
    en: 'This escalation is already resolved.',
    de: 'Diese Eskalation ist schon erledigt.',
  },
  'escalation.ticket_done': {
    status: 409,
    en: 'The ticket is solved or closed; reopen it to ask for help.',
    de: 'Das Ticket ist gelöst oder geschlossen; öffnen Sie es wieder, um Hilfe anzufordern.',
  },
  'internal.error': {
    status: 500,
    en: 'Something went wrong on our side.',
    de: 'Bei uns ist etwas schiefgelaufen.',
  },
  'internal.unavailable': {
    status: 503,
    en: 'The service is not ready.',
    de: 'Der Dienst ist nicht bereit.',
  },
} as const satisfies Record<string, { status: number; en: string; de: string }>

export type ErrorCode = keyof typeof ERRORS

export type FieldProblem = { pointer: string; detail: string }

export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    /** Values a client needs to say the error in its own words (problem+json `params`). */
    readonly params?: Record<string, string | number>,
  ) {
    super(detail ?? ERRORS[code].en)
    this.name = 'AppError'
    this.status = ERRORS[code].status
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
