import { describe, expect, it } from 'vitest'
import type { EmailChannel } from '../../api/types.ts'
import { fieldErrors } from '../../lib/field-errors.ts'
import {
  applyProvider,
  channelToForm,
  emptyChannelForm,
  formToBody,
  keepsOAuthSecret,
  keepsSecret,
  oauthConfigured,
  providerOf,
  usesOAuth2,
  visibleFields,
} from './channel-form.ts'

const channel: EmailChannel = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Support',
  address: 'support@example.com',
  displayName: null,
  teamId: null,
  imap: {
    host: 'imap.ionos.de',
    port: 993,
    security: 'tls',
    user: 'support@example.com',
    auth: 'password',
    folder: 'INBOX',
    afterImport: 'move',
    processedFolder: 'Tresen/Processed',
    pollSeconds: 60,
    hasSecret: true,
  },
  smtp: null,
  oauth: null,
  smtpReceiverAddresses: [],
  acknowledge: true,
  replyPromiseHours: 24,
  signature: { de: '', en: '' },
  active: true,
  state: { status: 'idle', error: null, checkedAt: null },
  problems: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

const tokenUrl = 'https://login.microsoftonline.com/contoso/oauth2/v2.0/token'
/** A Microsoft 365 channel whose tokens come from its stored OAuth2 settings. */
const oauthChannel: EmailChannel = {
  ...channel,
  imap: {
    ...(channel.imap as NonNullable<EmailChannel['imap']>),
    host: 'outlook.office365.com',
    auth: 'oauth2',
    hasSecret: false,
  },
  smtp: {
    host: 'smtp.office365.com',
    port: 587,
    security: 'starttls',
    user: 'support@example.com',
    auth: 'oauth2',
    hasSecret: false,
  },
  oauth: {
    tokenUrl,
    clientId: 'app-1',
    scope: 'https://outlook.office365.com/.default',
    hasClientSecret: true,
    hasRefreshToken: true,
  },
}

describe('email channel form', () => {
  it('fills in a provider and uses the address as user name where none is set', () => {
    const form = applyProvider({ ...emptyChannelForm(), address: 'help@example.com' }, 'microsoft365')
    expect(form.imap).toMatchObject({
      enabled: true,
      host: 'outlook.office365.com',
      port: 993,
      security: 'tls',
      auth: 'oauth2',
      user: 'help@example.com',
    })
    expect(form.smtp).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls' })
    expect(providerOf(form)).toBe('microsoft365')
    expect(providerOf(emptyChannelForm())).toBe('other')
    expect(applyProvider(form, 'other')).toBe(form)
  })

  it('fills in the OAuth2 token URL and scope of Microsoft 365 and Google', () => {
    const ms = applyProvider(emptyChannelForm(), 'microsoft365')
    expect(ms.oauth).toMatchObject({
      tokenUrl: 'https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token',
      scope: 'https://outlook.office365.com/.default',
      clientId: '',
    })
    expect(usesOAuth2(ms)).toBe(true)
    const google = applyProvider({ ...ms, oauth: { ...ms.oauth, clientId: 'app-1' } }, 'google')
    expect(google.oauth).toMatchObject({
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scope: 'https://mail.google.com/',
      clientId: 'app-1',
    })
    // A token URL that already names the tenant stays when Microsoft 365 is picked again.
    const edited = channelToForm(oauthChannel)
    expect(applyProvider(edited, 'microsoft365').oauth.tokenUrl).toBe(tokenUrl)
    // Password providers leave the OAuth2 settings alone; they are not used then.
    const ionos = applyProvider(ms, 'ionos')
    expect(ionos.oauth).toEqual(ms.oauth)
    expect(usesOAuth2(ionos)).toBe(false)
  })

  it('sends no secret when the field is left empty, and null for a switched-off server', () => {
    const body = formToBody(channelToForm(channel), 'update')
    expect(body.imap).not.toHaveProperty('secret')
    expect(body.imap).toMatchObject({ host: 'imap.ionos.de', port: 993 })
    expect(body.smtp).toBeNull()
    expect(body.displayName).toBeNull()
  })

  it('leaves an empty display name out of a new channel, and an empty SMTP user', () => {
    const form = applyProvider({ ...emptyChannelForm(), name: 'X', address: 'x@example.com' }, 'strato')
    const body = formToBody({ ...form, smtp: { ...form.smtp, user: '', secret: 'pw' } }, 'create')
    expect(body).not.toHaveProperty('displayName')
    expect(body.smtp).toEqual({
      host: 'smtp.strato.de',
      port: 465,
      security: 'tls',
      auth: 'password',
      secret: 'pw',
    })
  })

  it('keeps the stored secret only while host and user stay the same', () => {
    const form = channelToForm(channel)
    expect(keepsSecret(channel.imap, form.imap)).toBe(true)
    expect(keepsSecret(channel.imap, { ...form.imap, host: 'imap.strato.de' })).toBe(false)
    expect(keepsSecret(channel.imap, { ...form.imap, user: 'other' })).toBe(false)
    expect(keepsSecret(channel.imap, { ...form.imap, secret: 'new' })).toBe(false)
    expect(keepsSecret(null, form.imap)).toBe(false)
  })
})

