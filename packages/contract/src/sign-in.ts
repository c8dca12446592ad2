import { z } from 'zod'
import { Id, StaffRole, Timestamp } from './common.ts'

/** What sign-in requires of one role. Admins can always sign in with their password. */
export const SignInPolicy = z.object({
  role: StaffRole,
  requireTwoFactor: z.boolean(),
  /** Password sign-in refused for this role (single sign-on only); not allowed for admins. */
  ssoOnly: z.boolean(),
})
export type SignInPolicy = z.infer<typeof SignInPolicy>

export const SignInPolicies = z.object({ policies: z.array(SignInPolicy) })
export type SignInPolicies = z.infer<typeof SignInPolicies>

export const UpdateSignInPolicies = z.object({
  policies: z
    .array(SignInPolicy)
    .min(1)
    .max(3)
    .refine((list) => new Set(list.map((p) => p.role)).size === list.length, 'each role once')
    .refine((list) => !list.some((p) => p.role === 'admin' && p.ssoOnly), 'admins keep password sign-in'),
})
export type UpdateSignInPolicies = z.infer<typeof UpdateSignInPolicies>

export const GroupMapping = z.object({
  group: z.string().trim().min(1).max(256),
  teamIds: z.array(Id).max(50).default([]),
  role: StaffRole.nullable().default(null),
})
export type GroupMapping = z.infer<typeof GroupMapping>

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine((u) => !u.includes('?') && !u.includes('#'), 'no query or fragment')

const providerFields = {
  name: z.string().trim().min(1).max(100),
  /** The issuer; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: httpUrl,
  clientId: z.string().trim().min(1).max(500),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/))
    .max(20)
    .default(['openid', 'email', 'profile']),
  emailDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a domain such as example.com'),
    )
    .max(50)
    .default([]),
  groupsClaim: z.string().trim().min(1).max(100).default('groups'),
  groupMappings: z.array(GroupMapping).max(200).default([]),
  jitEnabled: z.boolean().default(false),
  defaultRole: StaffRole.default('agent'),
  trustEmails: z.boolean().default(false),
  enabled: z.boolean().default(true),
}

export const CreateSsoProvider = z.object({
  ...providerFields,
  clientSecret: z.string().min(1).max(2000).optional(),
})
export type CreateSsoProvider = z.input<typeof CreateSsoProvider>

/** Every field optional; `clientSecret: null` removes the secret, absent keeps it. */
export const UpdateSsoProvider = z.object({
  name: providerFields.name.optional(),
  issuer: providerFields.issuer.optional(),
  clientId: providerFields.clientId.optional(),
  clientSecret: z.string().min(1).max(2000).nullable().optional(),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/))
    .max(20)
    .optional(),
  emailDomains: providerFields.emailDomains.unwrap().optional(),
  groupsClaim: z.string().trim().min(1).max(100).optional(),
  groupMappings: z.array(GroupMapping).max(200).optional(),
  jitEnabled: z.boolean().optional(),
  defaultRole: StaffRole.optional(),
  trustEmails: z.boolean().optional(),
  enabled: z.boolean().optional(),
})
export type UpdateSsoProvider = z.infer<typeof UpdateSsoProvider>

export const SsoProvider = z.object({
  id: Id,
  name: z.string(),
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  scopes: z.array(z.string()),
  emailDomains: z.array(z.string()),
  groupsClaim: z.string(),
  groupMappings: z.array(z.object({ group: z.string(), teamIds: z.array(Id), role: StaffRole.nullable() })),
  jitEnabled: z.boolean(),
  defaultRole: StaffRole,
  trustEmails: z.boolean(),
  enabled: z.boolean(),
  /** Register this as the redirect URI at the provider. */
  redirectUri: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type SsoProvider = z.infer<typeof SsoProvider>

/** What the sign-in page shows: one button per enabled provider. */
export const SsoButton = z.object({ id: Id, name: z.string(), startUrl: z.string() })
export type SsoButton = z.infer<typeof SsoButton>
