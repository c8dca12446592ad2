import type { ClosingAnswer, ClosingAnswers, ClosingItem, ClosingSettings } from '@tresen/contract'

/**
 * The closing checklist as pure rules: the defaults, and what a set of answers makes of the
 * items asked (every problem at once, each with its pointer).
 */

export const DEFAULT_ITEMS: ClosingItem[] = [
  {
    key: 'askedAnythingElse',
    kind: 'check',
    label: {
      de: 'Gefragt, ob es noch etwas gibt',
      en: 'Asked whether there is anything else',
    },
    options: [],
    required: true,
    retired: false,
  },
  {
    key: 'resolution',
    kind: 'choice',
    label: {
      de: 'Kunde hat die Lösung bestätigt, oder eine Nachfrage ist geplant',
      en: 'The customer confirmed the solution, or a follow-up is scheduled',
    },
    options: [
      {
        value: 'confirmed',
        label: { de: 'Kunde hat bestätigt', en: 'Customer confirmed' },
        followUp: false,
      },
      {
        value: 'follow_up',
        label: { de: 'Nachfrage beim Kunden planen', en: 'Schedule a follow-up' },
        followUp: true,
      },
    ],
    required: true,
    retired: false,
  },
]

/** Two business days of eight hours. */
export const DEFAULT_FOLLOW_UP_DELAY_BUSINESS_HOURS = 16
export const DEFAULT_FOLLOW_UP_LINK_DAYS = 14
export const DEFAULT_AUTO_CLOSE_DAYS = 7

export const DEFAULT_SETTINGS: ClosingSettings = {
  items: DEFAULT_ITEMS,
  followUpDelayBusinessHours: DEFAULT_FOLLOW_UP_DELAY_BUSINESS_HOURS,
  followUpLinkDays: DEFAULT_FOLLOW_UP_LINK_DAYS,
  autoCloseDays: DEFAULT_AUTO_CLOSE_DAYS,
}

export type AnswerProblem = { pointer: string; detail: string; key: string }

export type JudgedAnswers =
  | { ok: true; answers: ClosingAnswer[]; followUp: boolean }
  | { ok: false; missing: AnswerProblem[]; invalid: AnswerProblem[] }

/**
 * Judges the answers given with a solve against the items asked (not retired). A required check
 * must be ticked (`true`); a required choice answered with one of its options. Keys never on the
 * checklist and wrong values are problems too; an optional item may be left out.
 */
export const judgeAnswers = (
  items: readonly ClosingItem[],
  given: ClosingAnswers | undefined,
): JudgedAnswers => {
  const asked = items.filter((i) => !i.retired)
  const answers = given ?? {}
  const missing: AnswerProblem[] = []
  const invalid: AnswerProblem[] = []
  const out: ClosingAnswer[] = []
  let followUp = false
  const pointer = (key: string) => `/body/closing/${key}`
  for (const item of asked) {
    const value = answers[item.key]
    if (value === undefined || value === false || value === '') {
      if (item.required)
        missing.push({ key: item.key, pointer: pointer(item.key), detail: 'required to solve' })
      continue
    }
    if (item.kind === 'check') {
      if (value !== true) {
        invalid.push({ key: item.key, pointer: pointer(item.key), detail: 'must be true' })
        continue
      }
      out.push({ key: item.key, label: item.label, answer: true, answerLabel: null })
      continue
    }
    const option = typeof value === 'string' ? item.options.find((o) => o.value === value) : undefined
    if (!option) {
      invalid.push({
        key: item.key,
        pointer: pointer(item.key),
        detail: `one of: ${item.options.map((o) => o.value).join(', ')}`,
      })
      continue
    }
    if (option.followUp) followUp = true
    out.push({ key: item.key, label: item.label, answer: option.value, answerLabel: option.label })
  }
  // An answer to a retired item (a page opened before it was retired) is ignored, not refused.
  const known = new Set(items.map((i) => i.key))
  for (const key of Object.keys(answers))
    if (!known.has(key)) invalid.push({ key, pointer: pointer(key), detail: 'not on the checklist' })
  if (missing.length > 0 || invalid.length > 0) return { ok: false, missing, invalid }
  return { ok: true, answers: out, followUp }
}

/**
 * An admin's new settings against the stored ones: an item once on the checklist cannot be
 * removed, only retired, so its key never means something else on older tickets.
 */
export const removedKeys = (before: readonly ClosingItem[], after: readonly ClosingItem[]) => {
  const kept = new Set(after.map((i) => i.key))
  return before.filter((i) => !kept.has(i.key)).map((i) => i.key)
}
