import type { OAuthSettingsInput } from '@tresen/contract'
import type { Queryable } from '../../platform/db.ts'
import type { SecretBox } from '../../platform/secret-box.ts'
import * as repo from './email.repository.ts'

export type OAuthConfig = Omit<OAuthSettingsInput, 'scope'> & { scope?: string | undefined }

/** Access tokens per channel (and settings version), until a minute before they expire. */
const cache = new Map<string, { token: string; expiresAt: number }>()

export class OAuthError extends Error {}

/**
 * An access token for the channel: from the provider's token endpoint with the refresh token or,
 * without one, the client credentials grant. A refresh token the provider rotates (Microsoft does)
 * is stored sealed right away, so the next process start uses the new one. Secrets never appear
 * in errors or logs; the provider's error code and description do.
 */
export const accessToken = async (
  db: Queryable,
  channel: repo.ChannelRow,
  box: SecretBox,
  now = Date.now(),
) => {
  if (!channel.oauth) throw new OAuthError('the channel has no OAuth2 settings')
  const key = `${channel.id}:${channel.oauth.slice(-24)}`
  const hit = cache.get(key)
  if (hit && hit.expiresAt > now) return hit.token
  const cfg = JSON.parse(box.open(channel.oauth)) as OAuthConfig
  const body = new URLSearchParams({
    client_id: cfg.clientId,
    grant_type: cfg.refreshToken ? 'refresh_token' : 'client_credentials',
    ...(cfg.clientSecret ? { client_secret: cfg.clientSecret } : {}),
    ...(cfg.refreshToken ? { refresh_token: cfg.refreshToken } : {}),
    ...(cfg.scope ? { scope: cfg.scope } : {}),
  })
  let res: Response
  try {
    res = await fetch(cfg.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(30_000),
    })
  } catch (err) {
    throw new OAuthError(`the token endpoint cannot be reached: ${(err as Error).message}`)
  }
  const json = (await res.json().catch(() => ({}))) as {
    access_token?: string
    expires_in?: number
    refresh_token?: string
    error?: string
    error_description?: string
  }
  if (!res.ok || !json.access_token) {
    const why = [json.error, json.error_description?.split('\n')[0]].filter(Boolean).join(': ')
    throw new OAuthError(`the token endpoint refused (${res.status})${why ? `: ${why.slice(0, 300)}` : ''}`)
  }
  if (json.refresh_token && cfg.refreshToken && json.refresh_token !== cfg.refreshToken) {
    await repo.replaceOAuth(
      db,
      channel.id,
      box.seal(JSON.stringify({ ...cfg, refreshToken: json.refresh_token })),
    )
  }
  const lifetime = Math.max(60, Number(json.expires_in) || 3600)
  cache.set(key, { token: json.access_token, expiresAt: now + (lifetime - 60) * 1000 })
  return json.access_token
}

/** What IMAP or SMTP sign in with: a password, an access token from the settings, or a stored token. */
export const credentialsFor = async (
  db: Queryable,
  channel: repo.ChannelRow,
  box: SecretBox,
  kind: 'imap' | 'smtp',
): Promise<{ pass?: string; accessToken?: string }> => {
  const auth = kind === 'imap' ? channel.imapAuth : channel.smtpAuth
  const sealed = kind === 'imap' ? channel.imapSecret : channel.smtpSecret
  if (auth === 'oauth2') {
    if (channel.oauth) return { accessToken: await accessToken(db, channel, box) }
    return { accessToken: sealed ? box.open(sealed) : '' }
  }
  return { pass: sealed ? box.open(sealed) : '' }
}
