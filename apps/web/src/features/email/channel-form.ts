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

/** The channel's OAuth2 settings as the form edits them. */
export type OAuthForm = {
  tokenUrl: string
  clientId: string
  /** Empty: keep the stored one (when token URL and client ID stay the same). */
  clientSecret: string
  /** Empty: keep the stored one (when token URL and client ID stay the same). */
  refreshToken: string
  scope: string
}

export type ChannelForm = {
  name: string
  address: string
  displayName: string
  teamId: string | null
  imap: ServerForm
  smtp: ServerForm
  oauth: OAuthForm
  smtpReceiverAddresses: string[]
  acknowledge: boolean
  replyPromiseHours: number | string
  signature: { de: string; en: string }
  active: boolean
}

export const PROVIDERS = ['microsoft365', 'google', 'ionos', 'strato', 'other'] as const
export type Provider = (typeof PROVIDERS)[number]

/** Stands for the Microsoft Entra tenant in the Microsoft 365 token URL, until the admin replaces it. */
export const TENANT_PLACEHOLDER = '<tenant>'

type Endpoint = { host: string; port: number; security: MailSecurity }
type Preset = { imap: Endpoint; smtp: Endpoint; auth: MailAuth; oauth?: { tokenUrl: string; scope: string } }
const PRESETS: Record<Exclude<Provider, 'other'>, Preset> = {
  microsoft365: {
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    auth: 'oauth2',
    oauth: {
      tokenUrl: `https://login.microsoftonline.com/${TENANT_PLACEHOLDER}/oauth2/v2.0/token`,
      scope: 'https://outlook.office365.com/.default',
    },
  },
  google: {
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    auth: 'oauth2',
    oauth: { tokenUrl: 'https://oauth2.googleapis.com/token', scope: 'https://mail.google.com/' },
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

const hostOf = (url: string) => {
  try {
    return new URL(url.trim()).host.toLowerCase()
  } catch {
    return ''
  }
}

/**
 * The provider's OAuth2 token URL and scope, unless the form already names a token URL at that
 * provider (which may carry the real tenant): then it stays, and so does a scope already set.
 */
const presetOAuth = (oauth: OAuthForm, preset: Preset['oauth']): OAuthForm => {
  if (!preset) return oauth
  if (hostOf(oauth.tokenUrl) === hostOf(preset.tokenUrl))
    return { ...oauth, scope: oauth.scope || preset.scope }
  return { ...oauth, tokenUrl: preset.tokenUrl, scope: preset.scope }
}

/**
 * Fills in a provider's servers (and for OAuth2 providers the token URL and scope); the mailbox
 * address becomes the user name where none is set.
 */
export const applyProvider = (form: ChannelForm, provider: Provider): ChannelForm => {
  if (provider === 'other') return form
  const preset = PRESETS[provider]
  const user = (current: string) => current || form.address
  return {
    ...form,
    imap: { ...form.imap, ...preset.imap, enabled: true, auth: preset.auth, user: user(form.imap.user) },
    smtp: { ...form.smtp, ...preset.smtp, enabled: true, auth: preset.auth, user: user(form.smtp.user) },
    oauth: presetOAuth(form.oauth, preset.oauth),
  }
}

/** Whether IMAP or SMTP (where switched on) signs in with OAuth2: then the OAuth2 section shows. */
export const usesOAuth2 = (form: ChannelForm) =>
  (form.imap.enabled && form.imap.auth === 'oauth2') || (form.smtp.enabled && form.smtp.auth === 'oauth2')

/** Whether any OAuth2 setting is filled in (an all-empty section means: no OAuth2 settings). */
export const hasOAuthSettings = (oauth: OAuthForm) =>
  Object.values(oauth).some((value) => value.trim() !== '')

/** Whether the desk fetches access tokens itself, so that no password or token is needed per server. */
export const oauthConfigured = (form: ChannelForm) => usesOAuth2(form) && hasOAuthSettings(form.oauth)

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

const emptyOAuth = (): OAuthForm => ({
  tokenUrl: '',
  clientId: '',
  clientSecret: '',
  refreshToken: '',
  scope: '',
})

export const emptyChannelForm = (): ChannelForm => ({
  name: '',
  address: '',
  displayName: '',
  teamId: null,
  imap: emptyServer('imap'),
  smtp: emptyServer('smtp'),
  oauth: emptyOAuth(),
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
    oauth: channel.oauth
      ? {
          ...empty.oauth,
          tokenUrl: channel.oauth.tokenUrl,
          clientId: channel.oauth.clientId,
          scope: channel.oauth.scope ?? '',
        }
      : empty.oauth,
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

/**
 * Whether saving keeps the stored client secret or refresh token: the server keeps it only when
 * the field is left empty and neither token URL nor client ID changed.
 */
export const keepsOAuthSecret = (
  stored: EmailChannel['oauth'] | undefined,
  form: OAuthForm,
  field: 'clientSecret' | 'refreshToken',
) =>
  !!stored &&
  (field === 'clientSecret' ? stored.hasClientSecret : stored.hasRefreshToken) &&
  form[field] === '' &&
  stored.tokenUrl === form.tokenUrl.trim() &&
  stored.clientId === form.clientId.trim()

const num = (value: number | string) => (value === '' ? Number.NaN : Number(value))

/**
 * The request body for creating or updating a channel: the same fields, except that an update
 * clears an emptied display name and unused or emptied OAuth2 settings with null where a new
 * channel simply has none. Empty secrets are left out, so the server keeps the stored ones.
 */
export function formToBody(form: ChannelForm, mode: 'create'): CreateEmailChannelInput
export function formToBody(form: ChannelForm, mode: 'update'): UpdateEmailChannelInput
export function formToBody(
  form: ChannelForm,
  mode: 'create' | 'update',
): CreateEmailChannelInput | UpdateEmailChannelInput {
  const withOAuth = oauthConfigured(form)
  // With OAuth2 settings the server fetches the access tokens: a typed password or token is not sent.
  const secret = (s: ServerForm) =>
    s.secret && !(withOAuth && s.auth === 'oauth2') ? { secret: s.secret } : {}
  const displayName = form.displayName.trim()
  const o = form.oauth
  const scope = o.scope.trim()
  const oauth = withOAuth
    ? {
        oauth: {
          tokenUrl: o.tokenUrl.trim(),
          clientId: o.clientId.trim(),
          ...(o.clientSecret ? { clientSecret: o.clientSecret } : {}),
          ...(o.refreshToken ? { refreshToken: o.refreshToken.trim() } : {}),
          ...(scope ? { scope } : {}),
        },
      }
    : mode === 'update'
      ? { oauth: null }
      : {}
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
    ...oauth,
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
  'oauth',
  ...['tokenUrl', 'clientId', 'clientSecret', 'refreshToken', 'scope'].map((f) => `oauth.${f}`),
  'smtpReceiverAddresses',
  'acknowledge',
  'replyPromiseHours',
  'signature.de',
  'signature.en',
  'active',
] as const

/** The fields a server error may point at that the form shows now (the OAuth2 section only with OAuth2). */
export const visibleFields = (form: ChannelForm): readonly string[] =>
  usesOAuth2(form) ? FORM_FIELDS : FORM_FIELDS.filter((f) => f !== 'oauth' && !f.startsWith('oauth.'))
