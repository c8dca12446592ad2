import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

/**
 * Bringing in a supervisor (docs/service-standards.md): rules raise an escalation with its reason,
 * the team's supervisors hear of it at once, one of them joins within the join target, and an
 * escalation nobody joined in time goes on to the admins.
 */

/**
 * Why a ticket was escalated: a response target in warning or breached, strong complaint words in
 * a customer's message, the n-th transfer of the ticket, or an agent asking for help.
 */
export const EscalationReason = z.enum([
  'promise_warning',
  'promise_breached',
  'complaint',
  'transfers',
  'help_requested',
])
export type EscalationReason = z.infer<typeof EscalationReason>

/** waiting: no supervisor yet; joined: one took over or advised; resolved: the case is done. */
export const EscalationState = z.enum(['waiting', 'joined', 'resolved'])
export type EscalationState = z.infer<typeof EscalationState>

export const JoinMode = z.enum(['take_over', 'advise'])
export type JoinMode = z.infer<typeof JoinMode>

/** One reason raised on an escalation, with what made it (an escalation open gathers later ones). */
export const EscalationCause = z.object({
  reason: EscalationReason,
  at: Timestamp,
  /** The promise kinds in warning or breached. */
  promiseKinds: z.array(z.string()).optional(),
  /** The complaint words found in the customer's message. */
  words: z.array(z.string()).optional(),
  /** How often the ticket has been transferred. */
  transfers: z.number().int().optional(),
  /** The agent's note with "I need help". */
  note: z.string().optional(),
  byId: Id.nullable().optional(),
  byName: z.string().nullable().optional(),
})
export type EscalationCause = z.infer<typeof EscalationCause>

export const Escalation = z.object({
  id: Id,
  ticketId: Id,
  ticketNumber: z.number().int(),
  ticketSubject: z.string(),
  teamId: Id.nullable(),
  teamName: z.string().nullable(),
  state: EscalationState,
  /** The first reason; `causes` lists all of them in order. */
  reason: EscalationReason,
  causes: z.array(EscalationCause),
  raisedAt: Timestamp,
  /** Minutes since it was raised (until it was joined, then the minutes it waited). */
  waitedMinutes: z.number().int(),
  /** When a supervisor should have joined by (the join promise); null once joined. */
  joinDueAt: Timestamp.nullable(),
  /** Set when nobody joined in time and the admins were told. */
  overdueAt: Timestamp.nullable(),
  joinedAt: Timestamp.nullable(),
  joinedById: Id.nullable(),
  joinedByName: z.string().nullable(),
  joinMode: JoinMode.nullable(),
  resolvedAt: Timestamp.nullable(),
  /** Whether the staff member asking may join it (a supervisor of its team, or an admin). */
  canJoin: z.boolean(),
})
export type Escalation = z.infer<typeof Escalation>

/** "I need help": the agent says what they need (POST /tickets/:id/escalations). */
export const RequestHelpInput = z.strictObject({ note: z.string().trim().min(1).max(2000) })
export type RequestHelpInput = z.infer<typeof RequestHelpInput>

/** A supervisor joins: takes the ticket over (assigned to them) or advises with an internal note. */
export const JoinEscalationInput = z
  .strictObject({
    mode: JoinMode,
    note: z.string().trim().max(10_000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'advise' && !v.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'advice needs a note' })
  })
export type JoinEscalationInput = z.infer<typeof JoinEscalationInput>

/** A complaint word or phrase; a trailing `*` matches any ending ("kündig*": kündigen, Kündigung). */
export const ComplaintWord = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} '-]*\*?$/u, "letters, digits, spaces, - or ', and at most a * at the end")
export type ComplaintWord = z.infer<typeof ComplaintWord>

/** The escalation rules as admins edit them (GET and PUT /settings/escalations). */
export const EscalationSettings = z.strictObject({
  /** Minutes (business time in the team's calendar) within which a supervisor joins. */
  joinTargetMinutes: z.number().int().min(1).max(480),
  /** Escalate when a response target turns to warning. */
  onWarning: z.boolean(),
  /** Escalate when a response target is breached. */
  onBreach: z.boolean(),
  /** Escalate on this transfer of one ticket (3: the third); 0 turns the rule off. */
  transfersThreshold: z.number().int().min(0).max(20),
  /** Escalate when a customer's message holds a complaint word. */
  onComplaint: z.boolean(),
  /** Words added to the built-in German and English list. */
  extraComplaintWords: z.array(ComplaintWord).max(200),
  /** Built-in words not to use (a company whose customers "cancel" orders all day). */
  ignoredComplaintWords: z.array(ComplaintWord).max(200),
})
export type EscalationSettings = z.infer<typeof EscalationSettings>

/** The settings with the built-in list, as admins see them. */
export const EscalationSettingsView = EscalationSettings.extend({
  builtInComplaintWords: z.array(z.string()),
})
export type EscalationSettingsView = z.infer<typeof EscalationSettingsView>

export const ListEscalationsQuery = z.object({
  state: z.enum(['open', 'waiting', 'joined', 'resolved']).default('open'),
  teamId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export type ListEscalationsQuery = z.infer<typeof ListEscalationsQuery>

/** The supervisor board (GET /supervisor/board): what needs a supervisor now, for their teams. */
export const SupervisorBoard = z.object({
  generatedAt: Timestamp,
  /** Open escalations (waiting first, oldest first). */
  escalations: z.array(Escalation),
  /** Open tickets whose earliest promise is in warning or due within the next hour. */
  aboutToBreach: z.array(
    z.object({
      ticketId: Id,
      number: z.number().int(),
      subject: z.string(),
      teamName: z.string().nullable(),
      assigneeName: z.string().nullable(),
      promiseState: z.enum(['running', 'warning']),
      dueAt: Timestamp,
    }),
  ),
  /** Response targets breached since midnight (the desk's time zone), per team. */
  breachesToday: z.array(
    z.object({ teamId: Id.nullable(), teamName: z.string().nullable(), breaches: z.number() }),
  ),
  /**
   * Each agent's open tickets (of the teams): open, pending and breached add up to all of them
   * (a ticket with a missed target counts as breached only).
   */
  agentLoad: z.array(
    z.object({
      staffId: Id,
      name: z.string(),
      open: z.number().int(),
      pending: z.number().int(),
      breached: z.number().int(),
    }),
  ),
})
export type SupervisorBoard = z.infer<typeof SupervisorBoard>
