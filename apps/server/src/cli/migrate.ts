import type { Command } from 'commander'
import { pendingMigrations, runMigrations } from '../platform/db.ts'
import { readConfig, withRuntime } from './common.ts'

/** `tresen migrate`: applies the committed migrations that the database does not have yet. */
export const migrateDatabase = async () => {
  const config = readConfig()
  await withRuntime(config, { migrate: false }, async (runtime) => {
    const before = await pendingMigrations(runtime.database.db)
    if (before.pending.length === 0) {
      process.stdout.write(`The database is up to date (${before.total} migrations applied).\n`)
      return
    }
    await runMigrations(runtime.databaseUrl)
    process.stdout.write(
      `Applied ${before.pending.length} migration(s): ${before.pending.join(', ')} (${before.total} in total).\n`,
    )
  })
}

export const registerMigrate = (program: Command) =>
  program
    .command('migrate')
    .description('apply pending database migrations (start does this too)')
    .action(migrateDatabase)
