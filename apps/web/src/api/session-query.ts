import { ApiError, api } from './client.ts'
import type { SessionInfo } from './types.ts'

export const SESSION_KEY = ['session'] as const

/**
 * Whether this browser was signed in when last seen: the desk's first lists are fetched together
 * with the session only then, so the sign-in page asks for nothing it may not see. A hint, never
 * a permission: the server decides on every request.
 */
const SIGNED_IN_HINT = 'tresen.signed-in'
export const remember = (signedIn: boolean) => {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_HINT, '1')
    else localStorage.removeItem(SIGNED_IN_HINT)
  } catch {
    // Storage may be unavailable (private mode); the hint is only an optimization.
  }
}
export const probablySignedIn = () => {
  try {
    return localStorage.getItem(SIGNED_IN_HINT) === '1'
  } catch {
    return false
  }
}

/** The session from the cookie, or null when not signed in (the server answers 204). */
export const sessionQuery = {
  queryKey: SESSION_KEY,
  queryFn: async (): Promise<SessionInfo | null> => {
    try {
      const info = (await api<SessionInfo | undefined>('/auth/session')) ?? null
      remember(info !== null)
      return info
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        remember(false)
        return null
      }
      throw err
    }
  },
  staleTime: Number.POSITIVE_INFINITY,
  retry: 1,
}
