import { base, de, en, Faker } from '@faker-js/faker'
import type pg from 'pg'
import { v7 as uuidv7 } from 'uuid'
import { hashPassword } from '../auth/index.ts'
import { generatePassword } from '../staff/index.ts'
import { CONTENT_LIMIT } from '../tickets/index.ts'
import { copyJson, copyRow, copyRows, copyText, copyTextArray, copyTime } from './benchdata.copy.ts'
import {
  type Cast,
  DAY,
  planTicket,
  responseTimesOf,
  type TicketPlan,
  ticketTimes,
} from './benchdata.plan.ts'
import { Rng } from './benchdata.random.ts'
import {
  addForeignKeySql,
  BULK_TABLES,
  dropForeignKeySql,
  dropIndexSql,
  foreignKeys,
  type SavedForeignKey,
  type SavedIndex,
  secondaryIndexes,
  validateForeignKeySql,
} from './benchdata.schema.ts'
import { messageBody, subject } from './benchdata.text.ts'

/**
 * A large, realistic data set for load tests: teams, staff, organizations, customers and tickets
 * spread over the last three years, each ticket with a conversation and a timeline. Rows are
 * generated in order and streamed with COPY; the secondary indexes and foreign keys of the big
 * tables are dropped for the load and rebuilt afterwards (also when the load fails or is aborted).
 */

export type SeedBenchOptions = {
  tickets: number
  /** Same seed and same database state, same data. */
  seed?: number
  /** The end of the three years (default: now). */
  now?: Date
  /** Database connections used in parallel for loading and index builds (default 2). */
  concurrency?: number
  onProgress?: (progress: SeedBenchProgress) => void
  /** Aborting stops the load; indexes and foreign keys are still restored. */
  signal?: AbortSignal
}

export type SeedBenchPhase = 'prepare' | 'load' | 'indexes' | 'constraints' | 'analyze'

export type SeedBenchProgress = { phase: SeedBenchPhase; done: number; total: number; detail: string }

export type SeedBenchResult = {
  /** Marks this run's rows: in staff and customer emails, team names and organization domains. */
  tag: string
  /** Password of every generated staff user (random per run). */
  staffPassword: string
  /** Generated admins (for `tresen create-token`). */
  adminEmails: string[]
  counts: Record<string, number>
  firstTicketNumber: number
  lastTicketNumber: number
  seconds: number
  rowsPerSecond: number
  /** Seconds per phase, and per step (each table chunk, index and constraint). */
  phases: Record<SeedBenchPhase, number>
  steps: { name: string; seconds: number }[]
}

export const BENCH_DOMAIN = 'bench.example'

const YEARS = 3
const TICKETS_PER_CHUNK = 100_000
const CUSTOMERS_PER_CHUNK = 200_000

/** How many of everything, for a number of tickets (numbers in the comments are at 1,000,000). */
export const sizesFor = (tickets: number) => {
  const teams = Math.min(20, Math.max(3, Math.ceil(Math.sqrt(tickets) / 50))) // 20
  return {
    tickets,
    teams,
    staff: Math.min(250, Math.max(teams * 2 + 3, Math.round(tickets / 4000))), // 250
    customers: Math.max(10, Math.round(tickets * 0.3)), // 300,000
    organizations: Math.max(2, Math.round(tickets * 0.03)), // 30,000
  }
}

const TEAM_NAMES: [string, string][] = [
  ['Kundenservice', 'Bestellungen, Lieferungen und allgemeine Fragen'],
  ['Technischer Support', 'Geräte, Einrichtung, Fehlermeldungen'],
  ['Buchhaltung', 'Rechnungen, Zahlungen, Gutschriften'],
  ['Retouren', 'Rücksendungen, Umtausch, Erstattungen'],
  ['Customer Care UK', 'Orders and deliveries for customers in the UK'],
  ['Vertragsservice', 'Verträge, Kündigungen, Tarifwechsel'],
  ['Billing International', 'Invoices and payments in English'],
  ['Reklamationen', 'Beschwerden und Garantiefälle'],
  ['Versand & Logistik', 'Sendungsverfolgung, Nachforschungen, Spediteure'],
  ['Key Accounts', 'Geschäftskunden und Großbestellungen'],
  ['Werkstatt', 'Reparaturen und Ersatzteile'],
  ['Technical Support EN', 'Device setup and troubleshooting in English'],
  ['Kundenkonto & Datenschutz', 'Anmeldung, Passwörter, Auskunft und Löschung'],
  ['Onboarding', 'New business customers'],
  ['Zahlungsverkehr', 'Lastschriften, Ratenzahlung, Mahnwesen'],
  ['Premium Support', 'Priority customers'],
  ['Kundenservice Süd', 'Filialen in Bayern und Baden-Württemberg'],
  ['Kundenservice Nord', 'Filialen in Hamburg, Bremen und Niedersachsen'],
  ['Escalations', 'Complaints and escalated cases'],
  ['Partner Support', 'Resellers and marketplace partners'],
]

