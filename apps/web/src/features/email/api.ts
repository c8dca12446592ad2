import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../api/client.ts'
import type {
  ConnectionCheck,
  CreateEmailChannelInput,
  EmailChannel,
  InboundMessage,
  InboundStatus,
  MessageRetryOutcome,
  Page,
  UpdateEmailChannelInput,
} from '../../api/types.ts'

export const emailKeys = {
  all: ['email'] as const,
  channels: ['email', 'channels'] as const,
  messages: (query: MessageFilter) => ['email', 'messages', query] as const,
}

export type MessageFilter = { channelId?: string; status?: InboundStatus }

export const useEmailChannels = () =>
  useQuery({
    queryKey: emailKeys.channels,
    queryFn: ({ signal }) => api<EmailChannel[]>('/email/channels', { signal }),
  })

export const useEmailMessages = (filter: MessageFilter) =>
  useInfiniteQuery({
    queryKey: emailKeys.messages(filter),
    queryFn: ({ pageParam, signal }) =>
      api<Page<InboundMessage>>('/email/messages', {
        query: { ...filter, limit: 50, cursor: pageParam ?? undefined },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  })

/** Raw message as received, served by the API as a download. */
export const rawMessageUrl = (id: string) => `/api/v1/email/messages/${id}/raw`

export const useEmailMutations = () => {
  const queryClient = useQueryClient()
  // A message's fate changes the channel's problem count, and the other way round.
  const refresh = () => void queryClient.invalidateQueries({ queryKey: emailKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateEmailChannelInput) =>
        api<EmailChannel>('/email/channels', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateEmailChannelInput }) =>
        api<EmailChannel>(`/email/channels/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    check: useMutation({
      mutationFn: (id: string) => api<ConnectionCheck>(`/email/channels/${id}/check`, { method: 'POST' }),
      onSettled: refresh,
    }),
    retry: useMutation({
      mutationFn: (id: string) => api<MessageRetryOutcome>(`/email/messages/${id}/retry`, { method: 'POST' }),
      onSettled: refresh,
    }),
    dismiss: useMutation({
      mutationFn: (id: string) => api<null>(`/email/messages/${id}/dismiss`, { method: 'POST' }),
      onSettled: refresh,
    }),
  }
}
