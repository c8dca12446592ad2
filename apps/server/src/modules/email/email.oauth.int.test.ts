import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { startSmtpSink } from '../../../test/smtp-sink.ts'
import { createSecretBox } from '../../platform/secret-box.ts'
import { addInteraction } from '../tickets/index.ts'
import { ingestMessage } from './email.ingest.ts'
import { sendDue, smtpTransport } from './email.outbound.ts'
import * as repo from './email.repository.ts'
import { emailOutbound } from './email.tables.ts'
import { composeMail } from './email.test-support.ts'

/** OAuth2 sign-in for Microsoft 365 and Google: tokens fetched from the provider, rotated refresh tokens kept. */

type TokenRequest = Record<string, string>
let t: TestApp
let sink: Awaited<ReturnType<typeof startSmtpSink>>
let tokenServer: http.Server
let tokenUrl: string
const requests: TokenRequest[] = []
let refuse = false

beforeAll(async () => {
  t = await startTestApp()
  sink = await startSmtpSink()
  tokenServer = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body)) as TokenRequest
      requests.push(form)
      res.setHeader('content-type', 'application/json')
      if (refuse) {
        res.statusCode = 400
        res.end(
          JSON.stringify({
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret.',
          }),
        )
        return
      }
      if (form.grant_type === 'refresh_token')
        res.end(
          JSON.stringify({
            access_token: `at-${form.refresh_token}`,
            expires_in: 3600,
            refresh_token: `${form.refresh_token}-next`,
          }),
        )
      else res.end(JSON.stringify({ access_token: 'at-app', expires_in: 3600 }))
    })
  })
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', () => resolve()))
  tokenUrl = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/tenant/oauth2/v2.0/token`
})

afterAll(async () => {
  await new Promise((r) => tokenServer?.close(r))
  await sink?.close()
  await t?.close()
})

const admin = async () => (await t.buildStaff({ role: 'admin' })).headers

const createChannel = async (oauth: Record<string, string>) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/email/channels',
    headers: await admin(),
    payload: {
      name: unique('M365 '),
      address: `${unique('service')}@contoso.example`,
      acknowledge: false,
      smtp: {
        host: '127.0.0.1',
        port: sink.port,
        security: 'none',
        user: 'service@contoso.example',
        auth: 'oauth2',
      },
      oauth,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  return res
}

const replyOnNewTicket = async (channelId: string) => {
  const channel = (await repo.findChannel(t.db, channelId))!
  const raw = await composeMail({
    from: `${unique('k')}@example.de`,
    to: channel.address,
    subject: 'Hallo',
    text: 'Frage',
  })
  const outcome = await ingestMessage(t.ctxAs(), channel, raw, { source: 'smtp' })
  if (outcome.status !== 'imported') throw new Error(JSON.stringify(outcome))
  const reply = await addInteraction(t.ctxAs(), outcome.ticketId, { kind: 'reply', text: 'Antwort' })
  await sendDue(t.ctxAs(), smtpTransport(createSecretBox(t.sessionSecret), t.db))
  const [row] = await t.db
    .select()
    .from(emailOutbound)
    .where(eq(emailOutbound.interactionId, reply.interactionId))
  return row!
}

describe('OAuth2', () => {
  it('signs in to SMTP with a token from the client credentials grant and never shows the secret', async () => {
    const res = await createChannel({
      tokenUrl,
      clientId: 'app-id',
      clientSecret: 'very-secret-value',
      scope: 'https://outlook.office365.com/.default',
    })
    expect(res.body).not.toContain('very-secret-value')
    expect(res.json().oauth).toEqual({
      tokenUrl,
      clientId: 'app-id',
      scope: 'https://outlook.office365.com/.default',
      hasClientSecret: true,
      hasRefreshToken: false,
    })
    const delivery = await replyOnNewTicket(res.json().id)
    expect(delivery.status).toBe('sent')
    expect(requests.at(-1)).toMatchObject({
      grant_type: 'client_credentials',
      client_id: 'app-id',
      client_secret: 'very-secret-value',
      scope: 'https://outlook.office365.com/.default',
    })
    expect(sink.auths.at(-1)).toMatchObject({
      method: 'XOAUTH2',
      username: 'service@contoso.example',
      accessToken: 'at-app',
    })
  })

  it('uses the refresh token and keeps the rotated one', async () => {
    const res = await createChannel({
      tokenUrl,
      clientId: 'google-client',
      clientSecret: 'gs',
      // Long and distinctive: the sealed text is random and could contain a short token by chance.
      refreshToken: 'refresh-token-r1',
    })
    const delivery = await replyOnNewTicket(res.json().id)
    expect(delivery.status).toBe('sent')
    expect(requests.at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-token-r1' })
    expect(sink.auths.at(-1)).toMatchObject({ accessToken: 'at-refresh-token-r1' })
    const row = (await repo.findChannel(t.db, res.json().id))!
    expect(row.oauth).not.toContain('refresh-token-r1')
    expect(JSON.parse(createSecretBox(t.sessionSecret).open(row.oauth!)).refreshToken).toBe(
      'refresh-token-r1-next',
    )
  })

  it('keeps the secrets on an update that leaves them out, and drops them for another client', async () => {
    const res = await createChannel({ tokenUrl, clientId: 'keep-me', clientSecret: 's1' })
    const id = res.json().id
    const same = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/email/channels/${id}`,
      headers: await admin(),
      payload: { oauth: { tokenUrl, clientId: 'keep-me', scope: 'x' } },
    })
    expect(same.json().oauth).toMatchObject({ hasClientSecret: true, scope: 'x' })
    const other = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/email/channels/${id}`,
      headers: await admin(),
      payload: { oauth: { tokenUrl, clientId: 'another-app' } },
    })
    expect(other.json().oauth).toMatchObject({ hasClientSecret: false })
  })

  it('records a refusal of the token endpoint as a temporary failure with the provider’s reason', async () => {
    const res = await createChannel({ tokenUrl, clientId: 'broken', clientSecret: 'wrong-secret' })
    refuse = true
    try {
      const delivery = await replyOnNewTicket(res.json().id)
      expect(delivery.status).toBe('queued')
      expect(delivery.lastError).toContain('the token endpoint refused (400): invalid_client')
      expect(delivery.lastError).not.toContain('wrong-secret')
    } finally {
      refuse = false
    }
    const check = await t.app.inject({
      method: 'POST',
      url: `/api/v1/email/channels/${res.json().id}/check`,
      headers: await admin(),
    })
    expect(check.json().smtp).toMatchObject({ ok: true })
  })
})
