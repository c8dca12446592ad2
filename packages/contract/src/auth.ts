import { z } from 'zod'
import { Id, Language, StaffRole, Timestamp } from './common.ts'

export const SignInInput = z.object({
  email: z.email().max(320),
  password: z.string().min(1).max(256),
})
export type SignInInput = z.infer<typeof SignInInput>

export const Me = z.object({
  id: Id,
  name: z.string(),
  email: z.string(),
  role: StaffRole,
  language: Language,
  teams: z.array(z.object({ id: Id, name: z.string(), role: z.enum(['member', 'supervisor']) })),
})
export type Me = z.infer<typeof Me>

export const SessionInfo = z.object({
  user: Me,
  /** Send as `x-csrf-token` with every changing request made with the session cookie. */
  csrfToken: z.string(),
})
export type SessionInfo = z.infer<typeof SessionInfo>

export const ChangePasswordInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(12).max(256),
})

export const CreateTokenInput = z.object({ name: z.string().trim().min(1).max(100) })
export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
})
export const CreatedApiToken = ApiToken.extend({ token: z.string() })
