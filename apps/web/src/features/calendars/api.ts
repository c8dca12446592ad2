import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type * as c from '@tresen/contract'
import type { z } from 'zod'
import { api } from '../../api/client.ts'

export type Calendar = z.infer<typeof c.Calendar>
export type CalendarPreview = z.infer<typeof c.CalendarPreview>
export type CalendarRegions = z.infer<typeof c.CalendarRegions>
export type CreateCalendarInput = z.input<typeof c.CreateCalendarInput>
export type UpdateCalendarInput = z.input<typeof c.UpdateCalendarInput>

export const calendarKeys = {
  all: ['calendars'] as const,
  list: ['calendars', 'list'] as const,
  preview: (id: string, lang: string) => ['calendars', 'preview', id, lang] as const,
  regions: (country: string, lang: string) => ['calendar-regions', country, lang] as const,
}

export const useCalendars = () =>
  useQuery({
    queryKey: calendarKeys.list,
    queryFn: ({ signal }) => api<Calendar[]>('/calendars', { signal }),
  })

/** 14 days of a calendar from `from` (empty: today), holidays named in the UI language. */
export const useCalendarPreview = (id: string | null, lang: string, from: string) =>
  useQuery({
    queryKey: [...calendarKeys.preview(id ?? '', lang), from],
    queryFn: ({ signal }) =>
      api<CalendarPreview>(`/calendars/${id}/preview`, {
        query: { days: 14, from: from || undefined },
        signal,
      }),
    enabled: Boolean(id),
  })

export const useCalendarRegions = (country: string, lang: string) =>
  useQuery({
    queryKey: calendarKeys.regions(country, lang),
    queryFn: ({ signal }) => api<CalendarRegions>('/calendars/regions', { query: { country }, signal }),
    staleTime: Number.POSITIVE_INFINITY,
  })

export const useCalendarMutations = () => {
  const queryClient = useQueryClient()
  const refresh = () => void queryClient.invalidateQueries({ queryKey: calendarKeys.all })
  return {
    create: useMutation({
      mutationFn: (input: CreateCalendarInput) =>
        api<Calendar>('/calendars', { method: 'POST', body: input }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, input }: { id: string; input: UpdateCalendarInput }) =>
        api<Calendar>(`/calendars/${id}`, { method: 'PATCH', body: input }),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<null>(`/calendars/${id}`, { method: 'DELETE' }),
      onSuccess: refresh,
    }),
  }
}
