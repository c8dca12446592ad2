// Types of the API, derived from the server's own zod schemas (type-only: no schema code ships).
import type * as c from '@tresen/contract'
import type { z } from 'zod'

export type Me = z.infer<typeof c.Me>
export type SessionInfo = z.infer<typeof c.SessionInfo>
export type Ticket = z.infer<typeof c.Ticket>
export type TicketDetail = z.infer<typeof c.TicketDetail>
export type TimelineEntry = z.infer<typeof c.TimelineEntry>
export type Interaction = z.infer<typeof c.Interaction>
export type TicketEvent = z.infer<typeof c.TicketEvent>
export type TicketStatus = z.infer<typeof c.TicketStatus>
export type TicketPriority = z.infer<typeof c.TicketPriority>
export type Channel = z.infer<typeof c.Channel>
export type TicketQuery = z.input<typeof c.TicketQuery>
export type UpdateTicketInput = z.input<typeof c.UpdateTicketInput>
export type AssignTicketInput = z.input<typeof c.AssignTicketInput>
export type AddInteractionInput = z.input<typeof c.AddInteractionInput>
export type MergeTicketInput = z.input<typeof c.MergeTicketInput>
export type Customer = z.infer<typeof c.Customer>
export type CustomerQuery = z.input<typeof c.CustomerQuery>
export type Organization = z.infer<typeof c.Organization>
export type Team = z.infer<typeof c.Team>
export type StaffUser = z.infer<typeof c.StaffUser>
export type CreatedStaffUser = z.infer<typeof c.CreatedStaffUser>
export type CreateStaffInput = z.input<typeof c.CreateStaffInput>
export type UpdateStaffInput = z.input<typeof c.UpdateStaffInput>
export type CreateTeamInput = z.input<typeof c.CreateTeamInput>
export type UpdateTeamInput = z.input<typeof c.UpdateTeamInput>
export type ApiToken = z.infer<typeof c.ApiToken>
export type CreatedApiToken = z.infer<typeof c.CreatedApiToken>
export type Language = z.infer<typeof c.Language>
export type StaffRole = z.infer<typeof c.StaffRole>
export type ChannelDataView = z.infer<typeof c.ChannelDataView>
export type EmailDelivery = z.infer<typeof c.EmailDelivery>
export type EmailChannel = z.infer<typeof c.EmailChannel>
export type CreateEmailChannelInput = z.input<typeof c.CreateEmailChannelInput>
export type UpdateEmailChannelInput = z.input<typeof c.UpdateEmailChannelInput>
export type ImapSettingsInput = z.input<typeof c.ImapSettingsInput>
export type SmtpSettingsInput = z.input<typeof c.SmtpSettingsInput>
export type MailSecurity = z.infer<typeof c.MailSecurity>
export type ConnectionCheck = z.infer<typeof c.ConnectionCheck>
export type InboundMessage = z.infer<typeof c.InboundMessage>
export type InboundStatus = z.infer<typeof c.InboundStatus>
export type MessageRetryOutcome = { status: string; ticketNumber: number | null; reason: string | null }

/** A page of a list; a search says whether it found exact matches or only similarly spelt ones. */
export type Page<T> = { items: T[]; nextCursor: string | null; match?: 'exact' | 'similar' }

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const
export const OPEN_STATUSES = ['new', 'open', 'pending', 'on_hold'] as const
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
export const INBOUND_STATUSES = ['failed', 'imported', 'ignored', 'dismissed'] as const
