import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

export const MailSecurity = z.enum(['tls', 'starttls', 'none'])
export type MailSecurity = z.infer<typeof MailSecurity>

const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address')
const Port = z.number().int().min(1).max(65535)
const Address = z.email().max(320).toLowerCase()
/** Text that ends up in a mail header: never a line break. */
const HeaderText = z
  .string()
  .trim()
  .max(200)
  .regex(/^[^\r\n]*$/, 'must not contain line breaks')
const Folder = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\r\n*%]*$/, 'a folder name (no line breaks, * or %)')

export const ImapSettingsInput = z.strictObject({
  host: Host,
  port: Port.default(993),
  security: MailSecurity.default('tls'),
  user: z.string().min(1).max(320),
  /** 'password', or 'oauth2' (tokens from the channel's `oauth` settings, or an access token in `secret`). */
  auth: z.enum(['password', 'oauth2']).default('password'),
  /** Write-only: the password or OAuth2 access token. Omit on update to keep the stored one. */
  secret: z.string().min(1).max(4096).optional(),
  folder: Folder.default('INBOX'),
  /** After a message is committed: move it to `processedFolder` (default) or flag it where it is. */
  afterImport: z.enum(['move', 'flag']).default('move'),
  processedFolder: Folder.default('Tresen/Processed'),
  /** Seconds between checks when the server offers no IDLE (or as a safety net with it). */
  pollSeconds: z.number().int().min(10).max(3600).default(60),
})
export type ImapSettingsInput = z.infer<typeof ImapSettingsInput>

export const SmtpSettingsInput = z.strictObject({
  host: Host,
  port: Port.default(587),
  security: MailSecurity.default('starttls'),
  user: z.string().max(320).optional(),
  auth: z.enum(['password', 'oauth2']).default('password'),
  secret: z.string().min(1).max(4096).optional(),
})
export type SmtpSettingsInput = z.infer<typeof SmtpSettingsInput>

/**
 * OAuth2 for Microsoft 365 and Google: the desk fetches access tokens itself from the provider's
 * token endpoint, with a refresh token (delegated sign-in) or, without one, the client
 * credentials grant (an app with IMAP.AccessAsApp / SMTP.SendAsApp in Microsoft Entra ID).
 */
export const OAuthSettingsInput = z.strictObject({
  tokenUrl: z.url({ protocol: /^https?$/ }).max(500),
  clientId: z.string().trim().min(1).max(500),
  /** Write-only. */
  clientSecret: z.string().min(1).max(4096).optional(),
  /** Write-only; without it the client credentials grant is used. */
  refreshToken: z.string().min(1).max(8192).optional(),
  scope: z.string().trim().max(1000).optional(),
})
export type OAuthSettingsInput = z.infer<typeof OAuthSettingsInput>

const Signature = z.object({ de: z.string().max(5000).default(''), en: z.string().max(5000).default('') })

export const CreateEmailChannelInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** The mailbox's address: replies go out from it. */
  address: Address,
  displayName: HeaderText.min(1).optional(),
  /** Team that receives new tickets from this mailbox. */
  teamId: Id.nullable().optional(),
  imap: ImapSettingsInput.nullable().optional(),
  smtp: SmtpSettingsInput.nullable().optional(),
  /** Where IMAP or SMTP use auth 'oauth2' and this is set, access tokens come from here (else `secret` is one). */
  oauth: OAuthSettingsInput.nullable().optional(),
  /** Accept mail for these addresses through the built-in SMTP receiver (empty: not at all). */
  smtpReceiverAddresses: z.array(Address).max(50).default([]),
  acknowledge: z.boolean().default(true),
  /** Used in acknowledgements when the desk has too few answered tickets to measure its reply time. */
  replyPromiseHours: z.number().int().min(1).max(720).default(24),
  signature: Signature.default({ de: '', en: '' }),
  active: z.boolean().default(true),
})
export type CreateEmailChannelInput = z.infer<typeof CreateEmailChannelInput>

export const UpdateEmailChannelInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  address: Address.optional(),
  displayName: HeaderText.min(1).nullable().optional(),
  teamId: Id.nullable().optional(),
  imap: ImapSettingsInput.nullable().optional(),
  smtp: SmtpSettingsInput.nullable().optional(),
  /** Secrets left out keep the stored ones while token URL and client id stay the same. */
  oauth: OAuthSettingsInput.nullable().optional(),
  smtpReceiverAddresses: z.array(Address).max(50).optional(),
  acknowledge: z.boolean().optional(),
  replyPromiseHours: z.number().int().min(1).max(720).optional(),
  signature: Signature.optional(),
  active: z.boolean().optional(),
})
export type UpdateEmailChannelInput = z.infer<typeof UpdateEmailChannelInput>

const ImapSettings = ImapSettingsInput.omit({ secret: true }).extend({ hasSecret: z.boolean() })
const SmtpSettings = SmtpSettingsInput.omit({ secret: true }).extend({ hasSecret: z.boolean() })

export const EmailChannel = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  displayName: z.string().nullable(),
  teamId: Id.nullable(),
  imap: ImapSettings.nullable(),
  smtp: SmtpSettings.nullable(),
  oauth: z
    .object({
      tokenUrl: z.string(),
      clientId: z.string(),
      scope: z.string().nullable(),
      hasClientSecret: z.boolean(),
      hasRefreshToken: z.boolean(),
    })
    .nullable(),
  smtpReceiverAddresses: z.array(z.string()),
  acknowledge: z.boolean(),
  replyPromiseHours: z.number().int(),
  signature: z.object({ de: z.string(), en: z.string() }),
  active: z.boolean(),
  /** The mailbox watcher's state: how the last check went. */
  state: z.object({
    status: z.enum(['idle', 'ok', 'error']),
    error: z.string().nullable(),
    checkedAt: Timestamp.nullable(),
  }),
  /** Messages that could not be processed and wait for an admin. */
  problems: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type EmailChannel = z.infer<typeof EmailChannel>

export const ConnectionCheck = z.object({
  imap: z.object({ ok: z.boolean(), detail: z.string() }).nullable(),
  smtp: z.object({ ok: z.boolean(), detail: z.string() }).nullable(),
})
export type ConnectionCheck = z.infer<typeof ConnectionCheck>

export const InboundStatus = z.enum(['imported', 'ignored', 'failed', 'dismissed'])

/** One received message as the desk recorded it. */
export const InboundMessage = z.object({
  id: Id,
  channelId: Id,
  source: z.enum(['imap', 'smtp']),
  status: InboundStatus,
  /** Why it was ignored (own mail, loop) or could not be processed. */
  reason: z.string().nullable(),
  messageId: z.string().nullable(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  size: z.number().int(),
  ticketNumber: z.number().int().nullable(),
  receivedAt: Timestamp,
})
export type InboundMessage = z.infer<typeof InboundMessage>

export const InboundMessageQuery = z.object({
  channelId: Id.optional(),
  status: InboundStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})
export type InboundMessageQuery = z.infer<typeof InboundMessageQuery>
