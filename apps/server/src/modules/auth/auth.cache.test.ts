import { describe, expect, it } from 'vitest'
import { AuthCache } from './auth.cache.ts'
import type { Authenticated } from './auth.service.ts'

const auth = (staffId: string, cookies?: string[]) =>
  ({
    staff: { id: staffId },
    actor: { kind: 'staff', id: staffId },
    via: 'token',
    cookies,
  }) as unknown as Authenticated

describe('AuthCache', () => {
  it('keeps an entry for its time to live, then forgets it', () => {
    let now = 1000
    const cache = new AuthCache(10_000, 100, () => now)
    cache.set('t:a', auth('s1'))
    expect(cache.get('t:a')?.staff.id).toBe('s1')
    now += 9_999
    expect(cache.get('t:a')).toBeDefined()
    now += 1
    expect(cache.get('t:a')).toBeUndefined()
  })

  it('never keeps the cookies of a response', () => {
    const cache = new AuthCache(10_000)
    cache.set('s:x', auth('s1', ['tresen.session_token=…']))
    expect(cache.get('s:x')?.cookies).toBeUndefined()
  })

  it('drops every entry of one staff member, or all', () => {
    const cache = new AuthCache(10_000)
    cache.set('t:a', auth('s1'))
    cache.set('s:b', auth('s1'))
    cache.set('t:c', auth('s2'))
    cache.invalidate({ staffId: 's1' })
    expect([cache.get('t:a'), cache.get('s:b')]).toEqual([undefined, undefined])
    expect(cache.get('t:c')).toBeDefined()
    cache.invalidate({})
    expect(cache.size).toBe(0)
  })

  it('stays within its size, the oldest entry going first', () => {
    const cache = new AuthCache(10_000, 2)
    cache.set('a', auth('1'))
    cache.set('b', auth('2'))
    cache.set('c', auth('3'))
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(2)
  })

  it('keeps nothing with a time to live of zero', () => {
    const cache = new AuthCache(0)
    cache.set('a', auth('1'))
    expect(cache.get('a')).toBeUndefined()
  })
})
