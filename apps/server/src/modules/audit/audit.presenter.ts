import type { AuditRecord } from '@tresen/contract'
import type { AuditRow } from './audit.repository.ts'

export const presentAuditRecord = (r: AuditRow): AuditRecord => ({
  seq: r.seq,
  at: r.at.toISOString(),
  actorId: r.actorId,
  actorLabel: r.actorLabel,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  targetLabel: r.targetLabel,
  before: (r.before as Record<string, unknown> | null) ?? null,
  after: (r.after as Record<string, unknown> | null) ?? null,
  ip: r.ip,
  userAgent: r.userAgent,
  requestId: r.requestId,
})