const NOTES: Record<'de' | 'en', string[]> = {
  de: ['Stammkunde', 'Bevorzugt Rückruf am Vormittag', 'Hat einen Wartungsvertrag', 'Bitte nur per E-Mail'],
  en: ['Long-standing customer', 'Prefers a call back in the morning', 'Has a service plan', 'Email only'],
}
const PHONE_LABELS: Record<'de' | 'en', string[]> = {
  de: ['mobil', 'privat', 'geschäftlich'],
  en: ['mobile', 'home', 'work'],
}

/** A name as the local part of an email address: ASCII, lower-case, dots between words. */
export const emailLocal = (name: string) =>
  name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '')

const GERMAN_PREFIXES = [
  '151',
  '152',
  '157',
  '160',
  '162',
  '170',
  '171',
  '172',
  '175',
  '176',
  '177',
  '178',
  '179',
]
const GERMAN_AREAS = ['30', '40', '69', '89', '221', '211', '711', '761', '341', '351', '511', '911']

// Only ranges that are in service, so every generated number passes the API's own validation.
const UK_MOBILE = ['4', '5', '8', '9']
const NANP_AREAS = ['212', '312', '415', '617', '206', '303', '512', '646', '718', '202', '305', '404']

/** A phone number in E.164: German, British or North American. */
export const phoneNumber = (rng: Rng, lang: 'de' | 'en') => {
  const digits = (n: number) => {
    let s = ''
    for (let i = 0; i < n; i++) s += String(rng.int(10))
    return s
  }
  if (lang === 'de') {
    return rng.chance(0.6)
      ? `+49${rng.pick(GERMAN_PREFIXES)}${digits(8)}`
      : `+49${rng.pick(GERMAN_AREAS)}${1 + rng.int(9)}${digits(6)}`
  }
  if (rng.chance(0.6))
    return rng.chance(0.7) ? `+447${rng.pick(UK_MOBILE)}${digits(8)}` : `+4420${7 + rng.int(2)}${digits(7)}`
  return `+1${rng.pick(NANP_AREAS)}${2 + rng.int(8)}${digits(6)}`
}

/** A uuid v7 for a moment: ordered by time, then by `seq`; the rest comes from the seeded source. */
const idAt = (rng: Rng, msecs: number, seq: number, bytes: Uint8Array) =>
  uuidv7({ msecs: Math.floor(msecs), seq: seq >>> 0, random: rng.fill(bytes) })

type World = {
  seed: number
  tag: string
  now: number
  start: number
  sizes: ReturnType<typeof sizesFor>
  teamIds: string[]
  staffIds: string[]
  staffNames: string[]
  customerIds: string[]
  customerNames: string[]
  customerEmails: string[]
  cast: Cast
  times: Float64Array
  firstNumber: number
  branches: string[]
  organizationNames: string[]
  customerOrg: Int32Array
  /** Whether tickets keep their conversation's text for search (tickets.content). */
  ticketContent: boolean
}

class Aborted extends Error {
  constructor() {
    super('the load was aborted')
    this.name = 'AbortError'
  }
}

