import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export type Received = { from: string; to: string[]; raw: Buffer }

/**
 * A real SMTP server on loopback for tests: receives what the desk sends, keeps it, optionally
 * hands it on (into a dovecot mailbox), or refuses it with a chosen reply code.
 */
export const startSmtpSink = async (opts: { deliver?: (m: Received) => Promise<void> } = {}) => {
  const received: Received[] = []
  const auths: { method: string; username: string; accessToken?: string; password?: string }[] = []
  let refuse: { code: number; message: string } | null = null
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    authMethods: ['PLAIN', 'LOGIN', 'XOAUTH2'],
    onAuth: (auth, _session, callback) => {
      auths.push({
        method: auth.method,
        username: auth.username ?? '',
        ...(auth.accessToken ? { accessToken: auth.accessToken } : {}),
        ...(auth.password ? { password: auth.password } : {}),
      })
      callback(null, { user: auth.username ?? 'test' })
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (refuse) {
          callback(Object.assign(new Error(refuse.message), { responseCode: refuse.code }))
          return
        }
        const message: Received = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        }
        received.push(message)
        ;(opts.deliver ? opts.deliver(message) : Promise.resolve()).then(
          () => callback(),
          (err) => callback(Object.assign(new Error(String(err)), { responseCode: 451 })),
        )
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    /** Every sign-in seen: method, user and the password or access token. */
    auths,
    /** Refuses every following message with this SMTP reply (null: accept again). */
    refuseWith: (code: number | null, message = 'refused by test') => {
      refuse = code === null ? null : { code, message }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
