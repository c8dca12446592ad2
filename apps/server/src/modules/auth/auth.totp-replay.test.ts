import * as OTPAuth from 'otpauth'
import { describe, expect, it } from 'vitest'
import { totpStepOf } from './auth.totp-replay.ts'

const secret = 'k7Q2mZ9xP4wR8tL1vN6bC3dF5gH0jS'
const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromUTF8(secret), digits: 6, period: 30 })
const at = 1_765_000_000_000
const step = Math.floor(at / 30_000)

describe('totpStepOf', () => {
  it.each([
    ['the current step', 0],
    ['the previous step', -1],
    ['the next step', 1],
  ])('finds %s', (_, offset) => {
    expect(totpStepOf(secret, totp.generate({ timestamp: at + offset * 30_000 }), at)).toBe(step + offset)
  })

  it('finds no step for a code outside the window or of another length', () => {
    expect(totpStepOf(secret, totp.generate({ timestamp: at - 60_000 }), at)).toBeUndefined()
    expect(totpStepOf(secret, '12345', at)).toBeUndefined()
  })
})
