import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Real `tresen` processes for tests: started from bin/tresen.mjs, their output kept for failures. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
export const BIN = path.join(ROOT, 'bin/tresen.mjs')

export type Proc = { name: string; child: ChildProcess; output: string[]; exited: Promise<number | null> }
const procs: Proc[] = []

/** `env` is laid over this process's environment; a key set to undefined is removed. */
type Env = Record<string, string | undefined>

export const run = (name: string, args: string[], env: Env, stdin?: string): Proc => {
  const merged: Env = { ...process.env, LOG_LEVEL: 'warn', ...env }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: merged,
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()))
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()))
  if (stdin !== undefined) child.stdin!.end(stdin)
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
  const proc = { name, child, output, exited }
  procs.push(proc)
  return proc
}

/** Runs a command to its end: exit code and output. */
export const runToEnd = async (name: string, args: string[], env: Env, stdin?: string) => {
  const proc = run(name, args, env, stdin)
  const code = await proc.exited
  return { code, output: proc.output.join('') }
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

/** Waits until the process answers /readyz with 200; fails at once when it exits. */
export const waitReady = async (proc: Proc, base: string, ms = 120_000) => {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with ${proc.child.exitCode}:\n${proc.output.join('')}`)
    }
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${proc.name} was not ready within ${ms / 1000} s:\n${proc.output.join('')}`)
}

/** Stops every process a test started (SIGTERM, SIGKILL after 8 s). */
export const stopAll = async () => {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM')
  await Promise.all(
    procs.map((p) =>
      Promise.race([
        p.exited,
        new Promise((r) => setTimeout(r, 8000)).then(() => {
          p.child.kill('SIGKILL')
          return p.exited
        }),
      ]),
    ),
  )
  procs.length = 0
}

/** A data folder for a desk on the embedded PostgreSQL, which runs as another user when we are root. */
export const embeddedDataDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.chmodSync(dir, 0o755)
  return dir
}

/** The environment of a desk on the default embedded database in `dataDir`, on free ports. */
export const embeddedDeskEnv = async (dataDir: string) => {
  const [httpPort, pgPort] = [await freePort(), await freePort()]
  const base = `http://127.0.0.1:${httpPort}`
  return {
    base,
    pgPort,
    env: {
      DATABASE_URL: undefined,
      TRESEN_DATA_DIR: dataDir,
      TRESEN_EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      TRESEN_PUBLIC_URL: base,
      TRESEN_SMTP_PORT: undefined,
    },
  }
}
