import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadOrCreateSecrets } from './secrets.ts'

describe('secrets', () => {
  it('generates private secrets once and keeps them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-secrets-'))
    const first = loadOrCreateSecrets(dir)
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32)
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600)
    expect(loadOrCreateSecrets(dir)).toEqual(first)
    expect(
      loadOrCreateSecrets(fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-secrets-'))).sessionSecret,
    ).not.toBe(first.sessionSecret)
    expect(fs.readdirSync(dir)).toEqual(['secrets.json'])
  })

  it('refuses an incomplete secrets file instead of replacing it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tresen-secrets-'))
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{"sessionSecret":"x"}')
    expect(() => loadOrCreateSecrets(dir)).toThrow(/incomplete/)
  })
})
