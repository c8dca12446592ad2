import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILT, currentBuild } from '../../../bin/server-build.mjs'
import { embeddedDataDir, embeddedDeskEnv, ROOT, run, runToEnd, stopAll, waitReady } from './processes.ts'

/**
 * The built server (scripts/build-server.mjs → apps/server/dist/tresen.mjs), which `npm start`
 * runs: it must find its migrations, the web app and the PostgreSQL supervisor from its own
 * place, and bin/tresen.mjs must run it (and the sources once they are newer). On the default
 * embedded database, as a user starts it.
 */
let dataDir: string
beforeAll(() => {
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs')], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`build-server failed:\n${res.stdout}\n${res.stderr}`)
  dataDir = embeddedDataDir('tresen-built-')
}, 120_000)
afterAll(async () => {
  await stopAll()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('the built server', () => {
  it('is current after the build, and doctor says it runs it', async () => {
    expect(currentBuild()).toBe(BUILT)
    const { base, env: deskEnv } = await embeddedDeskEnv(dataDir)
    const env = { ...deskEnv, TRESEN_FROM_SOURCE: undefined }
    const desk = run('start', ['start'], env)
    await waitReady(desk, base)
    // The web app from apps/web/dist (the test command builds it before the tests).
    if (fs.existsSync(path.join(ROOT, 'apps/web/dist/index.html'))) {
      const page = await fetch(`${base}/inbox/mine`, {
        headers: { accept: 'text/html' },
      })
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<div id="root">')
    }
    const doctor = await runToEnd('doctor', ['doctor'], env)
    expect(doctor.output).toContain('✓ server built: apps/server/dist/tresen.mjs')
    expect(doctor.output).toMatch(/✓ migrations applied: (\d+) of \1/)
    expect(doctor.code).toBe(0)
    const fromSource = await runToEnd('doctor', ['doctor'], { ...env, TRESEN_FROM_SOURCE: '1' })
    expect(fromSource.output).toContain('! server built: running the TypeScript sources')
    expect(fromSource.code).toBe(0)
  }, 180_000)
})
