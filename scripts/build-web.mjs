#!/usr/bin/env node
// Builds the web app (apps/web/dist) when it is missing or older than its sources, so that
// `npm start` on a fresh clone serves the current app. `--force` builds in any case.
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { newestMtime } from '../bin/server-build.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const web = join(root, 'apps/web')
const built = join(web, 'dist/index.html')

const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(web, p))
sources.push(join(root, 'packages/contract/src'), join(root, 'package-lock.json'))
const sourceTime = newestMtime(sources)
const force = process.argv.includes('--force')

if (!force && existsSync(built) && statSync(built).mtimeMs >= sourceTime) {
  console.log('web app: up to date')
  process.exit(0)
}
console.log('web app: building (apps/web/dist)…')
const res = spawnSync('npm', ['run', 'build', '-w', '@tresen/web', '--silent'], {
  cwd: root,
  stdio: 'inherit',
})
if (res.status !== 0) {
  console.error('web app: the build failed; see above.')
  process.exit(res.status ?? 1)
}
