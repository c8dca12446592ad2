/**
 * The SMTP client of the email bench (bench/email.ts), in a process of its own: mail reaches a
 * desk from other servers, so the desk's process should not also run the sender. The parent
 * hands over the generated messages in a file, says "go", hears progress and, at the end, each
 * message's latency from the end of DATA to the server's reply.
 */
import { fork } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nodemailer from 'nodemailer'
import type { GeneratedMail } from './mail-generator.ts'

type Job = {
  file: string
  port: number
  connections: number
  to: string
  index: { from: string; at: number; length: number }[]
}
type FromChild = { progress: number } | { done: SendResult } | { ready: true }
export type SendResult = { latencies: number[]; errors: string[]; badReplies: string[] }

/**
 * A socket for nodemailer's pool that notes when the client finished sending a message (the
 * "<CRLF>.<CRLF>" that ends DATA) and when the server's reply to it arrived.
 */
const timedSocket = (port: number, onReply: (ms: number, reply: string) => void) =>
  new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let tail = ''
    let dataEnd: number | null = null
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
    ;(socket as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
      const chunk = args[0]
      const last =
        typeof chunk === 'string'
          ? chunk.slice(-5)
          : Buffer.isBuffer(chunk)
            ? chunk.subarray(-5).toString('latin1')
            : chunk instanceof Uint8Array
              ? Buffer.from(chunk.subarray(-5)).toString('latin1')
              : ''
      tail = (tail + last).slice(-5)
      if (tail === '\r\n.\r\n') dataEnd = performance.now()
      return write(...args)
    }
    socket.on('data', (d: Buffer) => {
      if (dataEnd === null) return
      const text = d.toString('latin1')
      const m = /^(\d{3}) /m.exec(text)
      if (!m) return
      onReply(performance.now() - dataEnd, text.trim())
      dataEnd = null
    })
    let settled = false
    socket.once('connect', () => {
      settled = true
      resolve(socket)
    })
    socket.once('error', (err) => {
      if (!settled) reject(err)
    })
  })
/** Sends every message of the job, `connections` at a time, and reports back. */
const send = async (job: Job, report: (m: FromChild) => void): Promise<SendResult> => {
  const data = fs.readFileSync(job.file)
  const latencies: number[] = []
  const badReplies: string[] = []
  const errors: string[] = []
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: job.connections,
    maxMessages: 1_000_000,
    host: '127.0.0.1',
    port: job.port,
    secure: false,
    ignoreTLS: true,
    // The receiver may take a while under full load; nodemailer's default greeting wait is 30 s.
    socketTimeout: 120_000,
    getSocket: (
      _options: unknown,
      callback: (err: Error | null, socket?: { connection: net.Socket }) => void,
    ) => {
      timedSocket(job.port, (ms, reply) => {
        latencies.push(ms)
        if (!reply.startsWith('250')) badReplies.push(reply)
      }).then(
        (socket) => callback(null, { connection: socket }),
        (err: Error) => callback(err),
      )
    },
  })
  let next = 0
  let done = 0
  try {
    // A couple more senders than connections, so a connection never waits for the next message.
    await Promise.all(
      Array.from({ length: job.connections + 2 }, async () => {
        while (next < job.index.length) {
          const mail = job.index[next++]!
          try {
            await transport.sendMail({
              envelope: { from: mail.from, to: [job.to] },
              raw: data.subarray(mail.at, mail.at + mail.length),
            })
          } catch (err) {
            errors.push((err as Error).message)
          }
          if (++done % 50 === 0 || done === job.index.length) report({ progress: done })
        }
      }),
    )
  } finally {
    transport.close()
  }
  return { latencies, errors, badReplies }
}

/** Starts the sender process with the messages; `run` sends them all and resolves with the result. */
export const startSender = async (opts: {
  port: number
  connections: number
  to: string
  mails: GeneratedMail[]
  onProgress: (n: number) => void
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-bench-sender-'))
  const file = path.join(dir, 'mail.bin')
  let at = 0
  const index = opts.mails.map((m) => {
    const entry = { from: m.from, at, length: m.raw.length }
    at += m.raw.length
    return entry
  })
  fs.writeFileSync(file, Buffer.concat(opts.mails.map((m) => m.raw)))
  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const cleanup = () => {
    child.kill()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the SMTP sender exited (${code}) before it was ready`)))
    child.on('message', (m: FromChild) => {
      if ('ready' in m) resolve()
    })
  })
  child.removeAllListeners('exit')
  return {
    pid: child.pid!,
    run: () =>
      new Promise<SendResult>((resolve, reject) => {
        child.on('message', (m: FromChild) => {
          if ('progress' in m) opts.onProgress(m.progress)
          if ('done' in m) resolve(m.done)
        })
        child.once('exit', (code) => reject(new Error(`the SMTP sender exited (${code})`)))
        const job: Job = { file, port: opts.port, connections: opts.connections, to: opts.to, index }
        child.send(job)
      }),
    stop: cleanup,
  }
}

if (process.argv.includes('--child') && process.send) {
  const report = (m: FromChild) => process.send!(m)
  process.once('message', (job: Job) => {
    send(job, report).then(
      (done) => {
        report({ done })
        process.disconnect()
      },
      (err) => {
        process.stderr.write(`SMTP sender: ${(err as Error).message}\n`)
        process.exit(1)
      },
    )
  })
  report({ ready: true })
}