/** Creates the data set. See SeedBenchOptions; the caller owns the pool. */
export const seedBench = async (pool: pg.Pool, options: SeedBenchOptions): Promise<SeedBenchResult> => {
  const startedAt = performance.now()
  const seed = options.seed ?? 1
  const concurrency = Math.max(1, options.concurrency ?? 2)
  const signal = options.signal
  const report = options.onProgress ?? (() => undefined)
  const counts: Record<string, number> = {}
  const steps: { name: string; seconds: number }[] = []
  const phases: Record<SeedBenchPhase, number> = {
    prepare: 0,
    load: 0,
    indexes: 0,
    constraints: 0,
    analyze: 0,
  }
  const timed = async <T>(name: string, fn: () => Promise<T>) => {
    const t = performance.now()
    const result = await fn()
    steps.push({ name, seconds: (performance.now() - t) / 1000 })
    return result
  }
  const checkAbort = () => {
    if (signal?.aborted) throw new Aborted()
  }

  report({ phase: 'prepare', done: 0, total: 1, detail: 'staff and customers' })
  const control = await pool.connect()
  let world: World
  let staffPassword: string
  let adminEmails: string[]
  let saved: { indexes: SavedIndex[]; foreignKeys: SavedForeignKey[] }
  try {
    const tag = await freeTag(control, seed)
    staffPassword = generatePassword()
    const passwordHash = await hashPassword(staffPassword)
    const prepared = await prepareWorld(control, { seed, tag, tickets: options.tickets, now: options.now })
    world = prepared.world
    adminEmails = prepared.adminEmails
    await control.query('BEGIN')
    try {
      for (const [table, n] of Object.entries(await prepared.insertStaff(passwordHash))) counts[table] = n
      await control.query('COMMIT')
    } catch (err) {
      await control.query('ROLLBACK')
      throw err
    }
    saved = {
      indexes: await secondaryIndexes(control, BULK_TABLES),
      foreignKeys: await foreignKeys(control, BULK_TABLES),
    }
    // One transaction: either every index and key is dropped (and restored below), or none.
    await control.query('BEGIN')
    try {
      for (const fk of saved.foreignKeys) await control.query(dropForeignKeySql(fk))
      for (const index of saved.indexes) await control.query(dropIndexSql(index))
      await control.query('COMMIT')
    } catch (err) {
      await control.query('ROLLBACK')
      throw err
    }
  } finally {
    control.release()
  }
  phases.prepare = (performance.now() - startedAt) / 1000

  let loadError: unknown
  const loadStart = performance.now()
  try {
    await loadAll(pool, world, { concurrency, counts, report, timed, checkAbort })
  } catch (err) {
    loadError = err
  }
  phases.load = (performance.now() - loadStart) / 1000

  // Whatever happened above, the schema goes back to what it was.
  const restoreErrors: string[] = []
  let t = performance.now()
  await runAll(
    pool,
    concurrency,
    orderIndexBuilds(saved.indexes).map((index) => ({
      name: index.name,
      run: (client: pg.ClientBase) => timed(`index ${index.name}`, () => client.query(index.definition)),
    })),
    { phase: 'indexes', report, keepGoing: restoreErrors, settings: BUILD_SETTINGS },
  )
  phases.indexes = (performance.now() - t) / 1000
  t = performance.now()
  await runAll(
    pool,
    concurrency,
    saved.foreignKeys.map((fk) => ({
      name: fk.name,
      run: async (client: pg.ClientBase) => {
        await timed(`constraint ${fk.name}`, async () => {
          await client.query(addForeignKeySql(fk))
          await client.query(validateForeignKeySql(fk))
        })
      },
    })),
    { phase: 'constraints', report, keepGoing: restoreErrors, settings: BUILD_SETTINGS },
  )
  phases.constraints = (performance.now() - t) / 1000
  const control2 = await pool.connect()
  try {
    // Later tickets (API, mail, phone) continue after the highest number.
    await control2.query(
      `SELECT setval('ticket_number_seq', GREATEST((SELECT max(number) FROM tickets), $1::bigint))`,
      [world.firstNumber],
    )
  } finally {
    control2.release()
  }
  if (restoreErrors.length > 0) {
    const failed = restoreErrors.join('\n')
    throw new Error(`restoring indexes or foreign keys failed; recreate them by hand:\n${failed}`, {
      cause: loadError,
    })
  }
  if (loadError) throw loadError

  // Open tickets carry response targets as a desk with policies has them: most running, some in
  // warning, one in ten breached, one in ten paused (the 'due' sort and the marks read these).
  // Counted with the analyze phase that follows.
  t = performance.now()
  await timed('promise summaries', () =>
    pool.query(`UPDATE tickets SET
        promise_state = (ARRAY['breached','warning','warning','paused','running','running','running','running','running','running'])[number % 10 + 1],
        promise_due_at = CASE WHEN number % 10 = 3 THEN NULL ELSE created_at + ((number * 7919) % 96) * interval '1 hour' END
      WHERE status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL`),
  )
  await runAll(
    pool,
    concurrency,
    [
      'interactions',
      'ticket_events',
      'tickets',
      'customers',
      'customer_emails',
      'customer_phones',
      'organizations',
    ].map((table) => ({
      name: table,
      // VACUUM as well: a fresh load has no visibility map and no hint bits, so the first
      // searches and lists would each read (and dirty) every heap page they touch; measured at
      // 1M, English search p95 987 ms right after the seed against 47 ms once vacuumed.
      run: (client: pg.ClientBase) =>
        timed(`vacuum ${table}`, () => client.query(`VACUUM (ANALYZE) ${table}`)),
    })),
    { phase: 'analyze', report, settings: BUILD_SETTINGS },
  )
  phases.analyze = (performance.now() - t) / 1000

  const seconds = (performance.now() - startedAt) / 1000
  const rows = Object.values(counts).reduce((a, b) => a + b, 0)
  return {
    tag: world.tag,
    staffPassword,
    adminEmails,
    counts,
    firstTicketNumber: world.firstNumber,
    lastTicketNumber: world.firstNumber + options.tickets - 1,
    seconds,
    rowsPerSecond: rows / seconds,
    phases,
    steps,
  }
}

