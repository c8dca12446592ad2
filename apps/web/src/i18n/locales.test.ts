import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Tree, translations } from './resources.ts'

const flatten = (tree: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

const SRC = join(import.meta.dirname, '..')
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : []
  })

/** Keys written out in the code: t('a.b'), { key: 'a.b' } and the shortcut list's [[…], 'a.b']. */
const usedKeys = () => {
  const keys = new Set<string>()
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) keys.add(m[1]!)
    for (const m of text.matchAll(/\bkey: '([a-zA-Z0-9_]+\.[a-zA-Z0-9_.]+)'/g)) keys.add(m[1]!)
    for (const m of text.matchAll(/\], '([a-z]+\.[a-zA-Z0-9_.]+)'\]/g)) keys.add(m[1]!)
  }
  return keys
}

/** Keys built at run time from a value: every value must have its text. */
const DYNAMIC: Record<string, readonly string[]> = {
  status: ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'],
  priority: ['low', 'normal', 'high', 'urgent'],
  channel: ['email', 'phone', 'chat', 'walk_in', 'portal', 'api', 'note', 'system'],
  language: ['de', 'en'],
  role: ['agent', 'supervisor', 'admin'],
  'errors.notFound': ['title', 'text'],
  'errors.forbidden': ['title', 'text'],
  'errors.unavailable': ['title', 'text'],
  'email.state': ['idle', 'ok', 'error'],
  'email.security': ['tls', 'starttls', 'none'],
  'email.auth': ['password', 'oauth2'],
  'email.afterImport': ['move', 'flag'],
  'email.provider': ['microsoft365', 'google', 'ionos', 'strato', 'other'],
  'email.status': ['failed', 'imported', 'ignored', 'dismissed'],
  'timeline.automated': ['auto_reply', 'bulk', 'bounce'],
  event: [
    'ticket.created',
    'ticket.subject_changed',
    'ticket.status_changed',
    'ticket.priority_changed',
    'ticket.language_changed',
    'ticket.tags_changed',
    'ticket.assigned',
    'ticket.transferred',
    'ticket.merged',
    'ticket.merged_into',
  ],
}

const has = (table: Map<string, string>, key: string) =>
  table.has(key) || (table.has(`${key}_one`) && table.has(`${key}_other`))

describe('translations', () => {
  const tables = { de: flatten(translations.de), en: flatten(translations.en) }

  it('German and English have the same keys', () => {
    const deKeys = [...tables.de.keys()].sort()
    const enKeys = [...tables.en.keys()].sort()
    expect(
      deKeys.filter((k) => !tables.en.has(k)),
      'only in de.json',
    ).toEqual([])
    expect(
      enKeys.filter((k) => !tables.de.has(k)),
      'only in en.json',
    ).toEqual([])
  })

  it('has every key the code uses, in both languages', () => {
    const keys = usedKeys()
    expect(keys.size).toBeGreaterThan(100)
    for (const [lang, table] of Object.entries(tables)) {
      const missing = [...keys].filter((k) => !has(table, k))
      expect(missing, `missing in ${lang}.json`).toEqual([])
    }
  })

  it('has a text for every value shown through a built key (status, channel, event, …)', () => {
    for (const [lang, table] of Object.entries(tables)) {
      const missing = Object.entries(DYNAMIC).flatMap(([prefix, values]) =>
        values.map((v) => `${prefix}.${v}`).filter((k) => !has(table, k)),
      )
      expect(missing, `missing in ${lang}.json`).toEqual([])
    }
  })

  it('has no empty texts and the same placeholders in both languages', () => {
    for (const [key, enText] of tables.en) {
      const deText = tables.de.get(key) ?? ''
      expect(enText.trim(), `en ${key}`).not.toBe('')
      expect(deText.trim(), `de ${key}`).not.toBe('')
      const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()
      expect(vars(deText), key).toEqual(vars(enText))
    }
  })
})
