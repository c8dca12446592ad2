import type { SlaConditions, SlaTarget, SlaTargets } from './promises.tables.ts'

/** The promise kinds of response-target policies. */
export const SLA_KINDS = {
  firstResponse: 'sla.first_response',
  nextResponse: 'sla.next_response',
  periodicUpdate: 'sla.periodic_update',
  resolution: 'sla.resolution',
} as const satisfies Record<keyof SlaTargets, string>
export type SlaKind = (typeof SLA_KINDS)[keyof typeof SLA_KINDS]
export const isSlaKind = (kind: string): kind is SlaKind =>
  (Object.values(SLA_KINDS) as string[]).includes(kind)
export const targetKeyOf = (kind: SlaKind) =>
  (Object.keys(SLA_KINDS) as (keyof SlaTargets)[]).find((k) => SLA_KINDS[k] === kind)!

export type PolicyLike = {
  id: string
  position: number
  active: boolean
  conditions: SlaConditions
  targets: SlaTargets
  warnAt: number
}

/** What a policy is matched against. */
export type TicketFacts = {
  channel: string
  priority: string
  teamId: string | null
  organizationId: string | null
  tags: readonly string[]
}

const listMatches = (list: readonly string[] | undefined, value: string | null) =>
  !list || list.length === 0 || (value !== null && list.includes(value))

/** Whether a policy's conditions hold for a ticket: each list given must contain the ticket's value. */
export const policyMatches = (c: SlaConditions, t: TicketFacts) =>
  listMatches(c.channels, t.channel) &&
  listMatches(c.priorities, t.priority) &&
  listMatches(c.teamIds, t.teamId) &&
  listMatches(c.organizationIds, t.organizationId) &&
  (!c.tags || c.tags.length === 0 || c.tags.some((tag) => t.tags.includes(tag)))

/** The first active policy (by position) whose conditions hold, or null. */
export const matchPolicy = <P extends PolicyLike>(policies: readonly P[], t: TicketFacts): P | null =>
  [...policies]
    .filter((p) => p.active)
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id))
    .find((p) => policyMatches(p.conditions, t)) ?? null

export const targetMs = (t: SlaTarget) => t.minutes * 60_000

/** What happened to the ticket, as far as its response targets care. */
export type SlaHappening =
  | { type: 'created' }
  | { type: 'customer_message' }
  | { type: 'public_reply' }
  | { type: 'status'; from: string | null; to: string }
  | { type: 'facts_changed' }

/** An open promise of a ticket, as the plan sees it. */
export type OpenSla = {
  id: string
  kind: SlaKind
  policyId: string | null
  targetMs: number
  paused: boolean
  pauseReason: string | null
}

/** What to do, in order. */
export type SlaStep =
  | { do: 'start'; kind: SlaKind; target: SlaTarget; from: 'now' | 'created' }
  | { do: 'meet'; id: string }
  | { do: 'cancel'; id: string }
  | { do: 'pause'; id: string; reason: 'pending' }
  | { do: 'resume'; id: string }
  | { do: 'retarget'; id: string; target: SlaTarget; policyId: string }

const OPEN_STATUSES = new Set(['new', 'open', 'pending', 'on_hold'])

/**
 * The response-target rules, pure: given what happened, the policy that applies now and the
 * ticket's open promises, the steps that keep them true.
 *
 * - First response: runs from the ticket's creation when a customer opened it; met by the first
 *   public reply. Next response: runs from each customer message after that, met by the reply.
 * - Periodic update: runs while the ticket is open, from creation and again from every public
 *   reply (each reply meets the running one). Resolution: from creation until solved.
 * - Pending (waiting on the customer) pauses every clock; any other open status resumes them.
 *   Solved meets the resolution and ends the others; closed or merged cancels what is open.
 * - Another policy or target (priority, team, tags, …): running clocks take the new target and
 *   keep the time used; targets the new policy lacks are cancelled, new ones start.
 */
