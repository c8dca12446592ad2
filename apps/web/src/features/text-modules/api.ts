import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type * as c from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'

export type TextModule = z.infer<typeof c.TextModule>
export type RenderedTextModule = z.infer<typeof c.RenderedTextModule>
export type CreateTextModuleInput = z.input<typeof c.CreateTextModuleInput>
export type UpdateTextModuleInput = z.input<typeof c.UpdateTextModuleInput>
export type TextModuleScope = z.infer<typeof c.TextModuleScope>

export const textModuleKeys = {
  all: ['text-modules'] as const,
  list: (q: string, archived = false) => ['text-modules', 'list', q, archived] as const,
}

/** Modules matching what was typed after `::` (shortcut start or title), best match first. */
export const searchTextModules = (q: string, signal?: AbortSignal, limit = 8) =>
  api<TextModule[]>('/text-modules', { query: { q, limit }, signal })

export const useTextModules = (q = '', archived = false) =>
  useQuery({
    queryKey: textModuleKeys.list(q, archived),
    queryFn: ({ signal }) =>
      api<TextModule[]>('/text-modules', {
        query: { q, limit: 200, archived: archived || undefined },
        signal,
      }),
    placeholderData: keepPreviousData,
  })

/** Fills a module in for the ticket (the server counts the use). */
export const renderTextModule = (id: string, ticketId: string) =>
  api<RenderedTextModule>(`/text-modules/${id}/render`, { method: 'POST', body: { ticket: ticketId } })

export const useTextModuleMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: textModuleKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateTextModuleInput) =>
        api<TextModule>('/text-modules', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateTextModuleInput }) =>
        api<TextModule>(`/text-modules/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
  }
}
