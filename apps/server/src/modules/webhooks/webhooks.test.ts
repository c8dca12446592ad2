import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { judgeAddress, normalHost } from './webhooks.address.ts'
import { deskTypesOf, eventCatalog, matchType } from './webhooks.events.ts'
import { typesForKind, WebhookInterest } from './webhooks.interest.ts'
import { checkTarget, type Resolver, TargetRefused } from './webhooks.net.ts'
import { outcomeOf, parseRetryAfter, RETRY_MAX_MS, retryDelayMs } from './webhooks.retry.ts'
import { generateSecret, sign, signedHeaders } from './webhooks.signing.ts'

describe('webhooks address policy', () => {
  it.each([
    ['8.8.8.8', 'unicast'],
    ['93.184.215.14', 'unicast'],
    ['2606:4700::1111', 'unicast'],
  ])('allows the public address %s', (address) => {
    expect(judgeAddress(address, { allowPrivate: false })).toEqual({ allowed: true })
  })

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.7', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
  ])('refuses %s (%s) unless the host is allowed', (address, range) => {
    expect(judgeAddress(address, { allowPrivate: false })).toEqual({ allowed: false, range })
    expect(judgeAddress(address, { allowPrivate: true })).toEqual({ allowed: true })
  })

  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['169.254.0.1', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['not an address', 'invalid'],
  ])('refuses %s (%s) even for an allowed host', (address, range) => {
    expect(judgeAddress(address, { allowPrivate: true })).toEqual({ allowed: false, range })
  })

  it('names hosts without case, brackets or a trailing dot', () => {
    expect(normalHost('[::1]')).toBe('::1')
    expect(normalHost('Hooks.Example.COM.')).toBe('hooks.example.com')
  })
})

describe('webhooks target check', () => {
  const resolver =
    (answers: Record<string, string[]>): Resolver =>
    async (host) => {
      const list = answers[host]
      if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
    }
  const check = (url: string, allowPrivateHost: string | null, answers: Record<string, string[]> = {}) =>
    checkTarget(new URL(url), { allowPrivateHost, resolve: resolver(answers) })

  it('checks every address a name resolves to', async () => {
    await expect(
      check('https://hooks.example.com/x', null, { 'hooks.example.com': ['93.184.215.14'] }),
    ).resolves.toEqual([{ address: '93.184.215.14', family: 4 }])
    await expect(
      check('https://mixed.example.com/', null, { 'mixed.example.com': ['93.184.215.14', '10.0.0.1'] }),
    ).rejects.toThrow('resolves to 10.0.0.1 (private)')
    await expect(
      check('https://meta.example.com/', null, { 'meta.example.com': ['169.254.169.254'] }),
    ).rejects.toThrow(TargetRefused)
  })

  it('refuses IP literals without asking DNS, IPv4 forms included', async () => {
    for (const url of [
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.1/',
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'https://[::ffff:127.0.0.1]/',
    ])
      await expect(check(url, null), url).rejects.toThrow('which webhooks may not reach')
  })

  it('allows a private address only for the named host, and http only then', async () => {
    const answers = { 'crm.internal': ['10.1.2.3'] }
    await expect(check('http://crm.internal/hook', 'crm.internal', answers)).resolves.toHaveLength(1)
    await expect(check('https://crm.internal/hook', 'CRM.internal', answers)).resolves.toHaveLength(1)
    await expect(check('http://crm.internal/hook', null, answers)).rejects.toThrow('only https')
    await expect(check('https://crm.internal/hook', 'other.internal', answers)).rejects.toThrow('(private)')
    await expect(
      check('http://hooks.example.com/', null, { 'hooks.example.com': ['93.184.215.14'] }),
    ).rejects.toThrow('only https')
    await expect(check('ftp://crm.internal/', 'crm.internal', answers)).rejects.toThrow('only https')
    await expect(check('https://user:pw@hooks.example.com/', null)).rejects.toThrow('user name or password')
    await expect(check('https://nowhere.example/', null)).rejects.toThrow('does not resolve')
  })
})

describe('webhooks retry schedule', () => {
  it('waits 15 s × 4^(n−1), at most 6 hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n) / 1000)).toEqual([
      15, 60, 240, 960, 3840, 15360, 21600, 21600,
    ])
  })

  it('waits longer when the receiver asks for it, never shorter, never beyond the cap', () => {
    expect(retryDelayMs(1, 120_000)).toBe(120_000)
    expect(retryDelayMs(3, 1_000)).toBe(240_000)
    expect(retryDelayMs(1, 10 * RETRY_MAX_MS)).toBe(RETRY_MAX_MS)
    const now = new Date('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('30', now)).toBe(30_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:02:00 GMT', now)).toBe(120_000)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(undefined, now)).toBeNull()
  })

  it.each([
    [200, false, 'delivered'],
    [204, false, 'delivered'],
    [301, false, 'give_up'],
    [400, false, 'give_up'],
    [404, false, 'give_up'],
    [408, false, 'retry'],
    [429, false, 'retry'],
    [500, false, 'retry'],
    [503, false, 'retry'],
    [null, true, 'retry'],
    [null, false, 'give_up'],
  ] as const)('status %s (retryable error: %s) means %s', (statusCode, retryable, outcome) => {
    expect(outcomeOf({ statusCode, retryable })).toBe(outcome)
  })
})

