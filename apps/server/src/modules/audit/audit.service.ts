import type { AuditExportQuery, AuditQuery } from '@tresen/contract'
import type { Ctx } from '../../platform/context.ts'
import type { Queryable } from '../../platform/db.ts'
import { type CsvLanguage, csvHeader, csvRows } from './audit.csv.ts'
import { authorizeAuditRead } from './audit.policy.ts'
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

const startOf = (value: string | undefined, endOfDay: boolean) => {
  if (!value) return undefined
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`)
    return endOfDay ? new Date(day.getTime() + 86_400_000 - 1) : day
  }
  return new Date(value)
}

const filterOf = (query: AuditExportQuery | AuditQuery): repo.AuditFilter => ({
  q: query.q || undefined,
  action: query.action,
  actorId: query.actorId,
  targetType: query.targetType,
  targetId: query.targetId,
  from: startOf(query.from, false),
  to: startOf(query.to, true),
})

/** A page of the audit log, newest first (admins). */
export const listAudit = async (ctx: Ctx, query: AuditQuery) => {
  authorizeAuditRead(ctx.actor)
  const filter = filterOf(query)
  const before = query.cursor ? Number(query.cursor) : undefined
  const [rows, total] = await Promise.all([
    repo.list(ctx.db, { ...filter, before }, query.limit + 1),
    repo.count(ctx.db, filter),
  ])
  const items = rows.slice(0, query.limit)
  const nextCursor = rows.length > query.limit ? String(items.at(-1)!.seq) : null
  return { items, nextCursor, total }
}

const EXPORT_BATCH = 1000

/**
 * The filtered audit log as CSV, newest first, produced batch by batch so that a long log never
 * sits in memory whole. The authorization is checked before the first byte.
 */
export const exportAudit = (ctx: Ctx, query: AuditExportQuery): AsyncGenerator<string> => {
  authorizeAuditRead(ctx.actor)
  const filter = filterOf(query)
  const lang: CsvLanguage = query.lang ?? 'en'
  return (async function* () {
    yield csvHeader(lang)
    let before: number | undefined
    for (;;) {
      const rows = await repo.list(ctx.db, { ...filter, before }, EXPORT_BATCH)
      if (rows.length === 0) return
      yield csvRows(rows, lang)
      if (rows.length < EXPORT_BATCH) return
      before = rows.at(-1)!.seq
    }
  })()
}
