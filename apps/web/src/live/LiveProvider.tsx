import { useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react'

export type LiveStatus = 'connecting' | 'open' | 'lost'

/** A message from `/api/v1/live`: a desk event, or another agent's presence on a ticket. */
export type LiveMessage = {
  type: string
  ticketId?: string
  at: string
  data?: Record<string, unknown>
}

export type PresenceState = 'viewing' | 'typing' | 'left'
export type Presence = { staff: { id: string; name: string }; state: PresenceState; until: number }

type Live = {
  status: LiveStatus
  /** Tells the others who may see the ticket that this agent views it or types in it. */
  sendPresence: (ticketId: string, state: PresenceState) => void
  /** Others on a ticket now (never this browser tab itself). */
  usePresence: (ticketId: string | undefined) => Presence[]
  subscribe: (fn: (message: LiveMessage) => void) => () => void
}

const LiveContext = createContext<Live | undefined>(undefined)

/** How long a presence counts without being repeated; clients repeat it every PRESENCE_REPEAT_MS. */
const PRESENCE_TTL_MS = 45_000
export const PRESENCE_REPEAT_MS = 20_000
const MAX_BACKOFF_MS = 15_000

const liveUrl = () => {
  const url = new URL('/api/v1/live', window.location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.toString()
}

export const LiveProvider = ({ children }: { children: ReactNode }) => {
  const queryClient = useQueryClient()
  const [status, setStatus] = useState<LiveStatus>('connecting')
  const socketRef = useRef<WebSocket | undefined>(undefined)
  const listeners = useRef(new Set<(m: LiveMessage) => void>())
  // ticketId -> staffId -> presence
  const [presence, setPresence] = useState<Map<string, Map<string, Presence>>>(new Map())
  const presenceRef = useRef(presence)
  presenceRef.current = presence
  // What this tab itself says, per ticket: sent again after a reconnect and to newcomers.
  const mine = useRef(new Map<string, PresenceState>())
  const wasOpen = useRef(false)

  useEffect(() => {
    let stopped = false
    let attempt = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let invalidateTimer: ReturnType<typeof setTimeout> | undefined

    // Bursts of events (a bulk change) refresh the lists once.
    const refreshLists = () => {
      if (invalidateTimer) return
      invalidateTimer = setTimeout(() => {
        invalidateTimer = undefined
        void queryClient.invalidateQueries({ queryKey: ['tickets', 'list'] })
      }, 150)
    }

    const onMessage = (message: LiveMessage) => {
      if (message.type === 'presence' && message.ticketId && message.data) {
        const staff = message.data.staff as { id: string; name: string }
        const state = message.data.state as PresenceState
        // Someone new on a ticket this tab is on: tell them at once, not only at the next repeat.
        const own = mine.current.get(message.ticketId)
        const known = presenceRef.current.get(message.ticketId)?.has(staff.id)
        if (own && state !== 'left' && !known) {
          socketRef.current?.send(
            JSON.stringify({ type: 'presence', ticketId: message.ticketId, state: own }),
          )
        }
        setPresence((old) => {
          const next = new Map(old)
          const forTicket = new Map(next.get(message.ticketId!) ?? [])
          if (state === 'left') forTicket.delete(staff.id)
          else forTicket.set(staff.id, { staff, state, until: Date.now() + PRESENCE_TTL_MS })
          next.set(message.ticketId!, forTicket)
          return next
        })
      } else if (message.ticketId) {
        refreshLists()
        void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail', message.ticketId] })
        const number = message.data?.number
        if (number !== undefined) {
          void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail', String(number)] })
        } else {
          void queryClient.invalidateQueries({ queryKey: ['tickets', 'detail'] })
        }
      }
      for (const fn of listeners.current) fn(message)
    }

    const connect = () => {
      if (stopped) return
      setStatus((s) => (s === 'open' ? 'lost' : s))
      const socket = new WebSocket(liveUrl())
      socketRef.current = socket
      socket.onopen = () => {
        attempt = 0
        setStatus('open')
        for (const [ticketId, state] of mine.current) {
          socket.send(JSON.stringify({ type: 'presence', ticketId, state }))
        }
        // After a gap, anything may have changed.
        if (wasOpen.current) void queryClient.invalidateQueries({ queryKey: ['tickets'] })
        wasOpen.current = true
      }
      socket.onmessage = (ev) => {
        try {
          onMessage(JSON.parse(String(ev.data)) as LiveMessage)
        } catch {
          // not ours: ignore
        }
      }
      socket.onclose = (ev) => {
        if (socketRef.current === socket) socketRef.current = undefined
        if (stopped) return
        if (ev.code === 4401) {
          // The session ended: the next request returns to the sign-in page.
          void queryClient.invalidateQueries({ queryKey: ['session'] })
        }
        setStatus('lost')
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5)
        attempt++
        timer = setTimeout(connect, delay)
      }
    }
    connect()
    const reconnectNow = () => {
      if (!socketRef.current && !stopped) {
        clearTimeout(timer)
        attempt = 0
        connect()
      }
    }
    window.addEventListener('online', reconnectNow)
    const expiry = setInterval(() => {
      const now = Date.now()
      setPresence((old) => {
        let changed = false
        const next = new Map<string, Map<string, Presence>>()
        for (const [ticketId, byStaff] of old) {
          const kept = new Map([...byStaff].filter(([, p]) => p.until > now))
          if (kept.size !== byStaff.size) changed = true
          if (kept.size > 0) next.set(ticketId, kept)
        }
        return changed ? next : old
      })
    }, 5_000)
    return () => {
      stopped = true
      clearTimeout(timer)
      clearTimeout(invalidateTimer)
      clearInterval(expiry)
      window.removeEventListener('online', reconnectNow)
      socketRef.current?.close()
    }
  }, [queryClient])

  const sendPresence = useCallback((ticketId: string, state: PresenceState) => {
    if (state === 'left') mine.current.delete(ticketId)
    else mine.current.set(ticketId, state)
    const socket = socketRef.current
    if (socket?.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ type: 'presence', ticketId, state }))
  }, [])

  const subscribe = useCallback((fn: (m: LiveMessage) => void) => {
    listeners.current.add(fn)
    return () => {
      listeners.current.delete(fn)
    }
  }, [])

  const usePresenceImpl = (ticketId: string | undefined) =>
    ticketId ? [...(presence.get(ticketId)?.values() ?? [])] : []

  return (
    <LiveContext.Provider value={{ status, sendPresence, usePresence: usePresenceImpl, subscribe }}>
      {children}
    </LiveContext.Provider>
  )
}

export const useLive = () => {
  const live = useContext(LiveContext)
  if (!live) throw new Error('useLive outside LiveProvider')
  return live
}
