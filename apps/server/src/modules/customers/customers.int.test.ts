import { sql } from 'drizzle-orm'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp, unique } from '../../../test/harness.ts'
import { tickets } from '../../schema.ts'
import { foldName } from './customers.search.ts'
import { foldedName } from './customers.tables.ts'
import { createCustomer, createOrganization, findCustomerByEmail, findCustomerById } from './index.ts'

let t: TestApp
let agent: Awaited<ReturnType<TestApp['buildStaff']>>
let supervisor: Awaited<ReturnType<TestApp['buildStaff']>>
let admin: Awaited<ReturnType<TestApp['buildStaff']>>

beforeAll(async () => {
  t = await startTestApp()
  agent = await t.buildStaff({ role: 'agent' })
  supervisor = await t.buildStaff({ role: 'supervisor' })
  admin = await t.buildStaff({ role: 'admin' })
})
afterAll(() => t.close())

const MISSING_ID = '0190a000-0000-7000-8000-00000000dead'

const call = (
  as: { headers: Record<string, string> },
  method: InjectOptions['method'],
  url: string,
  payload?: object,
) => t.app.inject({ method, url: `/api/v1${url}`, headers: as.headers, ...(payload ? { payload } : {}) })

/** A customer built through the service (the factory of this file); unique address and name. */
const buildCustomer = (input: Partial<Parameters<typeof createCustomer>[1]> = {}) =>
  createCustomer(t.ctxAs(), {
    name: input.name ?? unique('Kunde '),
    emails: input.emails ?? [`${unique('c')}@example.test`],
    ...input,
  })

const buildOrganization = (name = unique('Org ')) => createOrganization(t.ctxAs(), { name })

const expectProblem = (
  res: Awaited<ReturnType<typeof call>>,
  status: number,
  code: string,
  pointer?: string,
) => {
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toContain('application/problem+json')
  const body = res.json()
  expect(body.code).toBe(code)
  if (pointer) expect(body.errors?.map((e: { pointer: string }) => e.pointer)).toContain(pointer)
  return body
}

