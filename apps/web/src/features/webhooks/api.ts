import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type * as c from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'

export type Webhook = z.infer<typeof c.Webhook>
export type WebhookWithSecret = z.infer<typeof c.WebhookWithSecret>
export type WebhookDelivery = z.infer<typeof c.WebhookDelivery>
export type WebhookEventOption = z.infer<typeof c.WebhookEventOption>
export type CreateWebhookInput = z.input<typeof c.CreateWebhookInput>
export type UpdateWebhookInput = z.input<typeof c.UpdateWebhookInput>
type Page<T> = { items: T[]; nextCursor: string | null }

export const webhookKeys = {
  all: ['webhooks'] as const,
  list: ['webhooks', 'list'] as const,
  eventTypes: ['webhooks', 'event-types'] as const,
  deliveries: (id: string) => ['webhooks', 'deliveries', id] as const,
}

/** While a delivery is on its way, its state is asked for again every few seconds. */
const WHILE_PENDING_MS = 3000

export const useWebhooks = () =>
  useQuery({
    queryKey: webhookKeys.list,
    queryFn: ({ signal }) => api<Webhook[]>('/webhooks', { signal }),
    refetchInterval: (q) =>
      q.state.data?.some((w) => w.lastDelivery?.status === 'pending') ? WHILE_PENDING_MS : false,
  })

export const useWebhookEventTypes = () =>
  useQuery({
    queryKey: webhookKeys.eventTypes,
    queryFn: ({ signal }) => api<WebhookEventOption[]>('/webhooks/event-types', { signal }),
    staleTime: Number.POSITIVE_INFINITY,
  })

export const useWebhookDeliveries = (id: string) =>
  useInfiniteQuery({
    queryKey: webhookKeys.deliveries(id),
    queryFn: ({ pageParam, signal }) =>
      api<Page<WebhookDelivery>>(`/webhooks/${id}/deliveries`, {
        query: { limit: 20, cursor: pageParam ?? undefined },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((d) => d.status === 'pending')) ? WHILE_PENDING_MS : false,
  })

export const useWebhookMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: webhookKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateWebhookInput) =>
        api<WebhookWithSecret>('/webhooks', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateWebhookInput }) =>
        api<Webhook>(`/webhooks/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<null>(`/webhooks/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
    rotate: useMutation({
      mutationFn: (id: string) => api<WebhookWithSecret>(`/webhooks/${id}/rotate-secret`, { method: 'POST' }),
      onSuccess: refresh,
    }),
    ping: useMutation({
      mutationFn: (id: string) => api<WebhookDelivery>(`/webhooks/${id}/ping`, { method: 'POST' }),
      onSuccess: refresh,
    }),
    resend: useMutation({
      mutationFn: ({ id, deliveryId }: { id: string; deliveryId: string }) =>
        api<WebhookDelivery>(`/webhooks/${id}/deliveries/${deliveryId}/resend`, { method: 'POST' }),
      onSuccess: refresh,
    }),
  }
}
