import {
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import type { SavedView } from '../lib/views.ts'
import { ApiError, api } from './client.ts'
import type {
  AddInteractionInput,
  ApiToken,
  AssignTicketInput,
  CreatedApiToken,
  CreatedStaffUser,
  CreateStaffInput,
  CreateTeamInput,
  Customer,
  CustomerQuery,
  MergeTicketInput,
  Organization,
  Page,
  StaffUser,
  Team,
  Ticket,
  TicketDetail,
  TicketQuery,
  UpdateStaffInput,
  UpdateTeamInput,
  UpdateTicketInput,
} from './types.ts'

type Query = Record<string, string | number | boolean | string[] | undefined | null>

export const keys = {
  tickets: ['tickets'] as const,
  ticketList: (query: TicketQuery) => ['tickets', 'list', query] as const,
  ticket: (ref: string | number) => ['tickets', 'detail', String(ref)] as const,
  customers: ['customers'] as const,
  customer: (id: string) => ['customers', 'detail', id] as const,
  organization: (id: string) => ['organizations', id] as const,
  teams: ['teams'] as const,
  users: ['users'] as const,
  tokens: ['me', 'tokens'] as const,
  views: ['me', 'views'] as const,
}

const ticketListQuery = (query: TicketQuery) => ({
  queryKey: keys.ticketList(query),
  queryFn: ({ pageParam, signal }: { pageParam: string | null; signal: AbortSignal }) =>
    api<Page<Ticket>>('/tickets', {
      query: { ...(query as Query), cursor: pageParam ?? undefined },
      signal,
    }),
  initialPageParam: null as string | null,
  getNextPageParam: (last: Page<Ticket>) => last.nextCursor,
})

export const useTicketList = (query: TicketQuery, enabled = true) =>
  useInfiniteQuery({ ...ticketListQuery(query), placeholderData: keepPreviousData, enabled })

/**
 * Opening the desk on the "Mine" view: its list, the teams and the saved views are asked for
 * together with the session instead of after it. Without a session they fail quietly.
 */
export const prefetchDeskStart = (queryClient: QueryClient, mine: TicketQuery) => {
  void queryClient.prefetchInfiniteQuery(ticketListQuery(mine))
  void queryClient.prefetchQuery({ queryKey: keys.teams, queryFn: () => api<Team[]>('/teams') })
  void queryClient.prefetchQuery({ queryKey: keys.views, queryFn: () => api<SavedView[]>('/me/views') })
}

const ticketQuery = (ref: string | number) => ({
  queryKey: keys.ticket(ref),
  queryFn: ({ signal }: { signal: AbortSignal }) => api<TicketDetail>(`/tickets/${ref}`, { signal }),
})

export const useTicket = (ref: string | number | undefined) =>
  useQuery({ ...ticketQuery(ref ?? ''), enabled: ref !== undefined && ref !== '' })

/** Loads a ticket before it is opened (the row under the pointer or the keyboard cursor). */
export const usePrefetchTicket = () => {
  const queryClient = useQueryClient()
  return (ref: string | number) => void queryClient.prefetchQuery({ ...ticketQuery(ref), staleTime: 10_000 })
}

/** The ticket as a list already showed it, while its detail loads. */
export const useListedTicket = (ref: string | undefined): Ticket | undefined => {
  const queryClient = useQueryClient()
  if (!ref) return undefined
  for (const [, data] of queryClient.getQueriesData<{ pages: Page<Ticket>[] }>({
    queryKey: ['tickets', 'list'],
  })) {
    for (const page of data?.pages ?? []) {
      const found = page.items.find((x) => String(x.number) === ref)
      if (found) return found
    }
  }
  return undefined
}

/** Puts a changed ticket into the cache at once (by id and number) and refreshes the lists. */
export const useStoreTicket = () => {
  const queryClient = useQueryClient()
  return (detail: TicketDetail) => {
    queryClient.setQueryData(keys.ticket(detail.number), detail)
    queryClient.setQueryData(keys.ticket(detail.id), detail)
    void queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] })
  }
}

