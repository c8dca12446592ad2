import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type * as c from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'
import { useStoreTicket } from '../../api/queries.ts'
import type { TicketDetail } from '../../api/types.ts'
import type { ClosingAnswers } from '../closing/api.ts'

export type Macro = z.infer<typeof c.Macro>
export type MacroAction = z.input<typeof c.MacroAction>
export type CreateMacroInput = z.input<typeof c.CreateMacroInput>
export type UpdateMacroInput = z.input<typeof c.UpdateMacroInput>

export const macroKeys = {
  all: ['macros'] as const,
  list: (manage: boolean, archived: boolean) => ['macros', 'list', manage, archived] as const,
}

/** The macros the signed-in person sees (`manage`: those they may change). */
export const useMacros = (opts: { manage?: boolean; archived?: boolean } = {}) =>
  useQuery({
    queryKey: macroKeys.list(Boolean(opts.manage), Boolean(opts.archived)),
    queryFn: ({ signal }) =>
      api<Macro[]>('/macros', {
        query: { manage: opts.manage || undefined, archived: opts.archived || undefined },
        signal,
      }),
  })

export const useApplyMacro = (ticketId: string) => {
  const store = useStoreTicket()
  return useMutation({
    mutationFn: ({ macroId, closing }: { macroId: string; closing?: ClosingAnswers }) =>
      api<TicketDetail>(`/macros/${macroId}/apply`, {
        method: 'POST',
        body: { ticket: ticketId, ...(closing ? { closing } : {}) },
      }),
    onSuccess: store,
  })
}

export const useMacroMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: macroKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateMacroInput) => api<Macro>('/macros', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateMacroInput }) =>
        api<Macro>(`/macros/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
  }
}