describe('customers API', () => {
  it('creates a customer with lower-cased emails (first primary) and E.164 phones', async () => {
    const org = await buildOrganization()
    const email = `${unique('Anna.')}@Example.TEST`
    const res = await call(agent, 'POST', '/customers', {
      name: '  Anna Lindqvist ',
      language: 'en',
      organizationId: org.id,
      emails: [email, `${unique('second')}@example.test`],
      phones: [{ number: '0171 1234567', label: 'mobile' }, { number: '+44 20 7946 0958' }],
      notes: 'prefers email',
    })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({
      name: 'Anna Lindqvist',
      language: 'en',
      organization: { id: org.id, name: org.name },
      notes: 'prefers email',
      phones: [
        { number: '+491711234567', label: 'mobile' },
        { number: '+442079460958', label: null },
      ],
    })
    expect(body.emails).toEqual([
      { email: email.toLowerCase(), primary: true, failing: false },
      { email: expect.stringMatching(/^second/), primary: false, failing: false },
    ])
    const got = await call(agent, 'GET', `/customers/${body.id}`)
    expect(got.statusCode).toBe(200)
    expect(got.json()).toEqual(body)
  })

  it('fills in defaults for a minimal customer', async () => {
    const res = await call(supervisor, 'POST', '/customers', { name: 'Walk-in' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      language: 'de',
      organization: null,
      emails: [],
      phones: [],
      notes: '',
    })
  })

  it('rejects missing fields, wrong types and unknown fields with pointers', async () => {
    expectProblem(
      await call(agent, 'POST', '/customers', { emails: [] }),
      400,
      'request.invalid',
      '/body/name',
    )
    expectProblem(await call(agent, 'POST', '/customers', { name: 42 }), 400, 'request.invalid', '/body/name')
    expectProblem(
      await call(agent, 'POST', '/customers', { name: '   ' }),
      400,
      'request.invalid',
      '/body/name',
    )
    expectProblem(
      await call(agent, 'POST', '/customers', { name: 'X', emails: 'a@example.test' }),
      400,
      'request.invalid',
      '/body/emails',
    )
    expectProblem(
      await call(agent, 'POST', '/customers', { name: 'X', language: 'fr' }),
      400,
      'request.invalid',
      '/body/language',
    )
    expectProblem(
      await call(agent, 'POST', '/customers', { name: 'X', organizationId: 'acme' }),
      400,
      'request.invalid',
      '/body/organizationId',
    )
    const unknown = expectProblem(
      await call(agent, 'POST', '/customers', {
        name: 'X',
        id: MISSING_ID,
        createdAt: '2020-01-01T00:00:00Z',
      }),
      400,
      'request.invalid',
    )
    expect(JSON.stringify(unknown.errors)).toMatch(/id|createdAt/)
    expectProblem(
      await call(agent, 'POST', '/customers', { name: 'X', phones: [{ number: '0171 1234567', fax: true }] }),
      400,
      'request.invalid',
    )
  })

  it('rejects an invalid email address', async () => {
    expectProblem(
      await call(agent, 'POST', '/customers', { name: 'X', emails: ['ok@example.test', 'not-an-email'] }),
      400,
      'request.invalid',
      '/body/emails/1',
    )
  })

  it('rejects an invalid phone number with a pointer to it and stores nothing', async () => {
    const email = `${unique('p')}@example.test`
    const body = expectProblem(
      await call(agent, 'POST', '/customers', {
        name: 'Phone Person',
        emails: [email],
        phones: [{ number: '0171 1234567' }, { number: '12345' }],
      }),
      400,
      'customer.invalid_phone',
      '/body/phones/1/number',
    )
    expect(body.errors).toHaveLength(1)
    expect(await findCustomerByEmail(t.ctxAs(), email)).toBeNull()
  })

  it('refuses an address another customer has (any case) with 409', async () => {
    const existing = await buildCustomer()
    const taken = existing.emails[0]!.email
    const body = expectProblem(
      await call(agent, 'POST', '/customers', {
        name: 'Copy Cat',
        emails: [`${unique('n')}@example.test`, taken.toUpperCase()],
      }),
      409,
      'customer.email_taken',
      '/body/emails/1',
    )
    expect(body.title).toBeTruthy()
  })

  it('drops duplicate addresses within one request', async () => {
    const email = `${unique('d')}@example.test`
    const res = await call(agent, 'POST', '/customers', { name: 'Dup', emails: [email, email.toUpperCase()] })
    expect(res.statusCode).toBe(201)
    expect(res.json().emails).toEqual([{ email, primary: true, failing: false }])
  })

  it('answers 404 organization.not_found for an unknown organizationId', async () => {
    expectProblem(
      await call(agent, 'POST', '/customers', { name: 'X', organizationId: MISSING_ID }),
      404,
      'organization.not_found',
      '/body/organizationId',
    )
  })

  it('answers 404 for unknown ids and 400 for ids that are not uuids', async () => {
    expectProblem(await call(agent, 'GET', `/customers/${MISSING_ID}`), 404, 'customer.not_found')
    expectProblem(
      await call(agent, 'PATCH', `/customers/${MISSING_ID}`, { name: 'x' }),
      404,
      'customer.not_found',
    )
    expectProblem(await call(admin, 'DELETE', `/customers/${MISSING_ID}`), 404, 'customer.not_found')
    expectProblem(await call(agent, 'GET', '/customers/123'), 400, 'request.invalid', '/params/id')
    expectProblem(await call(agent, 'PATCH', '/customers/abc', { name: 'x' }), 400, 'request.invalid')
    expectProblem(await call(admin, 'DELETE', '/customers/abc'), 400, 'request.invalid')
  })

  it('requires a signed-in caller', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/customers' })
    expectProblem(res, 401, 'auth.unauthenticated')
  })

  describe('PATCH', () => {
    it('changes fields and replaces emails and phones, keeping the first address primary', async () => {
      const org = await buildOrganization()
      const customer = await buildCustomer({ phones: [{ number: '030 12345678' }] })
      const kept = customer.emails[0]!.email
      const added = `${unique('new')}@example.test`
      const res = await call(agent, 'PATCH', `/customers/${customer.id}`, {
        name: 'Renamed',
        organizationId: org.id,
        emails: [added, kept],
        phones: [{ number: '+49 171 7654321', label: 'mobile' }],
      })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({
        name: 'Renamed',
        organization: { id: org.id },
        emails: [
          { email: added, primary: true },
          { email: kept, primary: false },
        ],
        phones: [{ number: '+491717654321', label: 'mobile' }],
      })
      expect(Date.parse(res.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(customer.updatedAt))

      const cleared = await call(agent, 'PATCH', `/customers/${customer.id}`, {
        organizationId: null,
        phones: [],
      })
      expect(cleared.json()).toMatchObject({ organization: null, phones: [], name: 'Renamed' })
      expect(cleared.json().emails).toHaveLength(2)
    })

    it('changes nothing when one phone is invalid (all or nothing)', async () => {
      const customer = await buildCustomer({ phones: [{ number: '0171 1234567' }] })
      expectProblem(
        await call(agent, 'PATCH', `/customers/${customer.id}`, {
          name: 'Should Not Stick',
          emails: [`${unique('x')}@example.test`],
          phones: [{ number: '0171 7777777' }, { number: 'call me' }],
        }),
        400,
        'customer.invalid_phone',
        '/body/phones/1/number',
      )
      expect(await findCustomerById(t.ctxAs(), customer.id)).toEqual(customer)
    })

    it('changes nothing when an address belongs to someone else', async () => {
      const other = await buildCustomer()
      const customer = await buildCustomer()
      expectProblem(
        await call(agent, 'PATCH', `/customers/${customer.id}`, {
          name: 'Should Not Stick',
          emails: [other.emails[0]!.email],
        }),
        409,
        'customer.email_taken',
        '/body/emails/0',
      )
      expect(await findCustomerById(t.ctxAs(), customer.id)).toEqual(customer)
    })

    it('rejects unknown and read-only fields', async () => {
      const customer = await buildCustomer()
      expectProblem(
        await call(agent, 'PATCH', `/customers/${customer.id}`, { id: MISSING_ID }),
        400,
        'request.invalid',
      )
      expectProblem(
        await call(agent, 'PATCH', `/customers/${customer.id}`, { createdAt: '2020-01-01T00:00:00Z' }),
        400,
        'request.invalid',
      )
      expectProblem(
        await call(agent, 'PATCH', `/customers/${customer.id}`, { name: null }),
        400,
        'request.invalid',
        '/body/name',
      )
    })
  })

  describe('DELETE', () => {
    it('lets an admin delete a customer without tickets, with their addresses', async () => {
      const customer = await buildCustomer()
      const res = await call(admin, 'DELETE', `/customers/${customer.id}`)
      expect(res.statusCode).toBe(204)
      expectProblem(await call(agent, 'GET', `/customers/${customer.id}`), 404, 'customer.not_found')
      // the address is free again
      expect((await buildCustomer({ emails: [customer.emails[0]!.email] })).emails).toHaveLength(1)
    })

    it('forbids agents and supervisors to delete', async () => {
      const customer = await buildCustomer()
      expectProblem(await call(agent, 'DELETE', `/customers/${customer.id}`), 403, 'auth.forbidden')
      expectProblem(await call(supervisor, 'DELETE', `/customers/${customer.id}`), 403, 'auth.forbidden')
      expect(await findCustomerById(t.ctxAs(), customer.id)).not.toBeNull()
    })

    it('refuses to delete a customer who has tickets', async () => {
      const customer = await buildCustomer()
      await t.db.insert(tickets).values({ subject: 'Help', channel: 'email', customerId: customer.id })
      expectProblem(await call(admin, 'DELETE', `/customers/${customer.id}`), 409, 'customer.has_tickets')
      expect(await findCustomerById(t.ctxAs(), customer.id)).not.toBeNull()
    })
  })

  describe('lookup', () => {
    it('finds a customer by email, case-insensitively', async () => {
      const customer = await buildCustomer()
      const res = await call(
        agent,
        'GET',
        `/customers?email=${encodeURIComponent(customer.emails[0]!.email.toUpperCase())}`,
      )
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ items: [customer], nextCursor: null })
      const none = await call(agent, 'GET', `/customers?email=${unique('nobody')}@example.test`)
      expect(none.json()).toEqual({ items: [], nextCursor: null })
    })

    it('finds a customer by phone in another notation', async () => {
      const number = `0171 ${Math.floor(1_000_000 + Math.random() * 8_999_999)}`
      const customer = await buildCustomer({ phones: [{ number }] })
      const e164 = customer.phones[0]!.number
      for (const notation of [
        e164,
        `+49 ${number.slice(1)}`,
        `0049 (${number.slice(1, 4)}) ${number.slice(5)}`,
        number,
      ]) {
        const res = await call(agent, 'GET', `/customers?phone=${encodeURIComponent(notation)}`)
        expect(res.statusCode, notation).toBe(200)
        expect(
          res.json().items.map((c: { id: string }) => c.id),
          notation,
        ).toEqual([customer.id])
      }
    })

    it('rejects an invalid phone in the query', async () => {
      expectProblem(
        await call(agent, 'GET', '/customers?phone=hello'),
        400,
        'customer.invalid_phone',
        '/querystring/phone',
      )
    })

    it('rejects bad query parameters', async () => {
      expectProblem(
        await call(agent, 'GET', '/customers?limit=0'),
        400,
        'request.invalid',
        '/querystring/limit',
      )
      expectProblem(await call(agent, 'GET', '/customers?limit=abc'), 400, 'request.invalid')
      expectProblem(await call(agent, 'GET', '/customers?organizationId=1'), 400, 'request.invalid')
      expectProblem(
        await call(agent, 'GET', '/customers?cursor=bogus'),
        400,
        'request.invalid',
        '/querystring/cursor',
      )
    })
  })

  describe('fuzzy search', () => {
    let juergen: Awaited<ReturnType<typeof buildCustomer>>
    let schmidt: Awaited<ReturnType<typeof buildCustomer>>
    beforeAll(async () => {
      juergen = await buildCustomer({ name: 'Jürgen Müller' })
      schmidt = await buildCustomer({ name: 'Petra Schmidt' })
      await buildCustomer({ name: 'Zacharias Xylander' })
    })

    const search = async (q: string) => {
      const res = await call(agent, 'GET', `/customers?q=${encodeURIComponent(q)}`)
      expect(res.statusCode, res.body).toBe(200)
      return res.json().items.map((c: { id: string }) => c.id) as string[]
    }

    it.each([
      'Jürgen Müller',
      'Jurgen Muller',
      'Juergen Mueller',
      'Mueller',
      'muller',
      'jürgen',
      'Jurgen Muler',
    ])('finds "Jürgen Müller" for %j', async (q) => {
      const ids = await search(q)
      expect(ids[0]).toBe(juergen.id)
      expect(ids).not.toContain(schmidt.id)
    })

    it.each(['Schmitt', 'Petra Schmid', 'schmidt'])('finds "Petra Schmidt" for %j', async (q) => {
      const ids = await search(q)
      expect(ids[0]).toBe(schmidt.id)
      expect(ids).not.toContain(juergen.id)
    })

    it('finds members of an organization by its name and the owner of an address', async () => {
      const org = await buildOrganization('Brauerei Obermaier KG')
      const member = await buildCustomer({ name: 'Hans Huber', organizationId: org.id })
      expect(await search('Obermaier')).toContain(member.id)
      expect(await search(member.emails[0]!.email)).toEqual([member.id])
    })

    it('folds names in SQL exactly as the search folds queries', async () => {
      const names = [
        'Jürgen Müller',
        'Weiß',
        'ÉLODIE Françoise',
        'Łukasz Wałęsa',
        'Søren Ørsted',
        'Đorđe Čolić',
      ]
      for (const name of names) {
        const res = await t.db.execute<{ folded: string }>(
          sql`SELECT ${foldedName(sql`${name}::text`)} AS folded`,
        )
        expect(res.rows[0]!.folded, name).toBe(foldName(name))
      }
    })

    it('finds nothing for an unrelated name', async () => {
      expect(await search('Qwertzuiop')).toEqual([])
    })

    it('finds a name with two letters swapped, offered as similar when nothing else matches', async () => {
      const julia = await buildCustomer({ name: 'Julia Fischer' })
      const exact = await call(agent, 'GET', `/customers?q=${encodeURIComponent('Julia Fischer')}`)
      expect(exact.json()).toMatchObject({ match: 'exact' })
      // A swap in the long word leaves enough trigrams for the ordinary search.
      expect((await search('Julia Fsicher'))[0]).toBe(julia.id)
      // In the short one it does not ("juila" keeps two of its six): the swapped spellings find her.
      const res = await call(agent, 'GET', `/customers?q=${encodeURIComponent('Juila Fischer')}`)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({ match: 'similar', nextCursor: null })
      expect(res.json().items.map((c: { id: string }) => c.id)).toEqual([julia.id])
      // The other filters still hold for what is offered.
      const filtered = await call(
        agent,
        'GET',
        `/customers?q=${encodeURIComponent('Juila Fischer')}&email=nobody%40example.com`,
      )
      expect(filtered.json()).toMatchObject({ items: [], match: 'exact' })
    })

    it('pages ranked results with a cursor', async () => {
      const ids = new Set<string>()
      for (let i = 0; i < 5; i++) ids.add((await buildCustomer({ name: `Rüdiger Wanderfalke ${i}` })).id)
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const url: string = `/customers?q=Wanderfalke&limit=2${cursor ? `&cursor=${cursor}` : ''}`
        const res = await call(agent, 'GET', url)
        expect(res.statusCode, res.body).toBe(200)
        seen.push(...res.json().items.map((c: { id: string }) => c.id))
        cursor = res.json().nextCursor
      } while (cursor)
      expect(seen.sort()).toEqual([...ids].sort())
    })
  })

  it('pages the plain list by cursor, every customer exactly once in name order', async () => {
    const org = await buildOrganization()
    const created: string[] = []
    // same names on purpose: the id breaks ties
    for (const name of ['Bert', 'Anna', 'Carla', 'Anna', 'Dora', 'Bert', 'Emil']) {
      created.push((await buildCustomer({ name, organizationId: org.id })).id)
    }
    const pageThrough = async (base: string) => {
      const seen: { id: string; name: string }[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const res = await call(
          agent,
          'GET',
          `${base}${base.includes('?') ? '&' : '?'}limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        )
        expect(res.statusCode, res.body).toBe(200)
        const body = res.json()
        expect(body.items.length).toBeLessThanOrEqual(3)
        seen.push(...body.items)
        cursor = body.nextCursor
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
        pages++
      } while (cursor && pages < 100)
      return seen
    }

    const viaFilter = await pageThrough(`/customers?organizationId=${org.id}`)
    expect(viaFilter.map((c) => c.id).sort()).toEqual([...created].sort())
    expect(new Set(viaFilter.map((c) => c.id)).size).toBe(created.length)
    expect(viaFilter.map((c) => c.name)).toEqual(['Anna', 'Anna', 'Bert', 'Bert', 'Carla', 'Dora', 'Emil'])

    const viaOrg = await pageThrough(`/organizations/${org.id}/customers`)
    expect(viaOrg.map((c) => c.id)).toEqual(viaFilter.map((c) => c.id))

    const all = await pageThrough('/customers')
    const allIds = all.map((c) => c.id)
    expect(new Set(allIds).size).toBe(allIds.length)
    for (const id of created) expect(allIds).toContain(id)
  })

  it('lets the other modules create customers and find them by email or id', async () => {
    const email = `${unique('Mod')}@Example.test`
    const created = await createCustomer(t.ctxAs(), { name: 'From Mail', emails: [email] })
    expect(await findCustomerByEmail(t.ctxAs(), email.toUpperCase())).toEqual(created)
    expect(await findCustomerById(t.ctxAs(), created.id)).toEqual(created)
    expect(await findCustomerById(t.ctxAs(), MISSING_ID)).toBeNull()
    await expect(createCustomer(t.ctxAs(), { name: 'Again', emails: [email] })).rejects.toMatchObject({
      code: 'customer.email_taken',
    })
  })
})

describe('organizations API', () => {
  it('creates, reads and updates an organization', async () => {
    const domain = `${unique('acme')}.example`
    const res = await call(agent, 'POST', '/organizations', {
      name: 'ACME GmbH',
      domain: domain.toUpperCase(),
    })
    expect(res.statusCode, res.body).toBe(201)
    const org = res.json()
    expect(org).toMatchObject({ name: 'ACME GmbH', domain, notes: '' })
    expect((await call(agent, 'GET', `/organizations/${org.id}`)).json()).toEqual(org)
    const patched = await call(supervisor, 'PATCH', `/organizations/${org.id}`, {
      notes: 'key account',
      domain: null,
    })
    expect(patched.statusCode).toBe(200)
    expect(patched.json()).toMatchObject({ name: 'ACME GmbH', domain: null, notes: 'key account' })
  })

  it('rejects bad bodies and a domain another organization has', async () => {
    expectProblem(await call(agent, 'POST', '/organizations', {}), 400, 'request.invalid', '/body/name')
    expectProblem(
      await call(agent, 'POST', '/organizations', { name: 'X', domain: 'not a domain' }),
      400,
      'request.invalid',
      '/body/domain',
    )
    expectProblem(
      await call(agent, 'POST', '/organizations', { name: 'X', id: MISSING_ID }),
      400,
      'request.invalid',
    )
    const domain = `${unique('dup')}.example`
    expect((await call(agent, 'POST', '/organizations', { name: 'First', domain })).statusCode).toBe(201)
    expectProblem(
      await call(agent, 'POST', '/organizations', { name: 'Second', domain: domain.toUpperCase() }),
      409,
      'organization.domain_taken',
      '/body/domain',
    )
  })

  it('answers 404 for unknown organizations and 400 for non-uuid ids', async () => {
    expectProblem(await call(agent, 'GET', `/organizations/${MISSING_ID}`), 404, 'organization.not_found')
    expectProblem(
      await call(agent, 'GET', `/organizations/${MISSING_ID}/customers`),
      404,
      'organization.not_found',
    )
    expectProblem(
      await call(agent, 'PATCH', `/organizations/${MISSING_ID}`, { name: 'x' }),
      404,
      'organization.not_found',
    )
    expectProblem(await call(admin, 'DELETE', `/organizations/${MISSING_ID}`), 404, 'organization.not_found')
    expectProblem(await call(agent, 'GET', '/organizations/nope'), 400, 'request.invalid', '/params/id')
  })

  it('deletes only as admin and only without customers', async () => {
    const org = await buildOrganization()
    const member = await buildCustomer({ organizationId: org.id })
    expectProblem(await call(agent, 'DELETE', `/organizations/${org.id}`), 403, 'auth.forbidden')
    expectProblem(await call(admin, 'DELETE', `/organizations/${org.id}`), 409, 'organization.has_customers')
    expect((await call(agent, 'PATCH', `/customers/${member.id}`, { organizationId: null })).statusCode).toBe(
      200,
    )
    expect((await call(admin, 'DELETE', `/organizations/${org.id}`)).statusCode).toBe(204)
    expectProblem(await call(agent, 'GET', `/organizations/${org.id}`), 404, 'organization.not_found')
  })

  it('searches organizations by fuzzy name and pages the plain list', async () => {
    const org = await buildOrganization('Bäckerei Süßmann')
    const hit = await call(agent, 'GET', `/organizations?q=${encodeURIComponent('Baeckerei Suessmann')}`)
    expect(hit.statusCode).toBe(200)
    expect(hit.json().items[0].id).toBe(org.id)
    const typo = await call(agent, 'GET', `/organizations?q=${encodeURIComponent('Sussman')}`)
    expect(typo.json().items.map((o: { id: string }) => o.id)).toContain(org.id)

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await call(agent, 'GET', `/organizations?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).toBe(200)
      seen.push(...res.json().items.map((o: { id: string }) => o.id))
      cursor = res.json().nextCursor
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toContain(org.id)
  })
})