export const useTicketMutations = (ref: string | number) => {
  const store = useStoreTicket()
  const update = useMutation({
    mutationFn: (input: UpdateTicketInput) =>
      api<TicketDetail>(`/tickets/${ref}`, { method: 'PATCH', body: input }),
    onSuccess: store,
  })
  const queryClient = useQueryClient()
  const assign = useMutation({
    mutationFn: (input: AssignTicketInput) =>
      api<TicketDetail>(`/tickets/${ref}/assign`, { method: 'POST', body: input }),
    onSuccess: store,
    // Taken by someone else meanwhile: show who has it now.
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409)
        void queryClient.invalidateQueries({ queryKey: keys.ticket(ref) })
    },
  })
  const addInteraction = useMutation({
    mutationFn: ({ input, files }: { input: AddInteractionInput; files: File[] }) => {
      if (files.length === 0) {
        return api<TicketDetail>(`/tickets/${ref}/interactions`, { method: 'POST', body: input })
      }
      const form = new FormData()
      form.set('kind', input.kind)
      form.set('text', input.text ?? '')
      if (input.html) form.set('html', input.html)
      if (input.status) form.set('status', input.status)
      if (input.closing) form.set('closing', JSON.stringify(input.closing))
      for (const file of files) form.append('files', file, file.name)
      return api<TicketDetail>(`/tickets/${ref}/interactions/upload`, { method: 'POST', body: form })
    },
    onSuccess: store,
  })
  const merge = useMutation({
    mutationFn: (input: MergeTicketInput) =>
      api<TicketDetail>(`/tickets/${ref}/merge`, { method: 'POST', body: input }),
    onSuccess: store,
  })
  return { update, assign, addInteraction, merge }
}

export const useCustomers = (query: CustomerQuery, enabled = true) =>
  useQuery({
    queryKey: [...keys.customers, 'list', query],
    queryFn: ({ signal }) => api<Page<Customer>>('/customers', { query: query as Query, signal }),
    placeholderData: keepPreviousData,
    enabled,
  })

export const useCustomer = (id: string | undefined) =>
  useQuery({
    queryKey: keys.customer(id ?? ''),
    queryFn: ({ signal }) => api<Customer>(`/customers/${id}`, { signal }),
    enabled: !!id,
  })

export const useOrganization = (id: string | undefined) =>
  useQuery({
    queryKey: keys.organization(id ?? ''),
    queryFn: ({ signal }) => api<Organization>(`/organizations/${id}`, { signal }),
    enabled: !!id,
  })

export const useOrganizationCustomers = (id: string | undefined) =>
  useQuery({
    queryKey: [...keys.organization(id ?? ''), 'customers'],
    queryFn: ({ signal }) =>
      api<Page<Customer>>(`/organizations/${id}/customers`, { query: { limit: 100 }, signal }),
    enabled: !!id,
  })

export const useTeams = () =>
  useQuery({
    queryKey: keys.teams,
    queryFn: ({ signal }) => api<Team[]>('/teams', { signal }),
    staleTime: 60_000,
  })

export const useUsers = (includeInactive = false, enabled = true) =>
  useQuery({
    enabled,
    queryKey: [...keys.users, { includeInactive }],
    queryFn: ({ signal }) =>
      api<StaffUser[]>('/users', {
        query: { includeInactive: includeInactive ? 'true' : undefined },
        signal,
      }),
    staleTime: 60_000,
  })

export const useAdminMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.users })
    void queryClient.invalidateQueries({ queryKey: keys.teams })
  }
  return {
    createUser: useMutation({
      mutationFn: (input: CreateStaffInput) =>
        api<CreatedStaffUser>('/users', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    updateUser: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateStaffInput }) =>
        api<StaffUser>(`/users/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    createTeam: useMutation({
      mutationFn: (input: CreateTeamInput) => api<Team>('/teams', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    updateTeam: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateTeamInput }) =>
        api<Team>(`/teams/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    archiveTeam: useMutation({
      mutationFn: (id: string) => api<null>(`/teams/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
  }
}

export const useTokens = () =>
  useQuery({ queryKey: keys.tokens, queryFn: ({ signal }) => api<ApiToken[]>('/me/tokens', { signal }) })

export const useTokenMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.tokens })
  return {
    create: useMutation({
      mutationFn: (name: string) => api<CreatedApiToken>('/me/tokens', { method: 'POST', body: { name } }),
      onSuccess: refresh,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => api<null>(`/me/tokens/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
  }
}

export const useSavedViews = () =>
  useQuery({
    queryKey: keys.views,
    queryFn: ({ signal }) => api<SavedView[]>('/me/views', { signal }),
    staleTime: 60_000,
  })

export const useSavedViewMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.views })
  return {
    create: useMutation({
      mutationFn: (input: { name: string; query: TicketQuery }) =>
        api<SavedView>('/me/views', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<null>(`/me/views/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
  }
}
