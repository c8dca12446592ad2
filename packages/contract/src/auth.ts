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
  /** Whether escalations meant for this person also come by email (besides the desk's notification). */
  escalationEmails: z.boolean(),
})
export type Me = z.infer<typeof Me>

export const SessionInfo = z.object({
  user: Me,
  /** Send as `x-csrf-token` with every changing request made with the session cookie. */
  csrfToken: z.string(),
  /** Two-factor sign-in of this user: set up, and whether their role requires it. */
  twoFactor: z
    .object({
      enabled: z.boolean(),
      required: z.boolean(),
      /** Signed in with a password, role requires 2FA, none set up: only enrolment is allowed. */
      enrolmentRequired: z.boolean(),
    })
    .optional(),
  signInMethod: z.enum(['password', 'passkey', 'sso', 'token']).optional(),
})
export type SessionInfo = z.infer<typeof SessionInfo>

/** The answer to a password sign-in: a session, or the request for the second factor. */
export const SignInResult = z.union([
  SessionInfo,
  z.object({
    /** Send the code (or a recovery code) to `POST /auth/sign-in/two-factor` within 10 minutes. */
    twoFactorRequired: z.literal(true),
  }),
])
export type SignInResult = z.infer<typeof SignInResult>

/** The second step of a sign-in: a 6-digit code of the authenticator app or a recovery code. */
export const TwoFactorSignInInput = z.union([
  z.object({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, 'six digits'),
  }),
  z.object({ recoveryCode: z.string().trim().min(6).max(64) }),
])
export type TwoFactorSignInInput = z.infer<typeof TwoFactorSignInInput>

export const PasswordConfirmation = z.object({ password: z.string().min(1).max(256) })
export type PasswordConfirmation = z.infer<typeof PasswordConfirmation>

export const TwoFactorStatus = z.object({
  enabled: z.boolean(),
  required: z.boolean(),
  /** An enrolment was started but not confirmed with a first code. */
  pending: z.boolean(),
})
export type TwoFactorStatus = z.infer<typeof TwoFactorStatus>

/** A started enrolment: the secret (as URI for the QR code and as text) and the recovery codes. */
export const TwoFactorEnrolment = z.object({
  totpUri: z.string(),
  secret: z.string(),
  recoveryCodes: z.array(z.string()),
})
export type TwoFactorEnrolment = z.infer<typeof TwoFactorEnrolment>

export const TwoFactorCodeInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'six digits'),
})
export type TwoFactorCodeInput = z.infer<typeof TwoFactorCodeInput>

export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) })
export type RecoveryCodes = z.infer<typeof RecoveryCodes>

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

/** A passkey (WebAuthn credential) of the caller. */
export const Passkey = z.object({
  id: Id,
  name: z.string(),
  /** 'multiDevice': synced between devices (e.g. by the phone's or browser's password manager). */
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
})
export type Passkey = z.infer<typeof Passkey>

/** WebAuthn options for the browser (`navigator.credentials`), and the challenge to answer. */
export const PasskeyOptions = z.object({
  challengeId: Id,
  options: z.record(z.string(), z.unknown()),
})
export type PasskeyOptions = z.infer<typeof PasskeyOptions>

/** What the browser's WebAuthn call answered (JSON form, base64url fields). */
export const PasskeyCredential = z.looseObject({
  id: z.string().min(1).max(1400),
  rawId: z.string().min(1).max(1400),
  type: z.literal('public-key'),
  response: z.record(z.string(), z.unknown()),
})
export type PasskeyCredential = z.infer<typeof PasskeyCredential>

export const RegisterPasskeyInput = z.object({
  challengeId: Id,
  name: z.string().trim().min(1).max(100),
  credential: PasskeyCredential,
})
export type RegisterPasskeyInput = z.infer<typeof RegisterPasskeyInput>

export const PasskeySignInInput = z.object({ challengeId: Id, credential: PasskeyCredential })
export type PasskeySignInInput = z.infer<typeof PasskeySignInInput>
