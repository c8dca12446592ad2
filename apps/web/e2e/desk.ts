import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** What the global setup started, for the tests (written to a file, read by each test). */
export type DeskState = {
  baseURL: string
  pid: number
  dataDir: string
  database?: { adminUrl: string; name: string }
  admin: { email: string; password: string }
  agents: { email: string; password: string; name: string; id: string }[]
  teamId: string
  teamName: string
}

export const REPO = resolve(import.meta.dirname, '../../..')
export const STATE_FILE = join(tmpdir(), `tresen-e2e-state-${process.env.E2E_RUN_ID ?? 'local'}.json`)

export const readState = (): DeskState => JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DeskState

/** Runs a `tresen` command to its end; its stdout, or an error with what it printed. */
export const tresen = (args: string[], env: NodeJS.ProcessEnv, input?: string) => {
  const res = spawnSync(process.execPath, [join(REPO, 'bin/tresen.mjs'), ...args], {
    cwd: REPO,
    env,
    input,
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (res.status !== 0) {
    throw new Error(`tresen ${args.join(' ')} failed (${res.status}):\n${res.stdout}\n${res.stderr}`)
  }
  return res.stdout
}

export const startServer = (env: NodeJS.ProcessEnv, port: number, log: (line: string) => void) => {
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin/tresen.mjs'), 'start', '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    },
  )
  child.stdout.on('data', (d: Buffer) => log(d.toString()))
  child.stderr.on('data', (d: Buffer) => log(d.toString()))
  return child
}

export const waitReady = async (baseURL: string, timeoutMs = 120_000) => {
  const until = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < until) {
    try {
      const res = await fetch(`${baseURL}/readyz`)
      if (res.ok) return
      last = `${res.status}`
    } catch (err) {
      last = (err as Error).message
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the server at ${baseURL} did not get ready: ${last}`)
}
