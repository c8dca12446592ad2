import { createHash, randomBytes } from 'node:crypto'

/**
 * The customer's yes/no links. Each follow-up has one random token (32 bytes, base64url); only
 * its SHA-256 is stored, so a database dump holds no working link, and a link that was never
 * issued (forged, mistyped) matches nothing. Whether a link still counts is a pure judgement of
 * the stored follow-up and the time.
 */

export const newToken = () => randomBytes(32).toString('base64url')

/** Tokens are 43 base64url characters; anything else is refused before the database is asked. */
export const isTokenShaped = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token)

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex')

export const expiresAt = (sentAt: Date, days: number) => new Date(sentAt.getTime() + days * 86_400_000)

export type LinkState = 'valid' | 'unknown' | 'expired' | 'used'

/** What a link is worth now: unknown (no such follow-up), used (answered), expired, or valid. */
export const judgeLink = (
  followUp: { expiresAt: Date; answeredAt: Date | null } | undefined,
  now: Date,
): LinkState => {
  if (!followUp) return 'unknown'
  if (followUp.answeredAt) return 'used'
  if (now.getTime() >= followUp.expiresAt.getTime()) return 'expired'
  return 'valid'
}

/** The address of a follow-up's page; `answer` preselects the button the customer clicked in the mail. */
export const followUpUrl = (publicUrl: string, token: string, answer: 'yes' | 'no') =>
  `${publicUrl.replace(/\/$/, '')}/follow-up/${token}?answer=${answer}`
