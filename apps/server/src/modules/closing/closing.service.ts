import type { ClosingAnswers, ClosingSettings, Language, TicketClosing } from '@tresen/contract'
import { ClosingSettings as SettingsSchema } from '@tresen/contract'
import { type Ctx, inTransaction, isAdmin, SYSTEM } from '../../platform/context.ts'
import { AppError } from '../../platform/errors.ts'
import { changedFields, recordAudit } from '../audit/index.ts'
import { addInteraction, eventOf, intake, updateTicket } from '../tickets/index.ts'
import { DEFAULT_SETTINGS, judgeAnswers, removedKeys } from './closing.checklist.ts'
import { customerConfirmed, customerNotSolved, followUpSent, NOT_SOLVED_REASON } from './closing.events.ts'
import { expiresAt, followUpUrl, hashToken, isTokenShaped, judgeLink, newToken } from './closing.links.ts'
import * as repo from './closing.repository.ts'
import { followUpMessage } from './closing.texts.ts'

const settingsOf = (row: repo.SettingsRow | undefined): ClosingSettings =>
  row
    ? {
        items: row.items,
        followUpDelayBusinessHours: row.followUpDelayBusinessHours,
        followUpLinkDays: row.followUpLinkDays,
        autoCloseDays: row.autoCloseDays,
      }
    : DEFAULT_SETTINGS

/** The closing settings in force (the defaults until an admin saves them). */
export const readClosingSettings = async (ctx: Pick<Ctx, 'db'>) => settingsOf(await repo.readSettings(ctx.db))

const adminOnly = (ctx: Ctx) => {
  if (!isAdmin(ctx.actor)) throw new AppError('auth.forbidden')
}

/** The settings as admins see them, retired items included. */
export const getClosingSettings = (ctx: Ctx) => {
  adminOnly(ctx)
  return readClosingSettings(ctx)
}

/** The checklist an agent answers before solving: the items still asked. */
export const getChecklist = async (ctx: Ctx) => ({
  items: (await readClosingSettings(ctx)).items.filter((i) => !i.retired),
})

/**
 * Replaces the closing settings (admins only), with an audit record of what changed. An item
 * that was on the checklist can only be retired, never removed.
 */
export const updateClosingSettings = (ctx: Ctx, input: ClosingSettings) =>
  inTransaction(ctx, async (ctx) => {
    adminOnly(ctx)
    const next = SettingsSchema.parse(input)
    const before = settingsOf(await repo.readSettings(ctx.db, { forUpdate: true }))
    const removed = removedKeys(before.items, next.items)
    if (removed.length > 0) {
      throw new AppError(
        'closing.item_removed',
        undefined,
        removed.map((key) => ({ pointer: '/body/items', detail: `${key}: retire it instead` })),
        { keys: removed.join(',') },
      )
    }
    await repo.saveSettings(ctx.db, {
      ...next,
      updatedAt: ctx.clock.now(),
      updatedById: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
    })
    const diff = changedFields(before, next, {
      fields: ['items', 'followUpDelayBusinessHours', 'followUpLinkDays', 'autoCloseDays'],
    })
    if (diff.after && Object.keys(diff.after).length > 0)
      await recordAudit(ctx, {
        action: 'closing.settings_updated',
        targetType: 'closing_settings',
        targetLabel: 'closing checklist',
        ...diff,
      })
    return next
  })

/**
 * The check every staff solve passes (wired into the tickets module at boot): the answers
 * against the checklist, refused with every missing or wrong item named by its pointer.
 */
export const checkClosing = async (ctx: Ctx, given: ClosingAnswers | undefined): Promise<TicketClosing> => {
  const settings = await readClosingSettings(ctx)
  const judged = judgeAnswers(settings.items, given)
  if (!judged.ok) {
    const missing = judged.missing.length > 0
    throw new AppError(
      missing ? 'ticket.close_checklist_missing' : 'ticket.close_checklist_invalid',
      undefined,
      [...judged.missing, ...judged.invalid].map(({ pointer, detail }) => ({ pointer, detail })),
      {
        ...(missing ? { missing: judged.missing.map((p) => p.key).join(',') } : {}),
        ...(judged.invalid.length > 0 ? { invalid: judged.invalid.map((p) => p.key).join(',') } : {}),
      },
    )
  }
  return {
    answers: judged.answers,
    answeredAt: ctx.clock.now().toISOString(),
    answeredById: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
    followUp: judged.followUp,
  }
}

/** Days a solved ticket stays solved before it closes (the quiet period). */
export const autoCloseDaysSetting = async (ctx: Pick<Ctx, 'db'>) =>
  (await readClosingSettings(ctx)).autoCloseDays

/**
 * How long after a solve that asks for a follow-up the follow-up is sent: business hours in the
 * ticket's team calendar (the promise engine counts them and then calls `sendFollowUp`).
 */
export const followUpDelay = async (ctx: Pick<Ctx, 'db'>) => ({
  businessHours: (await readClosingSettings(ctx)).followUpDelayBusinessHours,
})

