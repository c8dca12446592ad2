/**
 * When a failed delivery is tried again. Pure, unit-tested.
 *
 * After attempt n (1, 2, …) the next waits 15 s × 4^(n−1), at most 6 hours: 15 s, 1 min, 4 min,
 * 16 min, 64 min, 4 h 16 min, then 6 h. A receiver's `Retry-After` (seconds or an HTTP date) can
 * make the wait longer, never shorter, and never beyond 6 hours.
 */
export const RETRY_BASE_MS = 15_000
export const RETRY_MAX_MS = 6 * 60 * 60 * 1000

export const retryDelayMs = (attempt: number, retryAfterMs?: number | null) => {
  const backoff = Math.min(RETRY_BASE_MS * 4 ** Math.max(0, attempt - 1), RETRY_MAX_MS)
  return Math.min(Math.max(backoff, retryAfterMs ?? 0), RETRY_MAX_MS)
}

/** A `Retry-After` header as milliseconds from `now`, or null when absent or unreadable. */
export const parseRetryAfter = (value: string | undefined, now: Date): number | null => {
  if (!value) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}

/** What an attempt's outcome means for the delivery. */
export type Outcome = 'delivered' | 'retry' | 'give_up'

/**
 * 2xx: delivered. Network errors, timeouts, 408, 429 and 5xx: tried again. Any other status
 * (3xx: redirects are not followed; 4xx: the receiver refuses the message) and a target the
 * address policy refuses: given up at once.
 */
export const outcomeOf = (result: { statusCode: number | null; retryable: boolean }): Outcome => {
  const code = result.statusCode
  if (code === null) return result.retryable ? 'retry' : 'give_up'
  if (code >= 200 && code < 300) return 'delivered'
  if (code === 408 || code === 429 || code >= 500) return 'retry'
  return 'give_up'
}
