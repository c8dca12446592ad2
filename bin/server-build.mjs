// The server's built form: apps/server/src bundled into one file (apps/server/dist/tresen.mjs,
// libraries left as imports). Run as plain JavaScript it needs no TypeScript loader in the
// process, which keeps about 50 MB of memory free. bin/tresen.mjs runs it only while it is newer
// than every source it was built from; otherwise it runs the sources.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BUILT = path.join(ROOT, 'apps/server/dist/tresen.mjs')
const ENTRY = path.join(ROOT, 'apps/server/src/main.ts')
const CONTRACT = path.join(ROOT, 'packages/contract/src/index.ts')

/** What the build is made of: when any of it changes, the build is out of date. */
export const sourcesOf = (root = ROOT) => [
  path.join(root, 'apps/server/src'),
  path.join(root, 'apps/server/package.json'),
  path.join(root, 'packages/contract/src'),
  path.join(root, 'package-lock.json'),
]

/** The newest modification time under these paths (tests and builds excluded; 0 when none exists). */
export const newestMtime = (paths) => {
  let max = 0
  const visit = (p) => {
    let s
    try {
      s = fs.statSync(p)
    } catch {
      return
    }
    if (!s.isDirectory()) {
      if (!p.endsWith('.test.ts')) max = Math.max(max, s.mtimeMs)
      return
    }
    for (const name of fs.readdirSync(p)) {
      if (name !== 'node_modules' && name !== 'dist') visit(path.join(p, name))
    }
  }
  for (const p of paths) visit(p)
  return max
}

/** The built file when it exists and is newer than all its sources, else null. */
export const currentBuild = (built = BUILT, sources = sourcesOf()) => {
  let builtAt
  try {
    builtAt = fs.statSync(built).mtimeMs
  } catch {
    return null
  }
  return builtAt >= newestMtime(sources) ? built : null
}

/** Bundles the server into `outfile` with esbuild (a server dependency). */
export const buildServer = async (outfile = BUILT) => {
  const { build } = await import('esbuild')
  await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Libraries stay imports of node_modules; the workspace's contract package is TypeScript
    // sources, so it goes into the bundle.
    packages: 'external',
    alias: { '@tresen/contract': CONTRACT },
    sourcemap: 'linked',
    define: { __TRESEN_BUILT__: 'true' },
    logLevel: 'warning',
    banner: { js: '// Built from apps/server/src by scripts/build-server.mjs; do not edit.' },
  })
  return outfile
}
