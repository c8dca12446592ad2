import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Encrypts secrets the desk keeps in the database (mailbox passwords, OAuth2 tokens) with
 * AES-256-GCM under a key derived from the session secret, which every process of one
 * installation shares. A database dump alone does not reveal them. Changing the session secret
 * makes stored secrets unreadable: they have to be entered again.
 */
export type SecretBox = { seal: (plain: string) => string; open: (sealed: string) => string }

export const createSecretBox = (sessionSecret: string): SecretBox => {
  const key = Buffer.from(hkdfSync('sha256', sessionSecret, 'tresen', 'channel secrets v1', 32))
  return {
    seal: (plain) => {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return [
        'v1',
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        data.toString('base64url'),
      ].join(':')
    },
    open: (sealed) => {
      const [version, iv, tag, data] = sealed.split(':')
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
          'utf8',
        )
      } catch {
        throw new Error("the secret cannot be read with this installation's session secret; enter it again")
      }
    },
  }
}
