#!/usr/bin/env node
// Fails when the Drizzle schema has changes that no committed migration contains.
// drizzle-kit generates into a temporary copy of the migrations folder; if it writes a new
// migration there, the schema and the committed migrations have drifted apart.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const committed = path.join(root, 'apps/server/drizzle')
const schema = path.join(root, 'apps/server/src/schema.ts')
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-migrations-'))
const copy = path.join(tmp, 'drizzle')

const listFiles = (dir) =>
  fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort()

let exitCode = 0
try {
  fs.cpSync(committed, copy, { recursive: true })
  const before = new Map(listFiles(copy).map((f) => [f, fs.readFileSync(path.join(copy, f), 'utf8')]))
  const result = spawnSync(
    path.join(root, 'node_modules/.bin/drizzle-kit'),
    // drizzle-kit prefixes --out with "./", so it gets a path relative to the working directory "/".
    [
      'generate',
      '--dialect',
      'postgresql',
      '--schema',
      schema,
      '--out',
      path.relative('/', copy),
      '--casing',
      'snake_case',
    ],
    // No stdin: should drizzle-kit ask an interactive question (a rename), it fails instead of waiting.
    { cwd: '/', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 },
  )
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
  if (result.error || result.status !== 0) {
    console.error(
      `check-migrations: drizzle-kit generate failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`,
    )
    exitCode = 1
  } else {
    const changed = listFiles(copy).filter(
      (f) => before.get(f) !== fs.readFileSync(path.join(copy, f), 'utf8'),
    )
    if (changed.length > 0) {
      const sqlFiles = changed.filter((f) => f.endsWith('.sql'))
      console.error(
        'check-migrations: the Drizzle schema has changes without a committed migration.\n' +
          `drizzle-kit would write: ${changed.join(', ')}\n` +
          sqlFiles.map((f) => `--- ${f}\n${fs.readFileSync(path.join(copy, f), 'utf8').trim()}`).join('\n') +
          '\nRun "npm run db:generate" and commit the new migration.',
      )
      exitCode = 1
    } else if (!/No schema changes/.test(output)) {
      // drizzle-kit reports some failures with exit code 0; only its "nothing to do" counts as agreement.
      console.error(`check-migrations: unexpected output from drizzle-kit generate:\n${output}`)
      exitCode = 1
    } else {
      console.log(`check-migrations: schema and ${before.size} committed migration files agree.`)
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
process.exit(exitCode)