const LOAD_SETTINGS = `SET synchronous_commit = off`
const BUILD_SETTINGS = `SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 1; SET work_mem = '256MB'`

/** Biggest first, so the long GIN builds start at once and the small ones fill the gaps. */
const orderIndexBuilds = (indexes: SavedIndex[]) => {
  const weight: Record<string, number> = { interactions: 100, ticket_events: 30, tickets: 20 }
  const cost = (i: SavedIndex) => (weight[i.table] ?? 5) * (i.kind === 'gin' ? 4 : 1)
  return [...indexes].sort((a, b) => cost(b) - cost(a))
}

type Task = { name: string; run: (client: pg.ClientBase) => Promise<unknown> }

/**
 * Runs tasks on `concurrency` connections. By default the first failure stops the rest; with
 * `keepGoing`, failures are collected there and every task is tried (restoring the schema).
 */
const runAll = async (
  pool: pg.Pool,
  concurrency: number,
  tasks: Task[],
  opts: {
    phase: SeedBenchPhase
    report: (p: SeedBenchProgress) => void
    keepGoing?: string[]
    settings: string
  },
) => {
  let next = 0
  let done = 0
  let failure: unknown
  opts.report({ phase: opts.phase, done: 0, total: tasks.length, detail: '' })
  const worker = async () => {
    // A failed task may leave its connection unusable: the next tasks get a fresh one.
    while (next < tasks.length && failure === undefined) {
      const client = await pool.connect()
      let broken = false
      try {
        await client.query(opts.settings)
        while (next < tasks.length && failure === undefined) {
          const task = tasks[next++]!
          try {
            await task.run(client)
          } catch (err) {
            broken = true
            if (opts.keepGoing) opts.keepGoing.push(`${task.name}: ${(err as Error).message}`)
            else failure = err
            break
          }
          done++
          opts.report({ phase: opts.phase, done, total: tasks.length, detail: task.name })
        }
      } finally {
        client.release(broken)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker))
  if (failure !== undefined) throw failure
}

const hasColumn = async (client: pg.ClientBase, table: string, column: string) => {
  const { rowCount } = await client.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  )
  return (rowCount ?? 0) > 0
}

/** A marker for this run's rows that no earlier run used (`b<seed>`, then `b<seed>-2`, …). */
const freeTag = async (client: pg.ClientBase, seed: number) => {
  for (let n = 1; ; n++) {
    const tag = n === 1 ? `b${seed}` : `b${seed}-${n}`
    const { rowCount } = await client.query(
      `SELECT 1 FROM staff_users WHERE lower(email) LIKE $1 OR lower(email) LIKE $2 LIMIT 1`,
      [`%.${tag}@${BENCH_DOMAIN}`, `%.${tag}.%@${BENCH_DOMAIN}`],
    )
    const teams = await client.query(`SELECT 1 FROM teams WHERE name LIKE $1 LIMIT 1`, [`% (${tag})`])
    if (rowCount === 0 && teams.rowCount === 0) return tag
  }
}