export const slaPlan = (input: {
  happening: SlaHappening
  status: string
  policy: PolicyLike | null
  open: readonly OpenSla[]
  /** Whether the ticket had a public reply before this happening. */
  repliedBefore: boolean
  /** Whether the ticket was opened by a customer (its first message is theirs). */
  openedByCustomer: boolean
}): SlaStep[] => {
  const { happening: h, policy, open } = input
  const steps: SlaStep[] = []
  const targets = policy?.targets ?? {}
  const openOf = (kind: SlaKind) => open.filter((p) => p.kind === kind)
  const startIfMissing = (key: keyof SlaTargets, from: 'now' | 'created') => {
    const target = targets[key]
    if (target && openOf(SLA_KINDS[key]).length === 0)
      steps.push({ do: 'start', kind: SLA_KINDS[key], target, from })
  }

  if (!OPEN_STATUSES.has(input.status)) {
    for (const p of open) {
      const met = input.status === 'solved' && p.kind === SLA_KINDS.resolution
      steps.push(met ? { do: 'meet', id: p.id } : { do: 'cancel', id: p.id })
    }
    return steps
  }

  // The policy (or its targets) changed: move open clocks to it.
  for (const p of open) {
    const key = targetKeyOf(p.kind)
    const target = targets[key]
    if (!policy || !target) steps.push({ do: 'cancel', id: p.id })
    else if (p.policyId !== policy.id || p.targetMs !== targetMs(target))
      steps.push({ do: 'retarget', id: p.id, target, policyId: policy.id })
  }
  const kept = open.filter((p) => policy && targets[targetKeyOf(p.kind)])
  const keptOf = (kind: SlaKind) => kept.filter((p) => p.kind === kind)

  switch (h.type) {
    case 'created':
      if (input.openedByCustomer && !input.repliedBefore) startIfMissing('firstResponse', 'created')
      startIfMissing('periodicUpdate', 'created')
      startIfMissing('resolution', 'created')
      break
    case 'customer_message':
      if (!input.repliedBefore) {
        if (keptOf(SLA_KINDS.firstResponse).length === 0 && !input.openedByCustomer)
          startIfMissing('firstResponse', 'now')
      } else if (keptOf(SLA_KINDS.nextResponse).length === 0) startIfMissing('nextResponse', 'now')
      break
    case 'public_reply': {
      for (const p of [...keptOf(SLA_KINDS.firstResponse), ...keptOf(SLA_KINDS.nextResponse)])
        steps.push({ do: 'meet', id: p.id })
      const periodic = keptOf(SLA_KINDS.periodicUpdate)
      for (const p of periodic) steps.push({ do: 'meet', id: p.id })
      if (targets.periodicUpdate)
        steps.push({
          do: 'start',
          kind: SLA_KINDS.periodicUpdate,
          target: targets.periodicUpdate,
          from: 'now',
        })
      break
    }
    case 'facts_changed':
      // Targets the new policy has and the ticket lacks start now (first response only if no reply yet).
      if (input.openedByCustomer && !input.repliedBefore) startIfMissing('firstResponse', 'created')
      startIfMissing('periodicUpdate', 'now')
      startIfMissing('resolution', 'created')
      break
    case 'status':
      if (h.from !== null && !OPEN_STATUSES.has(h.from)) {
        // Reopened: the resolution runs again, from now.
        startIfMissing('resolution', 'now')
        startIfMissing('periodicUpdate', 'now')
      }
      break
  }

  // Pending pauses every clock; another open status resumes what pending paused.
  for (const p of kept) {
    if (input.status === 'pending' && !p.paused) steps.push({ do: 'pause', id: p.id, reason: 'pending' })
    if (input.status !== 'pending' && p.paused && p.pauseReason === 'pending')
      steps.push({ do: 'resume', id: p.id })
  }
  return steps
}
