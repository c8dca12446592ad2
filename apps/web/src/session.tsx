import { useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from 'react'
import { api, onUnauthorized, setCsrfToken } from './api/client.ts'
import { remember, SESSION_KEY, sessionQuery } from './api/session-query.ts'
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

export { SESSION_KEY }

/** The session from the cookie, or null when not signed in (the server answers 204). */
export const useSessionQuery = () => useQuery(sessionQuery)

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