/** Teams, staff and customers (held in memory: tickets refer to them) and the ticket times. */
const prepareWorld = async (
  client: pg.ClientBase,
  input: { seed: number; tag: string; tickets: number; now?: Date },
) => {
  const { seed, tag } = input
  const sizes = sizesFor(input.tickets)
  const now = (input.now ?? new Date()).getTime()
  const start = now - YEARS * 365 * DAY
  const rng = new Rng(seed, 0, 11)
  const bytes = new Uint8Array(16)
  const fakers = {
    de: new Faker({ locale: [de, base] }),
    en: new Faker({ locale: [en, base] }),
  }
  fakers.de.seed(seed)
  fakers.en.seed(seed + 1)

  const teamIds: string[] = []
  const teamRows: string[] = []
  for (let t = 0; t < sizes.teams; t++) {
    const [name, description] = TEAM_NAMES[t % TEAM_NAMES.length]!
    const round = Math.floor(t / TEAM_NAMES.length)
    const created = start - 90 * DAY + t * 60_000
    const id = idAt(rng, created, t, bytes)
    teamIds.push(id)
    const fullName = `${name}${round > 0 ? ` ${round + 1}` : ''} (${tag})`
    teamRows.push(
      copyRow([id, copyText(fullName), copyText(description), copyTime(created), copyTime(created)]),
    )
  }

  // Staff: a few admins, one supervisor per team, agents in one or two teams.
  const admins = Math.max(1, Math.round(sizes.staff * 0.012))
  const staffIds: string[] = []
  const staffNames: string[] = []
  const staffRows: string[] = []
  const accountRows: string[] = []
  const memberRows: string[] = []
  const adminEmails: string[] = []
  const teamMembers: number[][] = teamIds.map(() => [])
  const teamSupervisor: number[] = []
  const usedEmails = new Set<string>()
  const accountPlaceholder = '\u0001HASH\u0001'
  for (let s = 0; s < sizes.staff; s++) {
    const lang = rng.chance(0.75) ? 'de' : 'en'
    const first = fakers[lang].person.firstName()
    const last = fakers[lang].person.lastName()
    const name = `${first} ${last}`
    let local = `${emailLocal(first)}.${emailLocal(last)}`
    for (let n = 2; usedEmails.has(local); n++) local = `${emailLocal(first)}.${emailLocal(last)}${n}`
    usedEmails.add(local)
    const email = `${local}.${tag}@${BENCH_DOMAIN}`
    const role = s < admins ? 'admin' : s < admins + sizes.teams ? 'supervisor' : 'agent'
    const created = start - 60 * DAY + s * 3_600_000
    const id = idAt(rng, created, s, bytes)
    staffIds.push(id)
    staffNames.push(name)
    if (role === 'admin') adminEmails.push(email)
    staffRows.push(
      copyRow([
        id,
        copyText(name),
        copyText(email),
        't',
        role,
        lang,
        't',
        copyTime(created),
        copyTime(created),
      ]),
    )
    accountRows.push(
      copyRow([
        idAt(rng, created, s, bytes),
        id,
        'credential',
        id,
        accountPlaceholder,
        copyTime(created),
        copyTime(created),
      ]),
    )
    const join = (team: number, teamRole: 'member' | 'supervisor') => {
      teamMembers[team]!.push(s)
      memberRows.push(copyRow([teamIds[team]!, id, teamRole, copyTime(created)]))
    }
    if (role === 'supervisor') {
      const team = s - admins
      teamSupervisor[team] = s
      join(team, 'supervisor')
    } else if (role === 'agent') {
      const agent = s - admins - sizes.teams
      const home = agent % sizes.teams
      join(home, 'member')
      if (sizes.teams > 1 && rng.chance(0.3))
        join((home + 1 + rng.int(sizes.teams - 1)) % sizes.teams, 'member')
    }
  }
  // Bigger teams take more tickets.
  const cumulative: number[] = []
  let sum = 0
  for (const m of teamMembers) {
    sum += m.length
    cumulative.push(sum)
  }
  const pickTeam = (r: Rng) => {
    const x = r.int(sum)
    let t = 0
    while (cumulative[t]! <= x) t++
    return t
  }

  // Customers: created over the three years and the year before, so tickets find older ones.
  const customerStart = start - 365 * DAY
  const customerStep = (now - 7 * DAY - customerStart) / sizes.customers
  const customerIds: string[] = new Array(sizes.customers)
  const customerNames: string[] = new Array(sizes.customers)
  const customerEmails: string[] = new Array(sizes.customers)
  const customerLanguage = new Uint8Array(sizes.customers)
  const customerOrg = new Int32Array(sizes.customers)
  for (let c = 0; c < sizes.customers; c++) {
    const lang = rng.chance(0.6) ? 'de' : 'en'
    const first = fakers[lang].person.firstName()
    const last = fakers[lang].person.lastName()
    customerNames[c] = `${first} ${last}`
    customerLanguage[c] = lang === 'de' ? 0 : 1
    customerOrg[c] = rng.chance(0.2) ? rng.int(sizes.organizations) : -1
    customerEmails[c] = `${emailLocal(first)}.${emailLocal(last)}.${c}.${tag}@${BENCH_DOMAIN}`
    customerIds[c] = idAt(rng, customerStart + c * customerStep, c, bytes)
  }
  const organizationNames: string[] = []
  for (let o = 0; o < sizes.organizations; o++) {
    organizationNames.push(fakers[rng.chance(0.6) ? 'de' : 'en'].company.name())
  }
  const branches = Array.from({ length: 8 }, () => fakers.de.location.city())

  const { rows } = await client.query<{ n: string }>(`SELECT nextval('ticket_number_seq') AS n`)
  const firstNumber = Number(rows[0]!.n)

  const world: World = {
    seed,
    tag,
    now,
    start,
    sizes,
    teamIds,
    staffIds,
    staffNames,
    customerIds,
    customerNames,
    customerEmails,
    cast: {
      teamCount: sizes.teams,
      teamIds,
      staffIds,
      teamMembers,
      teamSupervisor,
      pickTeam,
      customerCount: sizes.customers,
      customerLanguage,
      customerStart,
      customerStep,
    },
    times: ticketTimes(seed, sizes.tickets, start, now - 10 * 60_000),
    firstNumber,
    branches,
    organizationNames,
    customerOrg,
    ticketContent: await hasColumn(client, 'tickets', 'content'),
  }

  const insertStaff = async (passwordHash: string) => {
    await copyRows(client, 'teams', ['id', 'name', 'description', 'created_at', 'updated_at'], teamRows)
    await copyRows(
      client,
      'staff_users',
      ['id', 'name', 'email', 'email_verified', 'role', 'language', 'active', 'created_at', 'updated_at'],
      staffRows,
    )
    const hash = copyText(passwordHash)
    await copyRows(
      client,
      'auth_accounts',
      ['id', 'account_id', 'provider_id', 'user_id', 'password', 'created_at', 'updated_at'],
      accountRows.map((r) => r.replace(accountPlaceholder, hash)),
    )
    await copyRows(client, 'team_members', ['team_id', 'staff_id', 'role', 'created_at'], memberRows)
    return {
      teams: teamRows.length,
      staff_users: staffRows.length,
      auth_accounts: accountRows.length,
      team_members: memberRows.length,
    }
  }
  return { world, adminEmails, insertStaff }
}

