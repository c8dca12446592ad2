import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

describe('config', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({})
    expect(c.port).toBe(8080)
    expect(c.databaseUrl).toBeUndefined()
    expect(c.dataDir).toMatch(/\/data$/)
    expect(c.publicUrl).toBe('http://localhost:8080')
    expect(c.logLevel).toBe('info')
    expect(c.webDir).toMatch(/\/apps\/web\/dist$/)
  })

  it('resolves TRESEN_WEB_DIR against the working directory', () => {
    expect(loadConfig({ TRESEN_WEB_DIR: 'public/app' }).webDir).toBe(`${process.cwd()}/public/app`)
    expect(loadConfig({ TRESEN_WEB_DIR: '/srv/tresen-web' }).webDir).toBe('/srv/tresen-web')
  })

  it('lists every problem at once, by variable name', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        TRESEN_PUBLIC_URL: 'not a url',
        LOG_LEVEL: 'loud',
      })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const problems = (err as ConfigError).problems.join('\n')
      for (const name of ['PORT', 'DATABASE_URL', 'TRESEN_PUBLIC_URL', 'LOG_LEVEL'])
        expect(problems).toContain(name)
    }
  })

  it('keeps webhook deliveries 30 days unless TRESEN_WEBHOOK_RETENTION_DAYS says otherwise', () => {
    expect(loadConfig({}).webhookRetentionDays).toBe(30)
    expect(loadConfig({ TRESEN_WEBHOOK_RETENTION_DAYS: '90' }).webhookRetentionDays).toBe(90)
    for (const bad of ['0', '-1', '1.5', 'forever'])
      expect(() => loadConfig({ TRESEN_WEBHOOK_RETENTION_DAYS: bad })).toThrow(
        /TRESEN_WEBHOOK_RETENTION_DAYS/,
      )
  })

  it('rejects a short session secret rather than using it', () => {
    expect(() => loadConfig({ TRESEN_SESSION_SECRET: 'short' })).toThrow(/TRESEN_SESSION_SECRET/)
  })
})
