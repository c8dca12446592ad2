import { useQuery } from '@tanstack/react-query'
import type { ClosingAnswers, ClosingChecklist, ClosingItem, TicketClosing } from '@tresen/contract'
import { api } from '../../api/client.ts'

export type { ClosingAnswers, ClosingItem, TicketClosing }

/** The questions asked before a ticket is solved (the items not retired). */
export const useClosingChecklist = (enabled = true) =>
  useQuery({
    queryKey: ['closing', 'checklist'],
    queryFn: ({ signal }) => api<ClosingChecklist>('/closing/checklist', { signal }),
    staleTime: 60_000,
    enabled,
  })

/** Whether going from one status to another finishes the work, which is when the checklist is asked. */
export const finishesWork = (from: string, to: string | undefined) =>
  (to === 'solved' || to === 'closed') && from !== 'solved' && from !== 'closed'
