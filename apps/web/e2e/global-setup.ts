import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type DeskState, STATE_FILE, startServer, tresen, waitReady } from './desk.ts'

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })

const password = () => `e2e-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`

/**
 * Starts Tresen for the browser tests: on a new database of E2E_DATABASE_URL's server when given
 * (CI passes the PostgreSQL it started), otherwise on its own embedded PostgreSQL in a temp dir.
 * Creates an admin, the demo company and two agents of one team.
 */
export default async function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tresen-e2e-'))
  chmodSync(dataDir, 0o755) // the embedded PostgreSQL runs as another user when we are root
  const port = await freePort()
  // localhost, not 127.0.0.1: passkeys are bound to the desk's host name (the relying party id),
  // and browsers accept no IP address there; localhost is a secure context without TLS.
  const baseURL = `http://localhost:${port}`
  // The built-in SMTP receiver, so browser tests can send mail to the desk.
  const smtpPort = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRESEN_DATA_DIR: dataDir,
    TRESEN_PUBLIC_URL: baseURL,
    TRESEN_EMBEDDED_PG_PORT: String(await freePort()),
    TRESEN_SMTP_PORT: String(smtpPort),
    TRESEN_SMTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  }
  delete env.DATABASE_URL
  let database: DeskState['database']
  const adminUrl = process.env.E2E_DATABASE_URL
  if (adminUrl) {
    const name = `tresen_e2e_${process.pid}_${Date.now().toString(36)}`
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    await client.query(`CREATE DATABASE ${name}`)
    await client.end()
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    env.DATABASE_URL = url.toString()
    database = { adminUrl, name }
  }

  const admin = { email: 'admin@e2e.test', password: password() }
  tresen(
    ['create-admin', '--email', admin.email, '--name', 'E2E Admin', '--password-stdin'],
    env,
    admin.password,
  )
  tresen(['seed-demo'], env)
  const token = tresen(['create-token', '--email', admin.email, '--name', 'e2e'], env).trim()

  const logs: string[] = []
  const child = startServer(env, port, (line) => {
    logs.push(line)
    if (process.env.E2E_SERVER_LOG) process.stdout.write(line)
  })
  child.on('exit', (code) => {
    if (code !== 0 && code !== null)
      process.stderr.write(`tresen start exited with ${code}:\n${logs.join('')}\n`)
  })
  await waitReady(baseURL)

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseURL}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
  const teams = await call<{ id: string; name: string }[]>('GET', '/teams')
  const team = teams[0]!
  const agents: DeskState['agents'] = []
  for (const [name, language] of [
    ['Erika Engel', 'de'],
    ['Oliver Owens', 'en'],
  ] as const) {
    const pw = password()
    const email = `${name.split(' ')[0]!.toLowerCase()}@e2e.test`
    const created = await call<{ id: string }>('POST', '/users', {
      name,
      email,
      role: 'agent',
      language,
      password: pw,
      teams: [{ teamId: team.id, role: 'member' }],
    })
    agents.push({ email, password: pw, name, id: created.id })
  }

  const state: DeskState & { token: string; smtpPort: number } = {
    baseURL,
    smtpPort,
    pid: child.pid!,
    dataDir,
    database,
    admin,
    agents,
    teamId: team.id,
    teamName: team.name,
    token,
  }
  writeFileSync(STATE_FILE, JSON.stringify(state), { mode: 0o600 })
  process.env.E2E_BASE_URL = baseURL
}
