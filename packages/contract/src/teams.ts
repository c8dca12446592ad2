import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

export const TeamRole = z.enum(['member', 'supervisor'])
export type TeamRole = z.infer<typeof TeamRole>

export const Team = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  members: z.array(z.object({ id: Id, name: z.string(), role: TeamRole })),
  /** The business-hours calendar its response targets count in; null: the desk's default. */
  calendarId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Team = z.infer<typeof Team>

export const CreateTeamInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).default(''),
})
export type CreateTeamInput = z.infer<typeof CreateTeamInput>
export const UpdateTeamInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(2000).optional(),
  /** A calendar's id, or null for the desk's default calendar. */
  calendarId: Id.nullable().optional(),
})
export type UpdateTeamInput = z.infer<typeof UpdateTeamInput>

export const TeamMemberParams = z.object({ id: Id, staffId: Id })

/** Body of `PUT /teams/:id/members/:staffId`. */
export const SetTeamMemberInput = z.strictObject({ role: TeamRole })
export type SetTeamMemberInput = z.infer<typeof SetTeamMemberInput>
