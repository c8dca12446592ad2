import { z } from 'zod'
import { Id, Timestamp } from './common.ts'

export const Team = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  members: z.array(z.object({ id: Id, name: z.string(), role: z.enum(['member', 'supervisor']) })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Team = z.infer<typeof Team>

export const CreateTeamInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).default(''),
})
export const UpdateTeamInput = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(2000).optional(),
})