type LoadContext = {
  concurrency: number
  counts: Record<string, number>
  report: (p: SeedBenchProgress) => void
  timed: <T>(name: string, fn: () => Promise<T>) => Promise<T>
  checkAbort: () => void
}

/** Every big table, in chunks, each chunk one COPY in one transaction, on parallel connections. */
const loadAll = async (pool: pg.Pool, world: World, ctx: LoadContext) => {
  const { sizes } = world
  const expected = sizes.organizations + sizes.customers * 2.85 + sizes.tickets * (1 + 5 + 2.9) // about what comes
  let done = 0
  let lastReport = 0
  const count = (table: string) => {
    ctx.counts[table] = (ctx.counts[table] ?? 0) + 1
    done++
    if (done - lastReport >= 20_000) {
      lastReport = done
      ctx.checkAbort()
      ctx.report({ phase: 'load', done, total: Math.max(expected, done), detail: table })
    }
  }
  const tasks: Task[] = []
  const chunkTask = (table: string, columns: string[], from: number, to: number, rows: RowSource) =>
    tasks.push({
      name: `${table} ${from}-${to}`,
      run: (client) =>
        ctx.timed(`load ${table} ${from}–${to}`, async () => {
          // On failure runAll discards the connection, which rolls the transaction back.
          await client.query('BEGIN')
          await copyRows(
            client,
            table,
            columns,
            rows(from, to, () => count(table)),
          )
          await client.query('COMMIT')
        }),
    })
  type RowSource = (from: number, to: number, counted: () => void) => Iterable<string>

  chunkTask('organizations', ORG_COLUMNS, 0, sizes.organizations, (a, b, c) =>
    organizationRows(world, a, b, c),
  )
  for (let a = 0; a < sizes.customers; a += CUSTOMERS_PER_CHUNK) {
    const b = Math.min(sizes.customers, a + CUSTOMERS_PER_CHUNK)
    chunkTask('customers', CUSTOMER_COLUMNS, a, b, (x, y, c) => customerRows(world, x, y, c))
    chunkTask('customer_emails', EMAIL_COLUMNS, a, b, (x, y, c) => emailRows(world, x, y, c))
    chunkTask('customer_phones', PHONE_COLUMNS, a, b, (x, y, c) => phoneRows(world, x, y, c))
  }
  const ticketChunks: [number, number][] = []
  for (let a = 0; a < sizes.tickets; a += TICKETS_PER_CHUNK) {
    ticketChunks.push([a, Math.min(sizes.tickets, a + TICKETS_PER_CHUNK)])
  }
  const ticketColumns = world.ticketContent ? [...TICKET_COLUMNS, 'content'] : TICKET_COLUMNS
  for (const [a, b] of ticketChunks) {
    chunkTask('tickets', ticketColumns, a, b, (x, y, c) => ticketRows(world, x, y, c))
  }
  for (const [a, b] of ticketChunks) {
    chunkTask('interactions', INTERACTION_COLUMNS, a, b, (x, y, c) => interactionRows(world, x, y, c))
    chunkTask('ticket_events', EVENT_COLUMNS, a, b, (x, y, c) => eventRows(world, x, y, c))
  }
  await runAll(pool, ctx.concurrency, tasks, {
    phase: 'load',
    report: () => undefined,
    settings: LOAD_SETTINGS,
  })
  ctx.report({ phase: 'load', done, total: done, detail: 'done' })
}

