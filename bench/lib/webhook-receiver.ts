/**
 * The receiving side of the webhook bench, in a process of its own (webhooks go to other
 * systems): a plain node:http server on loopback that reads each body, counts it and its
 * `webhook-id`, and answers 204. It verifies nothing heavy, so the figure is the sender's.
 * Started with fork(); talks over IPC: sends { port } once listening, answers { counts } to
 * { ask: 'counts' } and { reset } to { ask: 'reset' }.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

let requests = 0
let bytes = 0
let signed = 0
const ids = new Set<string>()

const server = http.createServer((req, res) => {
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
  })
  req.on('end', () => {
    requests++
    bytes += size
    const id = req.headers['webhook-id']
    if (typeof id === 'string') ids.add(id)
    if (typeof req.headers['webhook-signature'] === 'string') signed++
    res.writeHead(204).end()
  })
})
server.keepAliveTimeout = 5_000

process.on('message', (msg: { ask: 'counts' | 'reset' }) => {
  if (msg.ask === 'counts') process.send?.({ counts: { requests, bytes, signed, uniqueIds: ids.size } })
  if (msg.ask === 'reset') {
    requests = 0
    bytes = 0
    signed = 0
    ids.clear()
    process.send?.({ reset: true })
  }
})
process.on('disconnect', () => server.close(() => process.exit(0)))

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port })
})
