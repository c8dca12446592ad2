import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { buildApp } from '../src/app.ts'
import { createApiToken } from '../src/modules/auth/auth.service.ts'
import { customerEmails, customers } from '../src/modules/customers/customers.tables.ts'
import { createStaff } from '../src/modules/staff/index.ts'
import { teams } from '../src/modules/teams/teams.tables.ts'
import { createTicket } from '../src/modules/tickets/index.ts'
import { type Clock, systemClock } from '../src/platform/clock.ts'
import { type Actor, type Ctx, SYSTEM } from '../src/platform/context.ts'
import { connectDatabase, type Database } from '../src/platform/db.ts'
import { FsStorage } from '../src/platform/storage.ts'

let counter = 0
export const unique = (prefix = 'x') =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`

/** A fresh database cloned from the migrated template; one per test file. */
export const createTestDatabase = async (): Promise<
  Database & { url: string; drop: () => Promise<void> }
> => {
  const adminUrl = inject('pgAdminUrl')
  const name = `t_${unique()}`.toLowerCase()
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDb')}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = connectDatabase(url.toString(), { poolSize: 5 })
  return {
    ...database,
    url: url.toString(),
    drop: async () => {
      await database.close()
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>

/** The real application on a cloned database, with helpers to build data and call the API. */
export const startTestApp = async (opts: { clock?: Clock; webDir?: string } = {}) => {
  const database = await createTestDatabase()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-test-data-'))
  const storage = new FsStorage(path.join(dataDir, 'attachments'))
  const clock = opts.clock ?? systemClock
  const sessionSecret = randomBytes(32).toString('base64url')
  const app = await buildApp({
    config: {
      publicUrl: 'http://localhost:8080',
      logLevel: 'silent',
      ...(opts.webDir ? { webDir: opts.webDir } : {}),
    },
    database,
    sessionSecret,
    storage,
    clock,
    live: { databaseUrl: database.url },
    logger: false,
  })
  await app.ready()

  const ctxAs = (actor: Actor = SYSTEM): Ctx => ({ db: database.db, actor, clock, storage, log: app.log })

  const buildTeam = async (name = unique('Team ')) => {
    const [team] = await database.db.insert(teams).values({ name }).returning()
    return team!
  }

  /** A staff user with a known password and a personal API token for calling the API as them. */
  const buildStaff = async (
    input: {
      role?: 'agent' | 'supervisor' | 'admin'
      teams?: { teamId: string; role?: 'member' | 'supervisor' }[]
      name?: string
      language?: 'de' | 'en'
    } = {},
  ) => {
    const password = `pw-${unique()}-long-enough`
    const email = `${unique('staff')}@example.test`
    const { staff } = await createStaff(ctxAs(), {
      name: input.name ?? 'Test Person',
      email,
      role: input.role ?? 'agent',
      language: input.language ?? 'en',
      password,
      teams: (input.teams ?? []).map((t) => ({ teamId: t.teamId, role: t.role ?? 'member' })),
    })
    const { token } = await createApiToken(ctxAs(), staff.id, 'tests')
    const headers = { authorization: `Bearer ${token}` }
    return { ...staff, password, token, headers }
  }

  /** A customer row (the customers module's own tests go through its API). */
  const buildCustomer = async (input: { name?: string; language?: 'de' | 'en'; email?: string } = {}) => {
    const [customer] = await database.db
      .insert(customers)
      .values({ name: input.name ?? 'Erika Mustermann', language: input.language ?? 'de' })
      .returning()
    const email = input.email ?? `${unique('kunde')}@example.test`
    await database.db.insert(customerEmails).values({ customerId: customer!.id, email, isPrimary: true })
    return { ...customer!, email }
  }

  /** A ticket created through the tickets service, as the given actor (the desk itself by default). */
  const buildTicket = async (input: {
    teamId: string
    customerId?: string
    subject?: string
    assigneeId?: string
    actor?: Actor
    text?: string
    language?: 'de' | 'en'
  }) => {
    const customerId = input.customerId ?? (await buildCustomer()).id
    return createTicket(ctxAs(input.actor), {
      subject: input.subject ?? 'Paket nicht angekommen',
      customerId,
      teamId: input.teamId,
      assigneeId: input.assigneeId,
      ...(input.language ? { language: input.language } : {}),
      channel: 'email',
      status: 'new',
      priority: 'normal',
      tags: [],
      message: {
        text: input.text ?? 'Meine Bestellung ist seit zwei Wochen unterwegs.',
        direction: 'inbound',
      },
    })
  }

  return {
    app,
    database,
    sessionSecret,
    buildCustomer,
    buildTicket,
    db: database.db,
    storage,
    clock,
    ctxAs,
    buildTeam,
    buildStaff,
    close: async () => {
      await app.close()
      await database.drop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Signs in through the API and returns the cookie and CSRF headers of the new session. */
export const signIn = async (app: TestApp['app'], email: string, password: string) => {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } })
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const { csrfToken } = res.json() as { csrfToken: string }
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } }
}
