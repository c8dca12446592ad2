import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../../test/harness.ts'
import { SIGN_IN_LIMITS } from './auth.service.ts'

// One client address (here every request comes from 127.0.0.1): an office behind one NAT address.
let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t?.close())

const signIn = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } })

const inChunks = async <T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) => {
  const results: unknown[] = []
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
  return results
}

describe('sign-in limits per address', () => {
  it('count failures only: more people than the limit sign in from one address', async () => {
    const staff = await inChunks(
      Array.from({ length: SIGN_IN_LIMITS.perAddress + 5 }, (_, i) => i),
      10,
      () => t.buildStaff(),
    )
    const codes = (await inChunks(staff as Awaited<ReturnType<TestApp['buildStaff']>>[], 5, (s) =>
      signIn(s.email, s.password).then((r) => r.statusCode),
    )) as number[]
    expect(codes.filter((c) => c !== 200)).toEqual([])
  })

  it('stop an address that keeps guessing, across accounts', async () => {
    const targets = await inChunks(
      Array.from({ length: 7 }, (_, i) => i),
      7,
      () => t.buildStaff(),
    )
    const guesses = Array.from({ length: SIGN_IN_LIMITS.perAddress + 5 }, (_, i) => {
      const s = targets[i % targets.length] as Awaited<ReturnType<TestApp['buildStaff']>>
      return s.email
    })
    const codes = (await inChunks(guesses, 5, (email) =>
      signIn(email, 'not-the-password').then((r) => r.statusCode),
    )) as number[]
    expect(codes.filter((c) => c === 401).length).toBe(SIGN_IN_LIMITS.perAddress)
    expect(codes.filter((c) => c === 429).length).toBe(5)
  })
})
