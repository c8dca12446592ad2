#!/usr/bin/env node
// The `tresen` command. It runs the built server (apps/server/dist, made by `npm start` or
// `npm run build`) while that is newer than the sources; otherwise, or with TRESEN_FROM_SOURCE=1,
// it registers tsx and runs the TypeScript sources directly.
import { pathToFileURL } from 'node:url'
import { tooOld } from './node-version.mjs'
import { currentBuild } from './server-build.mjs'

const old = tooOld(process.version)
if (old) {
  process.stderr.write(`${old}\n`)
  process.exit(2)
}
const built = process.env.TRESEN_FROM_SOURCE === '1' ? null : currentBuild()
if (built) {
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../apps/server/src/main.ts')
}
