import { useInfiniteQuery } from '@tanstack/react-query'
import type * as c from '@tresen/contract'
import type { z } from 'zod'
import { api, queryString } from '../../api/client.ts'

export type AuditRecord = z.infer<typeof c.AuditRecord>
export type AuditPage = z.infer<typeof c.AuditPage>
export type AuditFilter = { q?: string; action?: string; from?: string; to?: string }

export const useAuditLog = (filter: AuditFilter) =>
  useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: ({ pageParam, signal }) =>
      api<AuditPage>('/audit', { query: { ...filter, limit: 50, cursor: pageParam ?? undefined }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })

/** The export is a plain download: the browser sends the session cookie with it. */
export const auditExportUrl = (filter: AuditFilter, lang: string) =>
  `/api/v1/audit/export.csv${queryString({ ...filter, lang })}`
