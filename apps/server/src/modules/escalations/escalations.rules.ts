import type { Ctx } from '../../platform/context.ts'
import type { DomainEvent, InTransactionSubscriber } from '../../platform/domain-events.ts'
import { definePromiseKind } from '../promises/index.ts'
import { intake } from '../tickets/index.ts'
import * as repo from './escalations.repository.ts'
import {
  complaintWordsOf,
  escalateToAdmins,
  escalationSettingsCache,
  JOIN_KIND,
  raiseEscalation,
  readEscalationSettings,
  resolveOfTicket,
} from './escalations.service.ts'
import { ownText } from './escalations.words.ts'

type Changes = Record<string, { from: unknown; to: unknown }>

/** A response target turned to warning or was breached: its kinds (promises to the customer only). */
const promiseRule = async (ctx: Ctx, event: DomainEvent, to: 'warning' | 'breached') => {
  const settings = await readEscalationSettings(ctx.db)
  if (to === 'warning' ? !settings.onWarning : !settings.onBreach) return
  const kinds = Object.entries(event.data as Changes)
    .filter(([kind, c]) => kind.startsWith('sla.') && c.to === to)
    .map(([kind]) => kind)
  if (kinds.length === 0) return
  const ticket = await intake.ticket(ctx, event.ticketId)
  if (!ticket) return
  await raiseEscalation(ctx, ticket, {
    reason: to === 'warning' ? 'promise_warning' : 'promise_breached',
    promiseKinds: kinds,
  })
}

/** A customer's own message (not an automatic one) with complaint words in what they wrote. */
const complaintRule = async (ctx: Ctx, event: DomainEvent) => {
  const data = event.data as { interactionId: string; direction: string; automated: boolean }
  if (data.direction !== 'inbound' || data.automated) return
  const settings = await readEscalationSettings(ctx.db)
  if (!settings.onComplaint) return
  const message = await intake.contact(ctx, data.interactionId)
  if (!message) return
  const words = complaintWordsOf(settings)(ownText(message.bodyText))
  if (words.length === 0) return
  const ticket = await intake.ticket(ctx, event.ticketId)
  if (!ticket) return
  await raiseEscalation(ctx, ticket, { reason: 'complaint', words })
}

/**
 * The n-th transfer of one ticket (3 by default): passed around that often, it needs someone who
 * decides. Not while an escalation is open (a supervisor taking it over is a transfer too).
 */
const transferRule = async (ctx: Ctx, event: DomainEvent) => {
  const settings = await readEscalationSettings(ctx.db)
  if (settings.transfersThreshold === 0) return
  if (await repo.openOfTicket(ctx.db, event.ticketId)) return
  const transfers = await repo.transferCount(ctx.db, event.ticketId)
  if (transfers !== settings.transfersThreshold) return
  const ticket = await intake.ticket(ctx, event.ticketId)
  if (!ticket) return
  await raiseEscalation(ctx, ticket, { reason: 'transfers', transfers })
}

const DONE = new Set(['solved', 'closed'])

/**
 * The rules that bring in a supervisor, in the transaction of what triggers them: a target in
 * warning or breached, a complaint, the n-th transfer. A ticket solved, closed or merged away
 * resolves its open escalation.
 */
export const escalationRules: { when: 'in_transaction' } & InTransactionSubscriber = {
  when: 'in_transaction',
  name: 'escalations.rules',
  kinds: [
    'promise.warning',
    'promise.breached',
    'interaction.added',
    'ticket.transferred',
    'ticket.status_changed',
    'ticket.merged_into',
  ],
  wants: (kind) => {
    const s = escalationSettingsCache.value()
    if (!s) return true
    if (kind === 'interaction.added') return s.onComplaint
    if (kind === 'promise.warning') return s.onWarning
    if (kind === 'promise.breached') return s.onBreach
    if (kind === 'ticket.transferred') return s.transfersThreshold > 0
    return true
  },
  handle: async (ctx, event) => {
    switch (event.kind) {
      case 'promise.warning':
        return promiseRule(ctx, event, 'warning')
      case 'promise.breached':
        return promiseRule(ctx, event, 'breached')
      case 'interaction.added':
        return complaintRule(ctx, event)
      case 'ticket.transferred':
        return transferRule(ctx, event)
      case 'ticket.status_changed': {
        const to = (event.data as Changes).status?.to
        if (typeof to === 'string' && DONE.has(to)) await resolveOfTicket(ctx, event.ticketId)
        return
      }
      case 'ticket.merged_into':
        return resolveOfTicket(ctx, event.ticketId)
    }
  },
}

/** A supervisor should join within the target; when nobody has, the admins are told (once). */
export const joinPromiseKind = definePromiseKind({
  kind: JOIN_KIND,
  internal: true,
  onDue: (ctx, promise) => escalateToAdmins(ctx, promise.ticketId),
})
