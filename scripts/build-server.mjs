#!/usr/bin/env node
// Builds the server (apps/server/dist/tresen.mjs) when it is missing or older than its sources,
// so that `npm start` runs it as plain JavaScript. `--force` builds in any case.
import { BUILT, buildServer, currentBuild } from '../bin/server-build.mjs'

if (!process.argv.includes('--force') && currentBuild()) {
  console.log('server: up to date')
  process.exit(0)
}
console.log('server: building (apps/server/dist)…')
try {
  await buildServer(BUILT)
} catch (e) {
  console.error(`server: the build failed: ${e instanceof Error ? e.message : e}`)
  process.exit(1)
}
