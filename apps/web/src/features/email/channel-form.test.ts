import { describe, expect, it } from 'vitest'
import type { EmailChannel } from '../../api/types.ts'
import {
  applyProvider,
  channelToForm,
  emptyChannelForm,
  formToBody,
  keepsSecret,
  providerOf,
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
