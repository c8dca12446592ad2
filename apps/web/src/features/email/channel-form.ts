import type {
  CreateEmailChannelInput,
  EmailChannel,
  MailSecurity,
  UpdateEmailChannelInput,
} from '../../api/types.ts'

export type MailAuth = 'password' | 'oauth2'

/** One mail server's settings as the form edits them (numbers may be '' while typed). */
export type ServerForm = {
  enabled: boolean
  host: string
  port: number | string
  security: MailSecurity
  user: string
  auth: MailAuth
  /** Empty: keep the stored secret (when host and user stay the same). */
  secret: string
  folder: string
  afterImport: 'move' | 'flag'
  processedFolder: string
  pollSeconds: number | string
}

export type ChannelForm = {
  name: string
  address: string
  displayName: string
  teamId: string | null
  imap: ServerForm
  smtp: ServerForm
  smtpReceiverAddresses: string[]
  acknowledge: boolean
  replyPromiseHours: number | string
  signature: { de: string; en: string }
  active: boolean
}

export const PROVIDERS = ['microsoft365', 'google', 'ionos', 'strato', 'other'] as const
export type Provider = (typeof PROVIDERS)[number]

type Endpoint = { host: string; port: number; security: MailSecurity }
const PRESETS: Record<Exclude<Provider, 'other'>, { imap: Endpoint; smtp: Endpoint; auth: MailAuth }> = {
  microsoft365: {
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    auth: 'oauth2',
  },
  google: {
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    auth: 'oauth2',
  },
  ionos: {
    imap: { host: 'imap.ionos.de', port: 993, security: 'tls' },
    smtp: { host: 'smtp.ionos.de', port: 587, security: 'starttls' },
    auth: 'password',
  },
  strato: {
    imap: { host: 'imap.strato.de', port: 993, security: 'tls' },
    smtp: { host: 'smtp.strato.de', port: 465, security: 'tls' },
    auth: 'password',
  },
}

/** The provider whose servers the form names, or 'other'. */
export const providerOf = (form: ChannelForm): Provider => {
  const host = form.imap.host.trim().toLowerCase() || form.smtp.host.trim().toLowerCase()
  for (const [key, preset] of Object.entries(PRESETS)) {
    if (host === preset.imap.host || host === preset.smtp.host) return key as Provider
  }
  return 'other'
}

/** Fills in a provider's servers; the mailbox address becomes the user name where none is set. */
export const applyProvider = (form: ChannelForm, provider: Provider): ChannelForm => {
  if (provider === 'other') return form
  const preset = PRESETS[provider]
  const user = (current: string) => current || form.address
  return {
    ...form,
    imap: { ...form.imap, ...preset.imap, enabled: true, auth: preset.auth, user: user(form.imap.user) },
    smtp: { ...form.smtp, ...preset.smtp, enabled: true, auth: preset.auth, user: user(form.smtp.user) },
  }
}

const emptyServer = (kind: 'imap' | 'smtp'): ServerForm => ({
  enabled: false,
  host: '',
  port: kind === 'imap' ? 993 : 587,
  security: kind === 'imap' ? 'tls' : 'starttls',
  user: '',
  auth: 'password',
  secret: '',
  folder: 'INBOX',
  afterImport: 'move',
  processedFolder: 'Tresen/Processed',
  pollSeconds: 60,
})

export const emptyChannelForm = (): ChannelForm => ({
  name: '',
  address: '',
  displayName: '',
  teamId: null,
  imap: emptyServer('imap'),
  smtp: emptyServer('smtp'),
  smtpReceiverAddresses: [],
  acknowledge: true,
  replyPromiseHours: 24,
  signature: { de: '', en: '' },
  active: true,
})

export const channelToForm = (channel: EmailChannel): ChannelForm => {
  const empty = emptyChannelForm()
  return {
    name: channel.name,
    address: channel.address,
    displayName: channel.displayName ?? '',
    teamId: channel.teamId,
    imap: channel.imap ? { ...empty.imap, ...channel.imap, enabled: true, secret: '' } : empty.imap,
    smtp: channel.smtp
      ? { ...empty.smtp, ...channel.smtp, user: channel.smtp.user ?? '', enabled: true, secret: '' }
      : empty.smtp,
    smtpReceiverAddresses: channel.smtpReceiverAddresses,
    acknowledge: channel.acknowledge,
    replyPromiseHours: channel.replyPromiseHours,
    signature: { ...channel.signature },
    active: channel.active,
  }
}

/**
 * Whether saving keeps the stored password or token: the server keeps it only when the field is
 * left empty and neither host nor user changed.
 */
export const keepsSecret = (
  stored: { host: string; user?: string | null; hasSecret: boolean } | null | undefined,
  form: ServerForm,
) =>
  !!stored?.hasSecret &&
  form.secret === '' &&
  stored.host === form.host.trim() &&
  (stored.user ?? '') === form.user

const num = (value: number | string) => (value === '' ? Number.NaN : Number(value))

/**
 * The request body for creating or updating a channel: the same fields, except that an update
 * clears an emptied display name with null where a new channel simply has none.
 */
export function formToBody(form: ChannelForm, mode: 'create'): CreateEmailChannelInput
export function formToBody(form: ChannelForm, mode: 'update'): UpdateEmailChannelInput
export function formToBody(
  form: ChannelForm,
  mode: 'create' | 'update',
): CreateEmailChannelInput | UpdateEmailChannelInput {
  const secret = (s: ServerForm) => (s.secret ? { secret: s.secret } : {})
  const displayName = form.displayName.trim()
  return {
    name: form.name,
    address: form.address.trim(),
    ...(displayName ? { displayName } : mode === 'update' ? { displayName: null } : {}),
    teamId: form.teamId,
    imap: form.imap.enabled
      ? {
          host: form.imap.host.trim(),
          port: num(form.imap.port),
          security: form.imap.security,
          user: form.imap.user,
          auth: form.imap.auth,
          ...secret(form.imap),
          folder: form.imap.folder,
          afterImport: form.imap.afterImport,
          processedFolder: form.imap.processedFolder,
          pollSeconds: num(form.imap.pollSeconds),
        }
      : null,
    smtp: form.smtp.enabled
      ? {
          host: form.smtp.host.trim(),
          port: num(form.smtp.port),
          security: form.smtp.security,
          ...(form.smtp.user ? { user: form.smtp.user } : {}),
          auth: form.smtp.auth,
          ...secret(form.smtp),
        }
      : null,
    smtpReceiverAddresses: form.smtpReceiverAddresses,
    acknowledge: form.acknowledge,
    replyPromiseHours: num(form.replyPromiseHours),
    signature: form.signature,
    active: form.active,
  }
}

/** Every field path a server error may point at, as the form names them. */
export const FORM_FIELDS = [
  'name',
  'address',
  'displayName',
  'teamId',
  'imap',
  'smtp',
  ...['host', 'port', 'security', 'user', 'auth', 'secret'].flatMap((f) => [`imap.${f}`, `smtp.${f}`]),
  'imap.folder',
  'imap.afterImport',
  'imap.processedFolder',
  'imap.pollSeconds',
  'smtpReceiverAddresses',
  'acknowledge',
  'replyPromiseHours',
  'signature.de',
  'signature.en',
  'active',
] as const