describe('email channel form: OAuth2 settings', () => {
  it('sends the settings with oauth2 sign-in, and leaves out empty secrets and scope', () => {
    const ms = applyProvider({ ...emptyChannelForm(), name: 'X', address: 'x@example.com' }, 'microsoft365')
    const form = {
      ...ms,
      imap: { ...ms.imap, secret: 'typed-before' },
      oauth: {
        ...ms.oauth,
        tokenUrl: ` ${tokenUrl} `,
        clientId: ' app-1 ',
        clientSecret: 's3cret',
        scope: ' ',
      },
    }
    expect(oauthConfigured(form)).toBe(true)
    const body = formToBody(form, 'create')
    expect(body.oauth).toEqual({ tokenUrl, clientId: 'app-1', clientSecret: 's3cret' })
    // The server fetches the tokens: a password or token typed for IMAP is not sent.
    expect(body.imap).not.toHaveProperty('secret')
  })

  it('sends a static access token when oauth2 is used without OAuth2 settings', () => {
    const ms = applyProvider({ ...emptyChannelForm(), name: 'X', address: 'x@example.com' }, 'microsoft365')
    const form = { ...ms, imap: { ...ms.imap, secret: 'access-token' }, oauth: emptyChannelForm().oauth }
    expect(oauthConfigured(form)).toBe(false)
    const body = formToBody(form, 'create')
    expect(body).not.toHaveProperty('oauth')
    expect(body.imap).toMatchObject({ auth: 'oauth2', secret: 'access-token' })
  })

  it('keeps stored secrets when left empty, and sends new ones when typed', () => {
    const form = channelToForm(oauthChannel)
    expect(form.oauth).toEqual({
      tokenUrl,
      clientId: 'app-1',
      clientSecret: '',
      refreshToken: '',
      scope: 'https://outlook.office365.com/.default',
    })
    expect(formToBody(form, 'update').oauth).toEqual({
      tokenUrl,
      clientId: 'app-1',
      scope: 'https://outlook.office365.com/.default',
    })
    expect(keepsOAuthSecret(oauthChannel.oauth, form.oauth, 'clientSecret')).toBe(true)
    expect(keepsOAuthSecret(oauthChannel.oauth, form.oauth, 'refreshToken')).toBe(true)

    const typed = { ...form, oauth: { ...form.oauth, refreshToken: 'new-refresh' } }
    expect(formToBody(typed, 'update').oauth).toMatchObject({ refreshToken: 'new-refresh' })
    expect(formToBody(typed, 'update').oauth).not.toHaveProperty('clientSecret')
    expect(keepsOAuthSecret(oauthChannel.oauth, typed.oauth, 'refreshToken')).toBe(false)
  })

  it('keeps stored secrets only while token URL and client ID stay the same', () => {
    const form = channelToForm(oauthChannel)
    const other = { ...form.oauth, clientId: 'app-2' }
    expect(keepsOAuthSecret(oauthChannel.oauth, other, 'clientSecret')).toBe(false)
    expect(
      keepsOAuthSecret(oauthChannel.oauth, { ...form.oauth, tokenUrl: 'https://x.test/t' }, 'refreshToken'),
    ).toBe(false)
    expect(
      keepsOAuthSecret({ ...oauthChannel.oauth!, hasRefreshToken: false }, form.oauth, 'refreshToken'),
    ).toBe(false)
    expect(keepsOAuthSecret(null, form.oauth, 'clientSecret')).toBe(false)
  })

  it('clears the settings with null when the section is emptied or oauth2 is no longer used', () => {
    const form = channelToForm(oauthChannel)
    expect(formToBody({ ...form, oauth: emptyChannelForm().oauth }, 'update').oauth).toBeNull()
    const password = {
      ...form,
      imap: { ...form.imap, auth: 'password' as const },
      smtp: { ...form.smtp, auth: 'password' as const },
    }
    expect(usesOAuth2(password)).toBe(false)
    expect(formToBody(password, 'update').oauth).toBeNull()
    // Switched-off servers do not count.
    expect(
      formToBody(
        { ...form, imap: { ...form.imap, enabled: false }, smtp: { ...form.smtp, enabled: false } },
        'update',
      ).oauth,
    ).toBeNull()
    // A channel without oauth2 sends none when created.
    expect(formToBody(channelToForm(channel), 'create')).not.toHaveProperty('oauth')
  })

  it('knows the OAuth2 fields for server errors only while the section shows', () => {
    expect(visibleFields(channelToForm(oauthChannel))).toContain('oauth.tokenUrl')
    expect(visibleFields(channelToForm(oauthChannel))).toContain('oauth.clientSecret')
    expect(visibleFields(channelToForm(channel))).not.toContain('oauth.tokenUrl')
    const problem = {
      type: 'about:blank',
      code: 'validation',
      title: 'Invalid request',
      status: 400,
      errors: [
        { pointer: '/body/oauth/tokenUrl', detail: 'Invalid URL' },
        { pointer: '/body/oauth/clientId', detail: 'Too small' },
      ],
    }
    expect(fieldErrors(problem, visibleFields(channelToForm(oauthChannel))).fields).toEqual({
      'oauth.tokenUrl': 'Invalid URL',
      'oauth.clientId': 'Too small',
    })
    expect(fieldErrors(problem, visibleFields(channelToForm(channel))).rest).toEqual([
      'oauth.tokenUrl: Invalid URL',
      'oauth.clientId: Too small',
    ])
  })
})
