import type { Authenticated } from './auth.service.ts'

type Entry = { value: Authenticated; staffId: string; expires: number }

/**
 * Who a credential (API token or session cookie) belonged to a moment ago, so that a burst of
 * requests authenticates once instead of once each. Entries live `ttlMs` at most, and every change
 * that can end or narrow a credential (sign-out, password, token revoked, account or team
 * membership changed) drops them at once, in this process and, through LISTEN/NOTIFY, in every
 * other one. Keys are hashes of the credentials, never the credentials.
 */
export class AuthCache {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Authenticated | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expires <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: Authenticated) {
    if (this.ttlMs <= 0) return
    if (this.entries.size >= this.maxEntries) {
      // The oldest entry goes first (a Map keeps insertion order).
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    const { cookies: _cookies, ...rest } = value
    this.entries.set(key, { value: rest, staffId: value.staff.id, expires: this.now() + this.ttlMs })
  }

  /** Drops what a change may have made wrong: one staff member's entries, or all. */
  invalidate(change: { staffId?: string }) {
    if (!change.staffId) {
      this.entries.clear()
      return
    }
    for (const [key, entry] of this.entries) if (entry.staffId === change.staffId) this.entries.delete(key)
  }

  get size() {
    return this.entries.size
  }
}
