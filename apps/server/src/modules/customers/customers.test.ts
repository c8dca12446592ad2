import { describe, expect, it } from 'vitest'
import type { Actor } from '../../platform/context.ts'
import { SYSTEM } from '../../platform/context.ts'
import { normalizePhone } from './customers.phone.ts'
import { authorize, type CustomerAction, can } from './customers.policy.ts'
import {
  decodeKeysetCursor,
  decodeOffsetCursor,
  encodeCursor,
  foldName,
  looksLikeEmail,
  spellingVariants,
  swappedLetterVariants,
} from './customers.search.ts'

const staff = (role: 'agent' | 'supervisor' | 'admin'): Actor => ({
  kind: 'staff',
  id: '0190a000-0000-7000-8000-000000000001',
  role,
  teamIds: [],
  supervisedTeamIds: [],
})

describe('normalizePhone', () => {
  it.each([
    ['0171 1234567', '+491711234567'],
    ['+49 171 1234567', '+491711234567'],
    ['+49 (0)171 1234567', '+491711234567'],
    ['0049 171 123-4567', '+491711234567'],
    ['030 12345678', '+493012345678'],
    ['+44 20 7946 0958', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+1 (202) 555-0143', '+12025550143'],
    ['  0171/1234567  ', '+491711234567'],
  ])('reads %j as %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164)
  })

  it('reads national numbers in the given default country', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958')
    expect(normalizePhone('01 23 45 67 89', 'FR')).toBe('+33123456789')
  })

  it.each(['12', 'abc', '', '+49 171 123456789012', '0000000', '+999 123 456'])('rejects %j', (raw) => {
    expect(normalizePhone(raw)).toBeNull()
  })
})

describe('customers policy', () => {
  const reading: CustomerAction[] = [
    'customer.read',
    'customer.create',
    'customer.update',
    'organization.read',
    'organization.create',
    'organization.update',
  ]
  it.each(['agent', 'supervisor', 'admin'] as const)('lets a %s read, create and update', (role) => {
    for (const action of reading) expect(can(staff(role), action)).toBe(true)
  })

  it.each([
    ['agent', false],
    ['supervisor', false],
    ['admin', true],
  ] as const)('lets a %s delete: %s', (role, allowed) => {
    expect(can(staff(role), 'customer.delete')).toBe(allowed)
    expect(can(staff(role), 'organization.delete')).toBe(allowed)
  })

  it('lets the desk itself do everything', () => {
    for (const action of [...reading, 'customer.delete', 'organization.delete'] as const) {
      expect(can(SYSTEM, action)).toBe(true)
    }
  })

  it('throws auth.forbidden when not allowed', () => {
    expect(() => authorize(staff('agent'), 'customer.delete')).toThrow(
      expect.objectContaining({ code: 'auth.forbidden', status: 403 }),
    )
    expect(() => authorize(staff('admin'), 'customer.delete')).not.toThrow()
  })
})

describe('foldName', () => {
  it.each([
    ['Jürgen Müller', 'jurgen muller'],
    ['Weiß', 'weiss'],
    ['ÉLODIE Françoise', 'elodie francoise'],
    ['Łukasz Wałęsa', 'lukasz walesa'],
    ['Søren Ørsted', 'soren orsted'],
    ['Anna-Lena O’Brien', 'anna-lena o’brien'],
  ])('folds %j to %j', (name, folded) => {
    expect(foldName(name)).toBe(folded)
  })
})

describe('spellingVariants', () => {
  it('reads digraphs as umlauts and umlauts as digraphs, folded', () => {
    expect(spellingVariants('Müller')).toEqual(['muller', 'mueller'])
    expect(spellingVariants('Mueller')).toEqual(['mueller', 'muller'])
    expect(spellingVariants('  Jürgen   Weiß ')).toEqual(['jurgen weiss', 'juergen weiss'])
  })

  it('gives one variant for a name without umlauts or digraphs', () => {
    expect(spellingVariants('Schmidt')).toEqual(['schmidt'])
    expect(spellingVariants('   ')).toEqual([])
  })
})

describe('swappedLetterVariants', () => {
  it('swaps each pair of neighbouring letters of one word at a time, folded', () => {
    expect(swappedLetterVariants('Juila Fix')).toEqual([
      'ujila fix',
      'jiula fix',
      'julia fix',
      'juial fix',
      'juila ifx',
      'juila fxi',
    ])
    expect(swappedLetterVariants('Müll')).toEqual(['umll', 'mlul'])
  })

  it('gives nothing for a blank query or one too long to be a mistyped name', () => {
    expect(swappedLetterVariants('  ')).toEqual([])
    expect(swappedLetterVariants('Maximiliane Oberhuber-Rothenfels')).toEqual([])
  })
})

describe('looksLikeEmail', () => {
  it.each([
    ['anna@example.com', true],
    ['Anna Schmidt', false],
    ['@example.com', false],
    ['anna@', false],
  ])('%j → %s', (q, expected) => {
    expect(looksLikeEmail(q)).toBe(expected)
  })
})

describe('page cursors', () => {
  const id = '0190a000-0000-7000-8000-000000000001'

  it('round-trips a keyset and an offset cursor as opaque base64url', () => {
    const keyset = encodeCursor({ n: 'Jürgen Müller', i: id })
    expect(keyset).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeKeysetCursor(keyset)).toEqual({ n: 'Jürgen Müller', i: id })
    expect(decodeOffsetCursor(encodeCursor({ o: 50 }))).toBe(50)
  })

  it('starts at the beginning without a cursor', () => {
    expect(decodeKeysetCursor(undefined)).toBeNull()
    expect(decodeOffsetCursor(undefined)).toBe(0)
  })

  it.each([
    ['garbage', 'not base64 json'],
    [Buffer.from('{"n":1}').toString('base64url'), 'wrong shape'],
    [Buffer.from('{"n":"a","i":"not-a-uuid"}').toString('base64url'), 'bad id'],
    [Buffer.from('{"o":-1}').toString('base64url'), 'negative offset'],
  ])('rejects %j (%s) as request.invalid pointing at the cursor', (raw) => {
    expect(() => decodeKeysetCursor(raw)).toThrow(expect.objectContaining({ code: 'request.invalid' }))
    expect(() => decodeOffsetCursor(raw)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ pointer: '/querystring/cursor' })] }),
    )
  })

  it('rejects a cursor of the other kind of list', () => {
    expect(() => decodeKeysetCursor(encodeCursor({ o: 25 }))).toThrow(
      expect.objectContaining({ code: 'request.invalid' }),
    )
    expect(() => decodeOffsetCursor(encodeCursor({ n: 'a', i: id }))).toThrow(
      expect.objectContaining({ code: 'request.invalid' }),
    )
  })
})
