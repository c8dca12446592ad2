import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  CreateTicketFieldInput,
  FieldValue,
  TicketField,
  UpdateTicketFieldInput,
} from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'

export type { FieldValue, TicketField }
export type CreateFieldInput = z.input<typeof CreateTicketFieldInput>
export type UpdateFieldInput = z.input<typeof UpdateTicketFieldInput>

export const fieldKeys = {
  all: ['ticket-fields'] as const,
  list: (archived: boolean) => ['ticket-fields', { archived }] as const,
}

/** The ticket fields in their order; `archived` (admins) includes the archived ones. */
export const useTicketFields = (archived = false) =>
  useQuery({
    queryKey: fieldKeys.list(archived),
    queryFn: ({ signal }) =>
      api<TicketField[]>('/ticket-fields', { query: archived ? { archived: 'true' } : {}, signal }),
    staleTime: 60_000,
  })

export const useFieldMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: fieldKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateFieldInput) =>
        api<TicketField>('/ticket-fields', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateFieldInput }) =>
        api<TicketField>(`/ticket-fields/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    reorder: useMutation({
      mutationFn: (ids: string[]) =>
        api<TicketField[]>('/ticket-fields/order', { method: 'PUT', body: { ids } }),
      onSuccess: refresh,
    }),
  }
}
