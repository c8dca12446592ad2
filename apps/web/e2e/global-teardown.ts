import { rmSync } from 'node:fs'
import pg from 'pg'
import { readState, STATE_FILE } from './desk.ts'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

export default async function globalTeardown() {
  let state: ReturnType<typeof readState>
  try {
    state = readState()
  } catch {
    return
  }
  // SIGTERM lets the server stop its embedded PostgreSQL cleanly.
  if (alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM')
    const until = Date.now() + 30_000
    while (alive(state.pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 200))
    if (alive(state.pid)) process.kill(state.pid, 'SIGKILL')
  }
  if (state.database) {
    const client = new pg.Client({ connectionString: state.database.adminUrl })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${state.database.name} WITH (FORCE)`)
    await client.end()
  }
  rmSync(state.dataDir, { recursive: true, force: true })
  rmSync(STATE_FILE, { force: true })
}
