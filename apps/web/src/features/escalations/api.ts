import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  Escalation,
  EscalationCause,
  EscalationReason,
  EscalationSettings,
  EscalationSettingsView,
  JoinEscalationInput,
  JoinMode,
  ListEscalationsQuery,
  RequestHelpInput,
  SupervisorBoard,
} from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'

export type {
  Escalation,
  EscalationCause,
  EscalationReason,
  EscalationSettings,
  EscalationSettingsView,
  JoinMode,
  SupervisorBoard,
}
export type ListEscalationsFilter = {
  state?: ListEscalationsQuery['state']
  teamId?: string
  limit?: number
}

/** Every escalation query lives under `escalations`: one invalidation refreshes them all. */
export const escalationKeys = {
  all: ['escalations'] as const,
  ticket: (ticketId: string) => ['escalations', 'ticket', ticketId] as const,
  list: (filter: ListEscalationsFilter) => ['escalations', 'list', filter] as const,
  board: ['escalations', 'board'] as const,
  settings: ['escalations', 'settings'] as const,
}

/** A ticket's escalations, newest first. */
export const useTicketEscalations = (ticketId: string | undefined) =>
  useQuery({
    queryKey: escalationKeys.ticket(ticketId ?? ''),
    queryFn: ({ signal }) => api<Escalation[]>(`/tickets/${ticketId}/escalations`, { signal }),
    enabled: !!ticketId,
    staleTime: 15_000,
  })

/** Escalations of the teams the person supervises (all of them for admins). */
export const useEscalations = (filter: ListEscalationsFilter = {}, enabled = true) =>
  useQuery({
    queryKey: escalationKeys.list(filter),
    queryFn: ({ signal }) =>
      api<{ items: Escalation[] }>('/escalations', {
        signal,
        query: { state: filter.state, teamId: filter.teamId, limit: filter.limit },
      }),
    select: (page) => page.items,
    enabled,
  })

/** What needs a supervisor now: open escalations, tickets about to breach, breaches, agents' load. */
export const useSupervisorBoard = (enabled = true) =>
  useQuery({
    queryKey: escalationKeys.board,
    queryFn: ({ signal }) => api<SupervisorBoard>('/supervisor/board', { signal }),
    enabled,
    staleTime: 10_000,
  })

export const useEscalationSettings = (enabled = true) =>
  useQuery({
    queryKey: escalationKeys.settings,
    queryFn: ({ signal }) => api<EscalationSettingsView>('/settings/escalations', { signal }),
    enabled,
  })

export const useSaveEscalationSettings = () => {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: EscalationSettings) =>
      api<EscalationSettingsView>('/settings/escalations', { method: 'PUT', body: input }),
    onSuccess: (view) => queryClient.setQueryData(escalationKeys.settings, view),
  })
}

/** After any change the escalations and the tickets they are on are read again. */
export const refreshAfterEscalation = (queryClient: QueryClient) => {
  void queryClient.invalidateQueries({ queryKey: escalationKeys.all })
  void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail'] })
  void queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] })
}

/** "I need help", joining (take over or advise) and resolving. */
export const useEscalationActions = () => {
  const queryClient = useQueryClient()
  const refresh = () => refreshAfterEscalation(queryClient)
  return {
    requestHelp: useMutation({
      mutationFn: ({ ticketId, input }: { ticketId: string; input: RequestHelpInput }) =>
        api<Escalation>(`/tickets/${ticketId}/escalations`, { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    join: useMutation({
      mutationFn: ({ id, input }: { id: string; input: z.input<typeof JoinEscalationInput> }) =>
        api<Escalation>(`/escalations/${id}/join`, { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    resolve: useMutation({
      mutationFn: (id: string) => api<Escalation>(`/escalations/${id}/resolve`, { method: 'POST' }),
      onSuccess: refresh,
    }),
  }
}
