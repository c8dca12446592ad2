// Runs the embedded PostgreSQL for as long as a live Tresen process uses it, then stops it.
//
// Every process that uses the cluster (the desk, a `tresen` command beside it) registers a file
// `<pid>-<start time>` in the users directory and removes it when done. A process killed with
// SIGKILL cannot remove its file, so this supervisor checks four times a second whether the
// registered processes still run (pid and kernel start time, so a reused pid does not count) and
// stops PostgreSQL with a fast shutdown once none is left. The desk's crash therefore does not
// leave a PostgreSQL behind that would refuse the next start. Started detached by
// embedded-postgres.ts; it ends when PostgreSQL ends.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { liveUsers } from './process-identity.mjs'

const opts = JSON.parse(process.argv[2] ?? '{}')
const CHECK_MS = 250
const LOG_LIMIT = 10 * 1024 * 1024

try {
  if (fs.statSync(opts.logFile).size > LOG_LIMIT) fs.renameSync(opts.logFile, `${opts.logFile}.1`)
} catch {
  // no log yet
}
const log = fs.openSync(opts.logFile, 'a', 0o600)
const note = (line) => fs.writeSync(log, `${new Date().toISOString()} [supervisor] ${line}\n`)

const postgres = spawn(opts.postgres, opts.args, {
  stdio: ['ignore', log, log],
  env: { ...process.env, LC_MESSAGES: 'C' },
  ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}),
})
postgres.on('error', (err) => {
  note(`PostgreSQL did not start: ${err.message}`)
  process.exit(1)
})
postgres.on('exit', (code, signal) => {
  note(`PostgreSQL ended (${signal ?? `exit code ${code}`})`)
  process.exit(code ?? 1)
})

let idleChecks = 0
let stopping = false
const stop = (why) => {
  if (stopping) return
  stopping = true
  note(`stopping PostgreSQL: ${why}`)
  postgres.kill('SIGINT') // fast shutdown: running transactions roll back, a clean checkpoint
  setTimeout(() => {
    note('PostgreSQL did not stop within 20 s; immediate shutdown')
    postgres.kill('SIGQUIT')
  }, 20_000).unref()
}
const check = () => {
  if (stopping) return
  if (liveUsers(opts.usersDir).length > 0) {
    idleChecks = 0
    return
  }
  idleChecks++
  // Two checks in a row, so a process that registers just now is seen before the stop.
  if (idleChecks >= 2) stop('no Tresen process uses it any more')
}
setInterval(check, CHECK_MS)
// The last user asks for the stop at once instead of waiting for the next checks.
process.on('SIGTERM', () => {
  idleChecks = Math.max(idleChecks, 1)
  check()
})
// Not tied to the terminal that started the desk: Ctrl-C there stops the desk, and the desk stops this.
process.on('SIGINT', () => {})
process.on('SIGHUP', () => {})
