import type { Ctx } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import * as repo from './audit.repository.ts'

/** What one record says: what was done to what, and the changed fields before and after. */
export type AuditEntry = {
  action: string
  targetType: string
  targetId?: string | null
  targetLabel?: string
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

/** Shown instead of a secret's value: that it changed, never what it is. */
export const SECRET_CHANGED = '[changed]'

const json = (value: unknown): unknown => {
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map(json)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v)]))
  }
  return value
}

/**
 * The fields that differ between two states of a record, as `{ before, after }` holding only
 * those fields. Fields named in `secrets` show `[changed]` on both sides instead of their values.
 */
export const changedFields = (
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  opts: { fields?: readonly string[]; secrets?: readonly string[] } = {},
) => {
  const fields = opts.fields ?? [...new Set([...Object.keys(before), ...Object.keys(after)])]
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> }
  for (const field of fields) {
    if (!(field in after)) continue
    const a = json(before[field])
    const b = json(after[field])
    if (JSON.stringify(a) === JSON.stringify(b)) continue
    const secret = opts.secrets?.includes(field)
    out.before[field] = secret ? SECRET_CHANGED : (a ?? null)
    out.after[field] = secret ? SECRET_CHANGED : (b ?? null)
  }
  return out
}

/**
 * Writes one audit record in the caller's transaction (so it exists exactly when the change
 * does): who (the ctx's actor), when (the ctx's clock), from where (the request), what.
 */
export const recordAudit = (ctx: Ctx, entry: AuditEntry) =>
  repo.insert(ctx.db, {
    at: ctx.clock.now(),
    actorId: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    targetLabel: entry.targetLabel ?? '',
    before: entry.before ? json(entry.before) : null,
    after: entry.after ? json(entry.after) : null,
    ip: ctx.origin?.ip ?? null,
    userAgent: ctx.origin?.userAgent ?? null,
    requestId: ctx.origin?.requestId ?? null,
  })

/**
 * A sign-in event, written outside any command: the person may not be known (a failed attempt
 * for an unknown address), so the label is given.
 */
export const recordSignInEvent = (
  db: Queryable,
  event: {
    at: Date
    action: string
    staffId?: string | null
    label: string
    detail?: Record<string, unknown>
    ip?: string
    userAgent?: string
  },
) =>
  repo.insert(db, {
    at: event.at,
    actorId: event.staffId ?? null,
    actorLabel: event.label,
    action: event.action,
    targetType: 'staff',
    targetId: event.staffId ?? null,
    targetLabel: event.label,
    before: null,
    after: event.detail ? json(event.detail) : null,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    requestId: null,
  })
