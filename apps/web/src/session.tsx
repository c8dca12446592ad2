import { useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from 'react'
import { ApiError, api, onUnauthorized, setCsrfToken } from './api/client.ts'
import type { Me, SessionInfo } from './api/types.ts'
import { setLanguage } from './i18n/index.ts'

type Session = {
  me: Me
  signOut: () => Promise<void>
  /** Supervisors of any team and admins. */
  isSupervisor: boolean
  isAdmin: boolean
  /** Supervises this team (or is an admin). */
  supervises: (teamId: string) => boolean
}

const SessionContext = createContext<Session | undefined>(undefined)

export const SESSION_KEY = ['session'] as const

/**
 * Whether this browser was signed in when last seen: the desk's first lists are fetched together
 * with the session only then, so the sign-in page asks for nothing it may not see. A hint, never
 * a permission: the server decides on every request.
 */
const SIGNED_IN_HINT = 'tresen.signed-in'
const remember = (signedIn: boolean) => {
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
export const useSessionQuery = () =>
  useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
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
  })

export const applySession = (info: SessionInfo) => {
  remember(true)
  setCsrfToken(info.csrfToken)
  void setLanguage(info.user.language)
}

export const SessionProvider = ({ info, children }: { info: SessionInfo; children: ReactNode }) => {
  const queryClient = useQueryClient()
  useEffect(() => applySession(info), [info])
  useEffect(() => {
    const stop = onUnauthorized(() => {
      remember(false)
      queryClient.setQueryData(SESSION_KEY, null)
    })
    return () => {
      stop()
    }
  }, [queryClient])
  const signOut = useCallback(async () => {
    try {
      await api('/auth/sign-out', { method: 'POST' })
    } finally {
      remember(false)
      setCsrfToken('')
      queryClient.clear()
      queryClient.setQueryData(SESSION_KEY, null)
    }
  }, [queryClient])
  const value = useMemo<Session>(() => {
    const me = info.user
    const isAdmin = me.role === 'admin'
    const supervised = new Set(me.teams.filter((t) => t.role === 'supervisor').map((t) => t.id))
    return {
      me,
      signOut,
      isAdmin,
      isSupervisor: isAdmin || me.role === 'supervisor' || supervised.size > 0,
      supervises: (teamId) => isAdmin || supervised.has(teamId),
    }
  }, [info, signOut])
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

export const useSession = () => {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession outside SessionProvider')
  return session
}
