#!/usr/bin/env node
// The `tresen` command. The server is TypeScript run directly: register tsx, then hand over to the CLI.
import { tooOld } from './node-version.mjs'

const old = tooOld(process.version)
if (old) {
  process.stderr.write(`${old}\n`)
  process.exit(2)
}
const { register } = await import('tsx/esm/api')
register()
await import('../apps/server/src/main.ts')
