import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { ensureDatabase, runMigrations } from '../src/platform/db.ts'
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string
    templateDb: string
  }
}

const TEMPLATE = 'tresen_template'

/**
 * One PostgreSQL per test run: the embedded cluster in a temp dir, or the server named by
 * TEST_DATABASE_URL (CI runs the suite once more against Debian's PostgreSQL 15 that way).
 * Migrations run once into a template database; every test file clones it.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL
  let stop: (() => Promise<void>) | undefined
  let dir: string | undefined
  if (!adminUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-test-pg-'))
    fs.chmodSync(dir, 0o755)
    const port = 20000 + Math.floor(Math.random() * 20000)
    const cluster = await startEmbeddedPostgres({
      dir: path.join(dir, 'pg'),
      port,
      password: 'test-only-password',
    })
    adminUrl = cluster.url
    stop = cluster.stop
  }
  const templateUrl = new URL(adminUrl)
  templateUrl.pathname = `/${TEMPLATE}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`)
  await admin.end()
  await ensureDatabase(templateUrl.toString())
  await runMigrations(templateUrl.toString())
  project.provide('pgAdminUrl', adminUrl)
  project.provide('templateDb', TEMPLATE)
  return async () => {
    await stop?.()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  }
}
