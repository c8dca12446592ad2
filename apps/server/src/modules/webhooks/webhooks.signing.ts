import { createHmac, randomBytes } from 'node:crypto'

/**
 * Signing as the Standard Webhooks specification says (https://www.standardwebhooks.com):
 * HMAC-SHA256 with the secret's key bytes over `${id}.${timestamp}.${body}`, sent as
 * `webhook-signature: v1,<base64>` beside `webhook-id` and `webhook-timestamp` (Unix seconds).
 * Receivers verify with any Standard Webhooks library.
 */
export const SECRET_PREFIX = 'whsec_'

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export const generateSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`

const keyOf = (secret: string) => {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('not a webhook signing secret')
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
}

/** The `webhook-signature` value for one message. */
export const sign = (secret: string, msg: { id: string; timestamp: number; body: string }) =>
  `v1,${createHmac('sha256', keyOf(secret)).update(`${msg.id}.${msg.timestamp}.${msg.body}`).digest('base64')}`

/** The three headers of a signed message, sent at `at`. */
export const signedHeaders = (secret: string, msg: { id: string; at: Date; body: string }) => {
  const timestamp = Math.floor(msg.at.getTime() / 1000)
  return {
    'webhook-id': msg.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign(secret, { id: msg.id, timestamp, body: msg.body }),
  }
}
