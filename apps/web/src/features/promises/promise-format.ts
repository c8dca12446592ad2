import type { TFunction } from 'i18next'
import type { CSSProperties } from 'react'
import { duration } from '../../lib/format.ts'

/** The kinds the desk has its own words for; any other kind is shown by its raw name. */
const KIND_KEYS: Record<string, string> = {
  'sla.first_response': 'firstResponse',
  'sla.next_response': 'nextResponse',
  'sla.periodic_update': 'periodicUpdate',
  'sla.resolution': 'resolution',
  'escalation.join': 'escalationJoin',
}

/** The target keys of a policy, in the order the desk shows them, with their promise kinds. */
export const TARGET_KEYS = ['firstResponse', 'nextResponse', 'periodicUpdate', 'resolution'] as const
export type TargetKey = (typeof TARGET_KEYS)[number]

/** "Erste Antwort" / "First response"; an unknown kind keeps its own name. */
export const kindLabel = (kind: string, t: TFunction) => {
  const key = KIND_KEYS[kind]
  return key ? t(`promises.kind.${key}`) : kind
}

export const OPEN_STATES = ['running', 'paused', 'warning', 'breached'] as const
export type OpenState = (typeof OPEN_STATES)[number]
export const isOpen = (state: string): state is OpenState =>
  (OPEN_STATES as readonly string[]).includes(state)

/** Worst first: breached, warning, running, paused. */
const SEVERITY: Record<OpenState, number> = { breached: 0, warning: 1, running: 2, paused: 3 }

/** Open promises in the order an agent must look at them: the worst, then the soonest due. */
export const byUrgency = <P extends { state: string; dueAt: string | null }>(promises: readonly P[]) =>
  [...promises].sort((a, b) => {
    const s = (SEVERITY[a.state as OpenState] ?? 9) - (SEVERITY[b.state as OpenState] ?? 9)
    if (s !== 0) return s
    if (a.dueAt === b.dueAt) return 0
    if (a.dueAt === null) return 1
    if (b.dueAt === null) return -1
    return a.dueAt < b.dueAt ? -1 : 1
  })

/** When a promise is due, seen from `now`: still ahead, about now (within a minute), or late. */
export const dueParts = (dueAt: string, now: number): { when: 'ahead' | 'now' | 'late'; ms: number } => {
  const ms = new Date(dueAt).getTime() - now
  if (Math.abs(ms) < 60_000) return { when: 'now', ms: 0 }
  return ms > 0 ? { when: 'ahead', ms } : { when: 'late', ms: -ms }
}

/** "in 2 Std. 10 Min." / "in 2 hr 10 min", "due now", "2 hr 10 min late". */
export const dueText = (dueAt: string, now: number, lang: string, t: TFunction) => {
  const { when, ms } = dueParts(dueAt, now)
  if (when === 'now') return t('promises.dueNow')
  const d = duration(ms, lang)
  return when === 'ahead' ? t('promises.dueIn', { duration: d }) : t('promises.lateBy', { duration: d })
}

/** The desk's own pause (a ticket waiting on the customer) has a code; a manual one has text. */
export const PENDING_PAUSE = 'pending'

export const pauseReasonText = (reason: string | null | undefined, t: TFunction) =>
  reason === PENDING_PAUSE ? t('promises.pausedPending') : (reason ?? '')

/** Whether an agent paused it by hand (so an agent may resume it). */
export const isManualPause = (p: { state: string; pauseReason: string | null }) =>
  p.state === 'paused' && p.pauseReason !== PENDING_PAUSE

/** A target in minutes as the form shows it: whole hours in hours, anything else in minutes. */
export const targetToForm = (minutes: number): { value: number; unit: 'minutes' | 'hours' } =>
  minutes >= 60 && minutes % 60 === 0
    ? { value: minutes / 60, unit: 'hours' }
    : { value: minutes, unit: 'minutes' }

export const formToMinutes = (value: number, unit: 'minutes' | 'hours') =>
  Math.round(unit === 'hours' ? value * 60 : value)

/**
 * Mantine's error red (red.6) is 3.3:1 on white; inside the forms of this feature errors use red.9
 * (5.5:1). Set on a form, it applies to every field in it.
 */
export const readableErrors = { '--mantine-color-error': 'var(--mantine-color-red-9)' } as CSSProperties
