import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { currentBuild, newestMtime, sourcesOf } from '../../../../bin/server-build.mjs'
import { findServerDir, SERVER_DIR } from './paths.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A repository-like tree with one source file and a built file, their times set. */
const tree = (times: { source: number; test?: number; built?: number }) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-build-'))
  dirs.push(root)
  const write = (rel: string, at: number) => {
    const file = path.join(root, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, '')
    fs.utimesSync(file, at, at)
    return file
  }
  write('apps/server/src/modules/a.ts', times.source)
  write('package-lock.json', 1000)
  if (times.test) write('apps/server/src/modules/a.test.ts', times.test)
  const built = times.built ? write('apps/server/dist/tresen.mjs', times.built) : path.join(root, 'none.mjs')
  return { root, built, sources: sourcesOf(root) }
}

describe('the server build', () => {
  it.each([
    { case: 'newer than every source', times: { source: 2000, built: 3000 }, current: true },
    { case: 'as old as the newest source', times: { source: 3000, built: 3000 }, current: true },
    { case: 'older than a source', times: { source: 4000, built: 3000 }, current: false },
    { case: 'missing', times: { source: 2000 }, current: false },
    { case: 'older than a test only', times: { source: 2000, test: 5000, built: 3000 }, current: true },
  ])('is used when $case: $current', ({ times, current }) => {
    const t = tree(times)
    expect(currentBuild(t.built, t.sources)).toBe(current ? t.built : null)
  })

  it('takes the newest time of nested sources and ignores paths that do not exist', () => {
    const t = tree({ source: 2500, built: 3000 })
    expect(newestMtime([...t.sources, path.join(t.root, 'nowhere')]) / 1000).toBe(2500)
  })

  it('finds the server folder from the sources and from the built file', () => {
    expect(fs.existsSync(path.join(SERVER_DIR, 'drizzle'))).toBe(true)
    expect(findServerDir(path.join(SERVER_DIR, 'src/platform'))).toBe(SERVER_DIR)
    expect(findServerDir(path.join(SERVER_DIR, 'dist'))).toBe(SERVER_DIR)
    expect(() => findServerDir(os.tmpdir())).toThrow(/no folder of @tresen\/server/)
  })
})