const ORG_COLUMNS = ['id', 'name', 'domain', 'notes', 'created_at', 'updated_at']
const CUSTOMER_COLUMNS = ['id', 'name', 'language', 'organization_id', 'notes', 'created_at', 'updated_at']
const EMAIL_COLUMNS = ['id', 'customer_id', 'email', 'is_primary', 'created_at']
const PHONE_COLUMNS = ['id', 'customer_id', 'phone', 'label', 'created_at']
const TICKET_COLUMNS = [
  'id',
  'number',
  'subject',
  'status',
  'priority',
  'channel',
  'team_id',
  'assignee_id',
  'customer_id',
  'language',
  'tags',
  'version',
  'created_at',
  'updated_at',
  'solved_at',
  'closed_at',
  'waiting_since',
  'first_response_at',
]
const INTERACTION_COLUMNS = [
  'id',
  'ticket_id',
  'channel',
  'direction',
  'author_staff_id',
  'author_customer_id',
  'body_text',
  'language',
  'thread_key',
  'channel_data',
  'created_at',
]
const EVENT_COLUMNS = ['id', 'ticket_id', 'type', 'actor_staff_id', 'changes', 'reason', 'created_at']

const organizationCreated = (world: World, o: number) =>
  world.cast.customerStart +
  (o / world.sizes.organizations) * (world.now - world.cast.customerStart - 30 * DAY)
const organizationId = (world: World, o: number) =>
  idAt(new Rng(world.seed, o, 21), organizationCreated(world, o), o, new Uint8Array(16))
const organizationDomain = (world: World, o: number) =>
  `${emailLocal(world.organizationNames[o]!).replace(/\./g, '-').slice(0, 40)}-${o}.${world.tag}.${BENCH_DOMAIN}`

function* organizationRows(world: World, from: number, to: number, counted: () => void) {
  for (let o = from; o < to; o++) {
    const created = copyTime(organizationCreated(world, o))
    yield copyRow([
      organizationId(world, o),
      copyText(world.organizationNames[o]),
      copyText(organizationDomain(world, o)),
      '',
      created,
      created,
    ])
    counted()
  }
}

const customerCreated = (world: World, c: number) => world.cast.customerStart + c * world.cast.customerStep

function* customerRows(world: World, from: number, to: number, counted: () => void) {
  for (let c = from; c < to; c++) {
    const rng = new Rng(world.seed, c, 22)
    const lang = world.cast.customerLanguage[c] === 1 ? 'en' : 'de'
    const org = world.customerOrg[c]!
    const created = copyTime(customerCreated(world, c))
    yield copyRow([
      world.customerIds[c]!,
      copyText(world.customerNames[c]),
      lang,
      org >= 0 ? organizationId(world, org) : '\\N',
      rng.chance(0.03) ? copyText(rng.pick(NOTES[lang])) : '',
      created,
      created,
    ])
    counted()
  }
}

function* emailRows(world: World, from: number, to: number, counted: () => void) {
  const bytes = new Uint8Array(16)
  for (let c = from; c < to; c++) {
    const rng = new Rng(world.seed, c, 23)
    const at = customerCreated(world, c)
    const created = copyTime(at)
    const org = world.customerOrg[c]!
    // Members of an organization write from its domain; everyone's address is unique to this run.
    const primary =
      org >= 0
        ? `${world.customerEmails[c]!.split('@')[0]}@${organizationDomain(world, org)}`
        : world.customerEmails[c]!
    yield copyRow([idAt(rng, at, c * 2, bytes), world.customerIds[c]!, copyText(primary), 't', created])
    counted()
    if (rng.chance(0.1)) {
      const local = world.customerEmails[c]!.split('@')[0]!.split('.')
      // first letter + last name + number, no dots: cannot equal a primary address
      const alt = `${local[0]!.charAt(0)}${local.slice(1, -2).join('')}${c}.${world.tag}@${BENCH_DOMAIN}`
      yield copyRow([idAt(rng, at + 1, c * 2 + 1, bytes), world.customerIds[c]!, copyText(alt), 'f', created])
      counted()
    }
  }
}

function* phoneRows(world: World, from: number, to: number, counted: () => void) {
  const bytes = new Uint8Array(16)
  for (let c = from; c < to; c++) {
    const rng = new Rng(world.seed, c, 24)
    if (!rng.chance(0.75)) continue
    const lang = world.cast.customerLanguage[c] === 1 ? 'en' : 'de'
    const at = customerCreated(world, c)
    const phones = rng.chance(0.1) ? 2 : 1
    for (let p = 0; p < phones; p++) {
      yield copyRow([
        idAt(rng, at + p, c * 2 + p, bytes),
        world.customerIds[c]!,
        phoneNumber(rng, lang),
        rng.chance(0.7) ? copyText(PHONE_LABELS[lang][p === 0 ? 0 : 2]) : '\\N',
        copyTime(at),
      ])
      counted()
    }
  }
}

