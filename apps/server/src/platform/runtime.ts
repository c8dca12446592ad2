import path from 'node:path'
import type { Config } from '../config.ts'
import { connectDatabase, type Database, ensureDatabase, runMigrations } from './db.ts'
import { type EmbeddedCluster, startEmbeddedPostgres } from './embedded-postgres.ts'
import { loadOrCreateSecrets, type Secrets } from './secrets.ts'

export type Runtime = {
  config: Config
  secrets: Secrets
  databaseUrl: string
  database: Database
  embedded?: EmbeddedCluster
  close: () => Promise<void>
}

/**
 * Resolves where the database is (DATABASE_URL, or the embedded cluster under the data dir),
 * migrates it and connects a pool. Everything `start`, `migrate`, `seed-demo`… need.
 */
export const openRuntime = async (
  config: Config,
  opts: { migrate?: boolean; log?: (line: string) => void } = {},
): Promise<Runtime> => {
  const secrets = loadOrCreateSecrets(config.dataDir)
  if (config.sessionSecret) secrets.sessionSecret = config.sessionSecret
  let embedded: EmbeddedCluster | undefined
  let databaseUrl = config.databaseUrl
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dir: path.join(config.dataDir, 'pg'),
      port: config.embeddedPgPort,
      password: secrets.embeddedDbPassword,
      log: opts.log,
    })
    const url = new URL(embedded.url)
    url.pathname = '/tresen'
    databaseUrl = url.toString()
    await ensureDatabase(databaseUrl)
  }
  try {
    if (opts.migrate !== false) await runMigrations(databaseUrl)
  } catch (err) {
    await embedded?.stop()
    throw err
  }
  const database = connectDatabase(databaseUrl, { poolSize: config.dbPoolSize })
  return {
    config,
    secrets,
    databaseUrl,
    database,
    embedded,
    close: async () => {
      await database.close()
      await embedded?.stop()
    },
  }
}
