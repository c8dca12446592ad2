import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The server package's folder (apps/server), found from this module's own place: the sources in
 * apps/server/src and the built file in apps/server/dist sit at different depths, so paths to the
 * migrations, the web app and the PostgreSQL supervisor are taken from here, not from `../..`.
 */
export const findServerDir = (from: string): string => {
  let dir = from
  for (;;) {
    const pkg = path.join(dir, 'package.json')
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === '@tresen/server') return dir
    const up = path.dirname(dir)
    if (up === dir) throw new Error(`no folder of @tresen/server above ${from}`)
    dir = up
  }
}

export const SERVER_DIR = findServerDir(path.dirname(fileURLToPath(import.meta.url)))

declare const __TRESEN_BUILT__: boolean | undefined

/** Whether this process runs the built server (scripts/build-server.mjs defines the constant). */
export const RUNNING_BUILT = typeof __TRESEN_BUILT__ !== 'undefined' && __TRESEN_BUILT__
