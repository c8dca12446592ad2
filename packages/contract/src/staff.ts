import { z } from 'zod'
import { Id, Language, StaffRole, Timestamp } from './common.ts'

export const TeamMembership = z.object({ teamId: Id, role: z.enum(['member', 'supervisor']) })

/** A user's team memberships; each team at most once. */
export const TeamMemberships = z
  .array(TeamMembership)
  .max(100)
  .refine((list) => new Set(list.map((m) => m.teamId)).size === list.length, {
    message: 'Each team may be listed only once.',
  })

export const StaffUser = z.object({
  id: Id,
  name: z.string(),
  email: z.string(),
  role: StaffRole,
  language: Language,
  active: z.boolean(),
  teams: z.array(z.object({ id: Id, name: z.string(), role: z.enum(['member', 'supervisor']) })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type StaffUser = z.infer<typeof StaffUser>

export const CreateStaffInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  role: StaffRole.default('agent'),
  language: Language.default('de'),
  /** At least 12 characters; when omitted, one is generated and returned once. */
  password: z.string().min(12).max(256).optional(),
  teams: TeamMemberships.default([]),
})
export type CreateStaffInput = z.infer<typeof CreateStaffInput>

export const UpdateStaffInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  email: z.email().max(320).optional(),
  role: StaffRole.optional(),
  language: Language.optional(),
  active: z.boolean().optional(),
  password: z.string().min(12).max(256).optional(),
  teams: TeamMemberships.optional(),
})
export type UpdateStaffInput = z.infer<typeof UpdateStaffInput>

export const CreatedStaffUser = StaffUser.extend({ generatedPassword: z.string().optional() })
export type CreatedStaffUser = z.infer<typeof CreatedStaffUser>

export const UpdateProfileInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  language: Language.optional(),
  /** Escalations meant for this person also by email. */
  escalationEmails: z.boolean().optional(),
})
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>

/** Query of `GET /users`: active users by default; `includeInactive=true` is for admins. */
export const ListStaffQuery = z.object({
  includeInactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  teamId: Id.optional(),
})
export type ListStaffQuery = z.infer<typeof ListStaffQuery>
