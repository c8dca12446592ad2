import { QueryClient } from '@tanstack/react-query'
import { ApiError } from './api/client.ts'
import { prefetchDeskStart } from './api/queries.ts'
import { probablySignedIn, sessionQuery } from './api/session-query.ts'
import { MINE_QUERY } from './lib/views.ts'

/**
 * The app's query cache, and the first requests of a page load. main.tsx imports this module
 * first, so the session (and, for a browser last seen signed in, the inbox's first lists) are
 * asked for before React, Mantine and the pages are evaluated, not after.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A missing or hidden record does not come back by asking again.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
})

void queryClient.prefetchQuery(sessionQuery)
if (probablySignedIn() && (window.location.pathname === '/' || window.location.pathname === '/inbox/mine')) {
  prefetchDeskStart(queryClient, MINE_QUERY)
}