describe('webhooks signature', () => {
  it('is what a Standard Webhooks receiver verifies', () => {
    const secret = generateSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const body = JSON.stringify({
      type: 'ticket.created',
      timestamp: '2026-01-01T00:00:00Z',
      data: { n: 'Grüße' },
    })
    const headers = signedHeaders(secret, { id: 'msg_1', at: new Date(), body })
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow()
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow()
  })

  it('matches the specification’s example', () => {
    // The example of the Standard Webhooks specification (github.com/standard-webhooks).
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const body = '{"test": 2432232314}'
    expect(sign(secret, { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body })).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    )
  })
})

describe('webhooks event types', () => {
  const ev = (kind: string, data: unknown = {}) => ({ kind, data })

  it('maps domain events to the desk types', () => {
    expect(deskTypesOf(ev('ticket.created'))).toEqual(['ticket.created'])
    expect(deskTypesOf(ev('ticket.status_changed', { status: { from: 'open', to: 'solved' } }))).toEqual([
      'ticket.solved',
      'ticket.updated',
    ])
    expect(deskTypesOf(ev('ticket.status_changed', { status: { from: 'new', to: 'open' } }))).toEqual([
      'ticket.updated',
    ])
    expect(deskTypesOf(ev('ticket.assigned'))).toEqual(['ticket.updated'])
    expect(deskTypesOf(ev('ticket.some_later_kind'))).toEqual(['ticket.updated'])
    expect(deskTypesOf(ev('interaction.added', { channel: 'email', direction: 'inbound' }))).toEqual([
      'message.added',
    ])
    expect(deskTypesOf(ev('interaction.added', { channel: 'email', direction: 'outbound' }))).toEqual([
      'message.added',
    ])
    expect(deskTypesOf(ev('interaction.added', { channel: 'note', direction: 'internal' }))).toEqual([])
    expect(deskTypesOf(ev('email.acknowledged'))).toEqual([])
  })

  it('delivers an event once per subscription, as the most specific type it names', () => {
    const solved = ev('ticket.status_changed', { status: { from: 'open', to: 'solved' } })
    expect(matchType(['ticket.updated', 'ticket.solved'], solved)).toBe('ticket.solved')
    expect(matchType(['ticket.updated'], solved)).toBe('ticket.updated')
    expect(matchType(['ticket.status_changed', 'ticket.updated'], solved)).toBe('ticket.status_changed')
    expect(matchType(['ticket.created'], solved)).toBeNull()
    const note = ev('interaction.added', { channel: 'note', direction: 'internal' })
    expect(matchType(['message.added'], note)).toBeNull()
    expect(matchType(['message.added', 'interaction.added'], note)).toBe('interaction.added')
  })

  it('lists the desk types and every defined domain kind once', () => {
    const catalog = eventCatalog(['ticket.created', 'ticket.assigned', 'later.kind'])
    expect(catalog.map((c) => c.type)).toEqual([
      'ticket.created',
      'ticket.updated',
      'ticket.solved',
      'message.added',
      'ticket.assigned',
      'later.kind',
    ])
  })
})

describe('which kinds a subscription may want', () => {
  // Every type a kind can be delivered as must be listed, or the cache would drop a delivery.
  it.each([
    ['ticket.created', ['ticket.created']],
    ['ticket.status_changed', ['ticket.status_changed', 'ticket.solved', 'ticket.updated']],
    ['ticket.assigned', ['ticket.assigned', 'ticket.solved', 'ticket.updated']],
    ['interaction.added', ['interaction.added', 'message.added']],
    ['email.acknowledged', ['email.acknowledged']],
  ])('%s may go out as %j', (kind, types) => {
    expect(typesForKind(kind)).toEqual(types)
    const data = { status: { to: 'solved' }, direction: 'in', channel: 'email' }
    for (const type of deskTypesOf({ kind, data })) expect(types).toContain(type)
  })

  it('wants every kind until it has read the subscriptions', () => {
    const interest = new WebhookInterest()
    expect(interest.wants('ticket.created')).toBe(true)
    interest.forget()
    expect(interest.wants('email.acknowledged')).toBe(true)
  })
})
