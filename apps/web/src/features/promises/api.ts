import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type * as c from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'
import type { TicketDetail } from '../../api/types.ts'

export type TicketPromise = z.infer<typeof c.TicketPromise>
export type PromiseState = z.infer<typeof c.PromiseState>
export type PromiseSummary = z.infer<typeof c.PromiseSummary>
export type SlaPolicy = z.infer<typeof c.SlaPolicy>
export type SlaConditions = z.infer<typeof c.SlaConditions>
export type CreateSlaPolicyInput = z.input<typeof c.CreateSlaPolicyInput>
export type UpdateSlaPolicyInput = z.input<typeof c.UpdateSlaPolicyInput>
export type PausePromisesInput = z.input<typeof c.PausePromisesInput>

export const slaPolicyKeys = {
  all: ['sla-policies'] as const,
}

/** Every response-target policy, in the order they are matched (staff read, admins write). */
export const useSlaPolicies = (enabled = true) =>
  useQuery({
    queryKey: slaPolicyKeys.all,
    queryFn: ({ signal }) => api<SlaPolicy[]>('/sla-policies', { signal }),
    select: (policies) => [...policies].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id)),
    staleTime: 30_000,
    enabled,
  })

export const useSlaPolicyMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: slaPolicyKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateSlaPolicyInput) =>
        api<SlaPolicy>('/sla-policies', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateSlaPolicyInput }) =>
        api<SlaPolicy>(`/sla-policies/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    /** Moves one policy to a new place: every policy whose position changes is saved. */
    reorder: useMutation({
      mutationFn: async (ordered: SlaPolicy[]) => {
        for (const [position, policy] of ordered.entries()) {
          if (policy.position !== position)
            await api<SlaPolicy>(`/sla-policies/${policy.id}`, { method: 'PATCH', body: { position } })
        }
      },
      onSettled: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<null>(`/sla-policies/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
  }
}

/** Pausing and resuming a ticket's response clocks; the ticket is read again afterwards. */
export const usePromiseActions = (ticket: { id: string; number: number }) => {
  const queryClient = useQueryClient()
  const refresh = (answer: unknown) => {
    // The answer may be the ticket itself; whatever it is, the page reads the ticket again.
    const detail = answer as TicketDetail | undefined
    if (detail && typeof detail === 'object' && 'timeline' in detail) {
      queryClient.setQueryData(['tickets', 'detail', String(ticket.number)], detail)
      queryClient.setQueryData(['tickets', 'detail', ticket.id], detail)
    }
    void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail', String(ticket.number)] })
    void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail', ticket.id] })
    void queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] })
  }
  return {
    pause: useMutation({
      mutationFn: (input: PausePromisesInput) =>
        api<unknown>(`/tickets/${ticket.id}/promises/pause`, { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    resume: useMutation({
      mutationFn: () => api<unknown>(`/tickets/${ticket.id}/promises/resume`, { method: 'POST' }),
      onSuccess: refresh,
    }),
  }
}
