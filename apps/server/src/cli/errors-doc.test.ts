import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ERRORS } from '../platform/errors.ts'
import { renderErrorsDoc } from './errors-doc.ts'

const docFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/errors.md')

// The formatter aligns table columns with spaces and dashes; compare the content, not the padding.
const normalize = (doc: string) =>
  doc
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---').trimEnd())
    .join('\n')
    .trim()

describe('docs/errors.md', () => {
  it('is up to date with the ERRORS table (regenerate with npm run docs:errors)', () => {
    expect(normalize(fs.readFileSync(docFile, 'utf8'))).toBe(normalize(renderErrorsDoc()))
  })

  it('lists every code with its status and both titles', () => {
    const doc = renderErrorsDoc()
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(doc).toContain(`| \`${code}\` | ${e.status} |`)
      expect(doc).toContain(e.de.replaceAll('|', '\\|'))
    }
  })
})
