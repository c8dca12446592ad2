import path from 'node:path'
import { z } from 'zod'
import { SERVER_DIR } from './platform/paths.ts'

/** Where `npm run build -w @tresen/web` puts the web app: apps/web/dist in this repository. */
export const DEFAULT_WEB_DIR = path.resolve(SERVER_DIR, '../web/dist')

/** The server's configuration: the only place that reads process.env. */
export const Config = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  dataDir: z.string().min(1).default('./data'),
  publicUrl: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  sessionSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  embeddedPgPort: z.coerce.number().int().min(1).max(65535).default(54329),
  dbPoolSize: z.coerce.number().int().min(1).max(200).default(10),
  /** Behind a reverse proxy: trust its X-Forwarded-For for client addresses (true, or a hop count / address list). */
  trustProxy: z
    .string()
    .regex(
      /^(true|false|\d+|[\d.:/a-fA-F, ]+)$/,
      'must be true, false, a hop count or a list of proxy addresses',
    )
    .default('false'),
  /** The built-in SMTP receiver's port (unset: no receiver) and address. */
  smtpPort: z.coerce.number().int().min(0).max(65535).optional(),
  smtpHost: z.string().min(1).default('0.0.0.0'),
  /** The built web app served at `/` (default: apps/web/dist of this checkout). */
  webDir: z.string().min(1).optional(),
  /** Days delivered and failed webhook deliveries are kept before the nightly job deletes them. */
  webhookRetentionDays: z.coerce.number().int().min(1).max(3650).default(30),
})
export type Config = Omit<z.infer<typeof Config>, 'webDir'> & {
  dataDir: string
  publicUrl: string
  webDir: string
}

const ENV_NAMES: Record<keyof z.infer<typeof Config>, string> = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'TRESEN_DATA_DIR',
  publicUrl: 'TRESEN_PUBLIC_URL',
  logLevel: 'LOG_LEVEL',
  sessionSecret: 'TRESEN_SESSION_SECRET',
  embeddedPgPort: 'TRESEN_EMBEDDED_PG_PORT',
  dbPoolSize: 'TRESEN_DB_POOL_SIZE',
  trustProxy: 'TRESEN_TRUST_PROXY',
  webDir: 'TRESEN_WEB_DIR',
  smtpPort: 'TRESEN_SMTP_PORT',
  smtpHost: 'TRESEN_SMTP_HOST',
  webhookRetentionDays: 'TRESEN_WEBHOOK_RETENTION_DAYS',
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Reads and validates the environment; lists every problem at once. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config => {
  const raw: Record<string, unknown> = {}
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const parsed = Config.safeParse({ ...raw, ...overrides })
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path[0] as keyof typeof ENV_NAMES
        return `${ENV_NAMES[key] ?? String(key)}: ${issue.message}`
      }),
    )
  }
  const cfg = parsed.data
  const dataDir = path.resolve(cfg.dataDir)
  const publicUrl = (cfg.publicUrl ?? `http://localhost:${cfg.port}`).replace(/\/$/, '')
  const webDir = cfg.webDir ? path.resolve(cfg.webDir) : DEFAULT_WEB_DIR
  return { ...cfg, dataDir, publicUrl, webDir }
}
