import { describe, expect, it } from 'vitest'
import { deliveryReason } from './email.outbound.ts'

const smtp = (responseCode: number, response: string) =>
  Object.assign(new Error(`Message failed: ${response}`), { responseCode, response, code: 'EENVELOPE' })

describe('deliveryReason', () => {
  it('reads the enhanced status code first', () => {
    expect(
      deliveryReason(smtp(550, '550 5.1.1 <x@example.de>: Recipient address rejected: User unknown')),
    ).toBe('recipient_unknown')
    expect(deliveryReason(smtp(550, '550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found'))).toBe(
      'recipient_unknown',
    )
    expect(deliveryReason(smtp(552, '552 5.2.2 Mailbox full'))).toBe('mailbox_full')
    expect(deliveryReason(smtp(452, '452 4.2.2 Mailbox over quota'))).toBe('mailbox_full')
  })

  it('falls back to the reply code', () => {
    expect(deliveryReason(smtp(550, '550 No such user here'))).toBe('recipient_unknown')
    expect(deliveryReason(smtp(554, '554 Transaction failed: spam'))).toBe('refused')
    expect(deliveryReason(smtp(451, '451 Temporary local problem'))).toBe('temporary')
    expect(deliveryReason(smtp(421, '421 Too many connections'))).toBe('temporary')
  })

  it('tells sign-in failures and unreachable servers apart', () => {
    expect(
      deliveryReason(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 })),
    ).toBe('sign_in_failed')
    expect(deliveryReason(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'unreachable',
    )
    expect(deliveryReason(Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' }))).toBe(
      'unreachable',
    )
    expect(deliveryReason(new Error('something else'))).toBe('other')
  })
})
