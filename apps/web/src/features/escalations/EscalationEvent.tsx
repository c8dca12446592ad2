import { Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { TicketEvent } from '../../api/types.ts'
import { reasonLabel } from './escalation-format.ts'

/** The timeline event types of escalations, shown by EscalationChanges instead of the generic diff. */
export const ESCALATION_EVENTS = new Set([
  'escalation.raised',
  'escalation.joined',
  'escalation.overdue',
  'escalation.resolved',
])

/**
 * What an escalation event says beyond its name: the reason raised (with the agent's note or the
 * complaint words as the event's reason), how the supervisor joined, how many admins were told.
 */
export const EscalationChanges = ({ entry }: { entry: TicketEvent }) => {
  const { t } = useTranslation()
  const to = (field: string) => entry.changes[field]?.to
  let line = ''
  if (entry.type === 'escalation.raised' && typeof to('reason') === 'string')
    line = reasonLabel(to('reason') as string, t)
  else if (entry.type === 'escalation.joined')
    line =
      to('joinMode') === 'advise'
        ? t('escalations.timeline.advise')
        : to('joinMode') === 'take_over'
          ? t('escalations.timeline.takeOver')
          : ''
  else if (entry.type === 'escalation.overdue' && typeof to('notified') === 'number')
    line = t('escalations.timeline.notified', { count: to('notified') as number })
  return (
    <>
      {line && (
        <Text size="xs" data-testid="escalation-event-detail">
          {line}
        </Text>
      )}
      {entry.reason && (
        <Text
          size="xs"
          fs="italic"
          style={{ overflowWrap: 'anywhere' }}
          data-testid="escalation-event-reason"
        >
          {t('timeline.quoted', { text: entry.reason })}
        </Text>
      )}
    </>
  )
}
