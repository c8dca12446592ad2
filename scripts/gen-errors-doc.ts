// Writes docs/errors.md from the ERRORS table. Run: npm run docs:errors
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderErrorsDoc } from '../apps/server/src/cli/errors-doc.ts'

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/errors.md')
fs.writeFileSync(file, renderErrorsDoc())
// Biome formats Markdown too (it aligns table columns); write the file the way the linter wants it.
const root = path.resolve(path.dirname(file), '..')
const biome = spawnSync(path.join(root, 'node_modules/.bin/biome'), ['format', '--write', file], {
  cwd: root,
  stdio: 'inherit',
})
if (biome.status !== 0) process.exit(biome.status ?? 1)
console.log(`wrote ${path.relative(process.cwd(), file)}`)
