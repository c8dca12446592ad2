import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export type Secrets = { sessionSecret: string; embeddedDbPassword: string }

/**
 * Secrets the desk needs are generated on first start and kept in the data dir with mode 0600.
 * Nothing has a default value that another installation would share.
 */
export const loadOrCreateSecrets = (dataDir: string): Secrets => {
  const file = path.join(dataDir, 'secrets.json')
  fs.mkdirSync(dataDir, { recursive: true })
  let existing: Partial<Secrets> = {}
  if (fs.existsSync(file)) {
    existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets>
  }
  const secrets: Secrets = {
    sessionSecret: existing.sessionSecret ?? randomBytes(32).toString('base64url'),
    embeddedDbPassword: existing.embeddedDbPassword ?? randomBytes(24).toString('base64url'),
  }
  if (
    secrets.sessionSecret !== existing.sessionSecret ||
    secrets.embeddedDbPassword !== existing.embeddedDbPassword
  ) {
    fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  }
  fs.chmodSync(file, 0o600)
  return secrets
}
