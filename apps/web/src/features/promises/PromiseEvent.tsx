import { Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import type { TicketEvent } from '../../api/types.ts'
import { kindLabel, PENDING_PAUSE, pauseReasonText } from './promise-format.ts'

/** The timeline event types of promises, shown by PromiseChanges instead of the generic diff. */
export const PROMISE_EVENTS = new Set([
  'promise.warning',
  'promise.breached',
  'promise.paused',
  'promise.resumed',
])

const stateText = (state: unknown, t: (k: string, o?: Record<string, unknown>) => string) =>
  typeof state === 'string' ? t(`promises.state.${state}`, { defaultValue: state }) : '–'

/**
 * What a promise event changed: each promise by its name, from which state to which
 * ("Erste Antwort: läuft → bald fällig"), and why a pause was made (the generic reason line is not shown for these).
 */
export const PromiseChanges = ({ entry }: { entry: TicketEvent }) => {
  const { t } = useTranslation()
  const lines = Object.entries(entry.changes).map(([kind, change]) =>
    t('promises.timeline.change', {
      kind: kindLabel(kind, t),
      from: stateText(change.from, t),
      to: stateText(change.to, t),
    }),
  )
  return (
    <>
      {lines.length > 0 && (
        <Text size="xs" data-testid="promise-event-changes">
          {lines.join(' · ')}
        </Text>
      )}
      {entry.reason && (
        <Text size="xs" fs="italic" data-testid="promise-event-reason">
          {entry.reason === PENDING_PAUSE
            ? pauseReasonText(entry.reason, t)
            : t('timeline.quoted', { text: entry.reason })}
        </Text>
      )}
    </>
  )
}
