import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

export const REPO = path.resolve(import.meta.dirname, '..', '..')
const TRESEN_BIN = path.join(REPO, 'bin', 'tresen.mjs')

// ---------------------------------------------------------------------------------------------
// Cleanup: everything the run starts registers how to undo it; Ctrl-C and errors run it all.

const cleanups: { name: string; fn: () => Promise<void> | void }[] = []

/** Registers an undo step; returns a function that runs it early (and unregisters it). */
export const onCleanup = (name: string, fn: () => Promise<void> | void) => {
  const entry = { name, fn }
  cleanups.push(entry)
  return async () => {
    const i = cleanups.indexOf(entry)
    if (i >= 0) cleanups.splice(i, 1)
    await fn()
  }
}

/** Runs every registered undo step, newest first; a failing step is reported and the rest still run. */
export const cleanupAll = async () => {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!
    try {
      await entry.fn()
    } catch (err) {
      process.stderr.write(`bench: cleanup "${entry.name}" failed: ${(err as Error).message}\n`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })

/** SIGTERM, then SIGKILL when the process has not exited after `graceMs`. */
export const stopChild = async (child: ChildProcess, graceMs = 10_000) => {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited(child)
  clearTimeout(timer)
}

const tail = (text: string, lines = 15) => text.trim().split('\n').slice(-lines).join('\n')

/**
 * Runs `tresen <args>` against the given environment and returns its stdout. With `stream`, its
 * stderr (progress of long commands) is passed through instead of being kept for the error message.
 */
export const runTresen = (
  args: string[],
  env: Record<string, string>,
  opts: { input?: string; stream?: boolean } = {},
) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [TRESEN_BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', opts.stream ? 'inherit' : 'pipe'],
    })
    const undo = onCleanup(`tresen ${args[0]}`, () => stopChild(child, 3000))
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.stdin?.end(opts.input ?? '')
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      void undo()
      if (code === 0) resolve(stdout)
      else {
        const err = new Error(
          `tresen ${args.join(' ')} failed (${signal ?? `exit ${code}`})${stderr ? `:\n${tail(stderr)}` : ''}`,
        ) as Error & { exitCode: number | null; stderr: string }
        err.exitCode = code
        err.stderr = stderr
        reject(err)
      }
    })
  })

/** A free TCP port on loopback. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

export type Server = { name: string; pid: number; url: string; stop: () => Promise<void> }

/** Starts a long-running child process and waits until `readyPath` answers 200. */
const startHttpChild = async (opts: {
  name: string
  args: string[]
  env: Record<string, string>
  port: number
  readyPath: string
  timeoutMs?: number
}): Promise<Server> => {
  const child = spawn(process.execPath, opts.args, {
    cwd: REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const stop = onCleanup(opts.name, () => stopChild(child))
  const url = `http://127.0.0.1:${opts.port}`
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000)
  while (true) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`${opts.name} exited during start-up:\n${tail(output)}`)
    }
    try {
      const res = await fetch(`${url}${opts.readyPath}`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(
        `${opts.name} did not become ready within ${(opts.timeoutMs ?? 90_000) / 1000} s:\n${tail(output)}`,
      )
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  // Warnings and errors the server logs while under load are shown, not hidden.
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${opts.name}] ${d}`))
  return { name: opts.name, pid: child.pid!, url, stop }
}

/** `tresen start` as one process, logging only warnings, with a pool of the given size. */
export const startTresen = async (opts: { databaseUrl: string; dataDir: string; poolSize: number }) => {
  const port = await freePort()
  return startHttpChild({
    name: 'tresen',
    args: [TRESEN_BIN, 'start'],
    env: {
      DATABASE_URL: opts.databaseUrl,
      TRESEN_DATA_DIR: opts.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      // The web app's live connection must come from the desk's own address.
      TRESEN_PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      TRESEN_DB_POOL_SIZE: String(opts.poolSize),
    },
    port,
    readyPath: '/readyz',
  })
}

/** The bare Fastify server the baselines run against (bench/baseline-server.ts). */
export const startBaseline = async (opts: { databaseUrl: string; poolSize: number }) => {
  const port = await freePort()
  return startHttpChild({
    name: 'baseline',
    args: ['--import', 'tsx', path.join(REPO, 'bench', 'baseline-server.ts')],
    env: {
      BASELINE_DATABASE_URL: opts.databaseUrl,
      BASELINE_PORT: String(port),
      BASELINE_POOL_SIZE: String(opts.poolSize),
    },
    port,
    readyPath: '/ready',
  })
}

/** Runs one of the repository's scripts (e.g. scripts/build-server.mjs) to its end. */
export const runScript = (script: string) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, script)], { cwd: REPO, stdio: 'inherit' })
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} failed (${code})`))))
  })
