import { Button, Stack, Text } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { type LiveMessage, useLive } from '../../live/LiveProvider.tsx'
import { useSession } from '../../session.tsx'
import { escalationKeys } from './api.ts'
import { isEscalationMessage, notifiesMe, reasonLabel } from './escalation-format.ts'

/**
 * Listens to the desk's live messages for escalations: every one of them has the escalations read
 * again (and the board also when response targets change); the person a new or overdue escalation
 * is meant for gets a notification with a way to open the ticket. Renders nothing itself.
 */
export const EscalationNotifier = () => {
  const { t } = useTranslation()
  const { subscribe, status } = useLive()
  const { me } = useSession()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  // The notification's content is rendered outside the router: it calls these instead.
  const current = useRef({ t, navigate })
  current.current = { t, navigate }

  // After a gap in the connection, anything may have changed.
  const lastStatus = useRef(status)
  useEffect(() => {
    if (status === 'open' && lastStatus.current === 'lost')
      void queryClient.invalidateQueries({ queryKey: escalationKeys.all })
    lastStatus.current = status
  }, [status, queryClient])

  useEffect(() => {
    let boardTimer: ReturnType<typeof setTimeout> | undefined
    const refreshBoard = () => {
      if (boardTimer) return
      boardTimer = setTimeout(() => {
        boardTimer = undefined
        void queryClient.invalidateQueries({ queryKey: escalationKeys.board })
      }, 300)
    }
    const stop = subscribe((message: LiveMessage) => {
      if (message.type === 'ticket.promises_changed') refreshBoard()
      if (!isEscalationMessage(message.type)) return
      void queryClient.invalidateQueries({ queryKey: escalationKeys.all })
      if (!notifiesMe(message, me.id)) return
      const { t, navigate } = current.current
      const data = message.data as {
        escalationId: string
        reason: string
        ticketNumber: number
        subject: string
      }
      const id = `escalation-${data.escalationId}-${message.type}`
      const overdue = message.type === 'escalation.overdue'
      notifications.show({
        id,
        color: overdue ? 'red' : 'orange',
        autoClose: false,
        closeButtonProps: { 'aria-label': t('common.close') },
        title: overdue
          ? t('escalations.notify.overdueTitle', { number: data.ticketNumber })
          : t('escalations.notify.raisedTitle', { number: data.ticketNumber }),
        message: (
          <Stack gap={6} align="flex-start" data-testid="escalation-notification">
            <Text size="sm" fw={600} c="var(--mantine-color-text)" style={{ overflowWrap: 'anywhere' }}>
              {data.subject}
            </Text>
            <Text size="sm" c="var(--mantine-color-text)">
              {t('escalations.notify.reason', { reason: reasonLabel(data.reason, t) })}
            </Text>
            <Button
              size="compact-sm"
              variant="light"
              onClick={() => {
                notifications.hide(id)
                navigate(`/tickets/${data.ticketNumber}`)
              }}
            >
              {t('escalations.notify.open', { number: data.ticketNumber })}
            </Button>
          </Stack>
        ),
      })
    })
    return () => {
      stop()
      clearTimeout(boardTimer)
    }
  }, [subscribe, queryClient, me.id])
  return null
}
