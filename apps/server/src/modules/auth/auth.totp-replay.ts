import { createHmac, timingSafeEqual } from 'node:crypto'
import { symmetricDecrypt } from 'better-auth/crypto'
import type { Db } from '../../platform/db.ts'
import { AppError } from '../../platform/errors.ts'
import { recordSignInEvent } from '../audit/index.ts'
import type { AuthLib } from './auth.lib.ts'
import * as repo from './auth.repository.ts'

/** The TOTP period and the steps either side of now that the library accepts. */
const TOTP_PERIOD_SECONDS = 30
const TOTP_WINDOW = 1

/**
 * The time step whose code `code` is, among those accepted at `nowMs` (now ± one step), or
 * undefined when it is none of them. Compared in constant time like the library does.
 */
export const totpStepOf = (secret: string, code: string, nowMs: number) => {
  const current = Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS)
  const given = Buffer.from(code.padEnd(6, ' ').slice(0, 6))
  let found: number | undefined
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), given)) found = step
  }
  return found
}

/** RFC 4226 with the library's key form: the stored secret's UTF-8 bytes, SHA-1, six digits. */
const hotp = (secret: string, counter: number) => {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', Buffer.from(secret, 'utf8')).update(message).digest()
  const offset = mac[mac.length - 1]! & 15
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

/**
 * Replay protection the two-factor plugin lacks: a TOTP code is accepted once. Before the
 * library checks a code, the step it belongs to is claimed for the user; a step at or before the
 * last one claimed is refused (`auth.code_reused`) and recorded. A code of no accepted step is
 * left to the library to refuse as wrong. The library checks against the system time, so this
 * does too.
 */
export const claimTotpCode = async (
  deps: { lib: AuthLib; db: Db },
  staff: { id: string; name: string; email: string },
  code: string,
  origin: { ip: string; userAgent?: string },
  during?: 'enrolment',
) => {
  const sealed = await repo.findTwoFactorSecret(deps.db, staff.id)
  if (!sealed) return
  const context = await deps.lib.$context
  // The desk imports no secrets from elsewhere, so none is kept in the library's `base32:` form.
  const secret = await symmetricDecrypt({ key: context.secretConfig, data: sealed })
  const step = totpStepOf(secret, code, Date.now())
  if (step === undefined) return
  if (await repo.claimTotpStep(deps.db, staff.id, step)) return
  await recordSignInEvent(deps.db, {
    at: new Date(),
    ip: origin.ip,
    userAgent: origin.userAgent,
    action: 'auth.two_factor_failed',
    staffId: staff.id,
    label: `${staff.name} <${staff.email}>`,
    detail: { method: 'totp', reason: 'code_reused', ...(during ? { during } : {}) },
  })
  throw new AppError('auth.code_reused')
}