const planOf = (world: World, i: number): TicketPlan =>
  planTicket(world.seed, i, world.times[i]!, world.now, world.cast)

const ticketId = (world: World, i: number, createdAt: number) =>
  idAt(new Rng(world.seed, i, 4), createdAt, i, new Uint8Array(16))

/** The message bodies of a ticket, from their own random stream: tickets and interactions agree. */
const conversation = (world: World, plan: TicketPlan) => {
  const rng = new Rng(world.seed, plan.index, 3)
  const customer = world.customerNames[plan.customer]!
  return plan.steps.map((step) =>
    messageBody(rng, plan.topic, plan.lang, plan.facts, step.kind, {
      customer,
      agent: step.author >= 0 ? world.staffNames[step.author]! : '',
    }),
  )
}

function* ticketRows(world: World, from: number, to: number, counted: () => void) {
  for (let i = from; i < to; i++) {
    const plan = planOf(world, i)
    const rng = new Rng(world.seed, i, 2)
    const { waitingSince, firstResponseAt } = responseTimesOf(plan.steps)
    const row = [
      ticketId(world, i, plan.createdAt),
      String(world.firstNumber + i),
      copyText(subject(rng, plan.topic, plan.lang, plan.facts)),
      plan.status,
      plan.priority,
      plan.channel,
      world.teamIds[plan.team]!,
      plan.assignee >= 0 ? world.staffIds[plan.assignee]! : '\\N',
      world.customerIds[plan.customer]!,
      plan.lang,
      copyTextArray(plan.tags),
      String(plan.events.length),
      copyTime(plan.createdAt),
      copyTime(plan.updatedAt),
      copyTime(plan.solvedAt),
      copyTime(plan.closedAt),
      copyTime(waitingSince),
      copyTime(firstResponseAt),
    ]
    if (world.ticketContent) row.push(copyText(conversation(world, plan).join('\n').slice(0, CONTENT_LIMIT)))
    yield copyRow(row)
    counted()
  }
}

function* interactionRows(world: World, from: number, to: number, counted: () => void) {
  const bytes = new Uint8Array(16)
  for (let i = from; i < to; i++) {
    const plan = planOf(world, i)
    const rng = new Rng(world.seed, i, 6)
    const tid = ticketId(world, i, plan.createdAt)
    const bodies = conversation(world, plan)
    for (let k = 0; k < plan.steps.length; k++) {
      const step = plan.steps[k]!
      const id = idAt(rng, step.at, i * 8 + k, bytes)
      const body = bodies[k]!
      let channelData: unknown = null
      let messageId: string | null = null
      let callId: string | null = null
      switch (step.channel) {
        case 'email':
          messageId = `<${id}@mail.${world.tag}.${BENCH_DOMAIN}>`
          channelData =
            step.direction === 'inbound'
              ? { channel: 'email', messageId, from: world.customerEmails[plan.customer] }
              : { channel: 'email', messageId, to: [world.customerEmails[plan.customer]] }
          break
        case 'phone':
          callId = `call-${id}`
          channelData = { channel: 'phone', callId, durationSeconds: 30 + rng.int(1200) }
          break
        case 'chat':
          channelData = { channel: 'chat', sessionId: `chat-${tid}` }
          break
        case 'walk_in':
          channelData = { channel: 'walk_in', branch: world.branches[plan.team % world.branches.length] }
          break
      }
      yield copyRow([
        id,
        tid,
        step.channel,
        step.direction,
        step.author >= 0 ? world.staffIds[step.author]! : '\\N',
        step.author >= 0 ? '\\N' : world.customerIds[plan.customer]!,
        copyText(body),
        plan.lang,
        copyText(messageId ?? callId),
        copyJson(channelData),
        copyTime(step.at),
      ])
      counted()
    }
  }
}

function* eventRows(world: World, from: number, to: number, counted: () => void) {
  const bytes = new Uint8Array(16)
  for (let i = from; i < to; i++) {
    const plan = planOf(world, i)
    const rng = new Rng(world.seed, i, 5)
    const tid = ticketId(world, i, plan.createdAt)
    for (let k = 0; k < plan.events.length; k++) {
      const e = plan.events[k]!
      yield copyRow([
        idAt(rng, e.at, i * 8 + k, bytes),
        tid,
        e.type,
        e.actor >= 0 ? world.staffIds[e.actor]! : '\\N',
        copyJson(e.changes),
        copyText(e.reason),
        copyTime(e.at),
      ])
      counted()
    }
  }
}