export type FollowUpSent =
  | { sent: true; followUpId: string; interactionId: string }
  | { sent: false; reason: 'not_found' | 'not_solved' | 'not_requested' | 'already_sent' }

/**
 * Sends the customer the follow-up of the ticket's current solve: a message through the ticket's
 * channel, in the ticket's language, with a yes and a no link. Once per solve: a second call
 * (or one racing the first) sends nothing. Nothing is sent for a ticket no longer solved, or
 * one whose checklist answers did not ask for a follow-up.
 */
export const sendFollowUp = (base: Ctx, ticketId: string): Promise<FollowUpSent> =>
  inTransaction({ ...base, actor: SYSTEM }, async (ctx) => {
    const ticket = await intake.ticket(ctx, ticketId)
    if (!ticket || ticket.mergedIntoId) return { sent: false, reason: 'not_found' }
    if (ticket.status !== 'solved' || !ticket.solvedAt) return { sent: false, reason: 'not_solved' }
    if (!ticket.closing?.followUp) return { sent: false, reason: 'not_requested' }
    if (!ctx.publicUrl) throw new Error('sendFollowUp needs ctx.publicUrl (TRESEN_PUBLIC_URL) for its links')
    const settings = await readClosingSettings(ctx)
    const now = ctx.clock.now()
    const token = newToken()
    const language: Language = ticket.language
    const claimed = await repo.claimFollowUp(ctx.db, {
      ticketId,
      solvedAt: ticket.solvedAt,
      tokenHash: hashToken(token),
      language,
      sentAt: now,
      expiresAt: expiresAt(now, settings.followUpLinkDays),
    })
    if (!claimed) return { sent: false, reason: 'already_sent' }
    const message = followUpMessage(
      language,
      ticket,
      { yes: followUpUrl(ctx.publicUrl, token, 'yes'), no: followUpUrl(ctx.publicUrl, token, 'no') },
      settings.followUpLinkDays,
    )
    const { interactionId } = await addInteraction(ctx, ticketId, {
      kind: 'reply',
      text: message.text,
      html: message.html,
    })
    await repo.setInteraction(ctx.db, claimed.id, interactionId)
    await intake.recordEvent(
      ctx,
      eventOf(ctx, followUpSent, ticketId, {
        linksExpire: { from: null, to: claimed.expiresAt.toISOString() },
      }),
    )
    return { sent: true, followUpId: claimed.id, interactionId }
  })

/** Only tickets the public link's page may name: the number and language, nothing else. */
export type FollowUpView =
  | { state: 'valid' | 'used' | 'expired'; language: Language; number: number }
  | { state: 'unknown' }

const lookUp = async (ctx: Ctx, token: string, forUpdate: boolean) =>
  isTokenShaped(token) ? await repo.findByTokenHash(ctx.db, hashToken(token), { forUpdate }) : undefined

/** What a link shows when it is opened (GET): never records anything, so a link scanner changes nothing. */
export const viewFollowUp = async (base: Ctx, token: string): Promise<FollowUpView> => {
  const ctx = { ...base, actor: SYSTEM }
  const row = await lookUp(ctx, token, false)
  const state = judgeLink(row, ctx.clock.now())
  if (state === 'unknown' || !row) return { state: 'unknown' }
  const ticket = await intake.ticket(ctx, row.ticketId)
  return { state, language: row.language, number: ticket?.number ?? 0 }
}

/**
 * The customer's answer (POST), once per link while it works: yes records the confirmation,
 * no reopens the ticket (reason "customer says not solved"); both are events on the timeline.
 */
export const answerFollowUp = (base: Ctx, token: string, answer: 'yes' | 'no') =>
  inTransaction(
    { ...base, actor: SYSTEM },
    async (
      ctx,
    ): Promise<
      FollowUpView | { state: 'recorded'; language: Language; number: number; answer: 'yes' | 'no' }
    > => {
      const row = await lookUp(ctx, token, true)
      const now = ctx.clock.now()
      const state = judgeLink(row, now)
      if (state === 'unknown' || !row) return { state: 'unknown' }
      const ticket = await intake.ticket(ctx, row.ticketId)
      const number = ticket?.number ?? 0
      if (state !== 'valid' || !ticket)
        return { state: state === 'valid' ? 'unknown' : state, language: row.language, number }
      await repo.recordAnswer(ctx.db, row.id, answer, now)
      if (answer === 'yes') {
        await intake.recordEvent(
          ctx,
          eventOf(ctx, customerConfirmed, ticket.id, { confirmed: { from: null, to: true } }),
        )
      } else {
        await intake.recordEvent(
          ctx,
          eventOf(
            ctx,
            customerNotSolved,
            ticket.id,
            { confirmed: { from: null, to: false } },
            NOT_SOLVED_REASON,
          ),
        )
        if (ticket.status === 'solved' || ticket.status === 'closed')
          await updateTicket(ctx, ticket.id, { status: 'open', reason: NOT_SOLVED_REASON })
      }
      return { state: 'recorded', language: row.language, number, answer }
    },
  )
