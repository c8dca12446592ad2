import type { TFunction } from 'i18next'
import { kindLabel } from '../promises/promise-format.ts'
import type { Escalation, EscalationCause } from './api.ts'

/** The reasons the desk has its own words for (escalations.reason.*). */
export const REASONS = [
  'promise_warning',
  'promise_breached',
  'complaint',
  'transfers',
  'help_requested',
] as const

/** "Antwortziel bald fällig" / "Response target due soon"; an unknown reason keeps its own name. */
export const reasonLabel = (reason: string, t: TFunction) =>
  (REASONS as readonly string[]).includes(reason) ? t(`escalations.reason.${reason}`) : reason

/**
 * What made one cause, in words: the promises in trouble, the complaint words found, the number
 * of transfers or the agent's note. Empty when the cause carries nothing beyond its reason.
 */
export const causeDetail = (cause: EscalationCause, t: TFunction) => {
  const parts: string[] = []
  if (cause.promiseKinds?.length) parts.push(cause.promiseKinds.map((k) => kindLabel(k, t)).join(', '))
  if (cause.words?.length)
    parts.push(
      t('escalations.cause.words', {
        words: cause.words.map((w) => t('timeline.quoted', { text: w })).join(', '),
      }),
    )
  if (cause.transfers !== undefined) parts.push(t('escalations.cause.transfers', { count: cause.transfers }))
  if (cause.note) parts.push(t('timeline.quoted', { text: cause.note }))
  return parts.join(' · ')
}

/** How long it has waited: still counting while nobody joined, the time it waited once joined. */
export const waitedMs = (e: Pick<Escalation, 'state' | 'raisedAt' | 'waitedMinutes'>, now: number) =>
  e.state === 'waiting'
    ? Math.max(e.waitedMinutes * 60_000, now - new Date(e.raisedAt).getTime())
    : e.waitedMinutes * 60_000

/** Nobody joined in time: the admins were told, or the join target has passed. */
export const isOverdue = (e: Pick<Escalation, 'state' | 'joinDueAt' | 'overdueAt'>, now: number): boolean =>
  e.state === 'waiting' &&
  (e.overdueAt !== null || (e.joinDueAt !== null && new Date(e.joinDueAt).getTime() <= now))

/** The ticket's escalation still open (waiting or joined), if any; the list comes newest first. */
export const openEscalation = <E extends Pick<Escalation, 'state'>>(list: readonly E[] | undefined) =>
  list?.find((e) => e.state !== 'resolved')

/** The board's escalations in its two groups, keeping the server's order (oldest first). */
export const splitOpen = <E extends Pick<Escalation, 'state'>>(list: readonly E[]) => ({
  waiting: list.filter((e) => e.state === 'waiting'),
  joined: list.filter((e) => e.state === 'joined'),
})

/** The live messages of escalations, and those a person is meant to hear about themselves. */
export const ESCALATION_MESSAGES = [
  'escalation.raised',
  'escalation.joined',
  'escalation.overdue',
  'escalation.resolved',
] as const

export const isEscalationMessage = (type: string) => (ESCALATION_MESSAGES as readonly string[]).includes(type)

export const notifiesMe = (
  message: { type: string; data?: Record<string, unknown> },
  staffId: string,
): boolean =>
  (message.type === 'escalation.raised' || message.type === 'escalation.overdue') &&
  Array.isArray(message.data?.notify) &&
  message.data.notify.includes(staffId)
