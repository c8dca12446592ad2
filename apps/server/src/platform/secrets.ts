import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export type Secrets = { sessionSecret: string; embeddedDbPassword: string }

const generate = (): Secrets => ({
  sessionSecret: randomBytes(32).toString('base64url'),
  embeddedDbPassword: randomBytes(24).toString('base64url'),
})

/**
 * Secrets the desk needs are generated on first start and kept in the data dir with mode 0600.
 * Nothing has a default value that another installation would share. The file is written to a
 * private temp file and linked into place, so processes starting at the same moment all end up
 * with the first one's secrets and nobody reads half a file.
 */
export const loadOrCreateSecrets = (dataDir: string): Secrets => {
  const file = path.join(dataDir, 'secrets.json')
  fs.mkdirSync(dataDir, { recursive: true })
  if (fs.existsSync(file)) {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets>
    fs.chmodSync(file, 0o600)
    if (existing.sessionSecret && existing.embeddedDbPassword) return existing as Secrets
    throw new Error(`${file} is incomplete; restore it from a backup or remove it to generate new secrets`)
  }
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(generate(), null, 2)}\n`, { mode: 0o600 })
  try {
    fs.linkSync(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    fs.rmSync(tmp)
  }
  return loadOrCreateSecrets(dataDir)
}
