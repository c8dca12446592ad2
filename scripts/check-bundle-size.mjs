#!/usr/bin/env node
// Gzipped size of what the browser loads for the first page of the web app: the entry chunk, every
// chunk it imports statically, and their CSS (lazy pages are not counted). Fails above the limit.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const LIMIT_KB = Number(process.env.TRESEN_BUNDLE_LIMIT_KB ?? 300)
const dist = join(dirname(fileURLToPath(import.meta.url)), '../apps/web/dist')

let manifest
try {
  manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'))
} catch {
  console.error(`No build found in ${dist}: run npm run build -w @tresen/web first.`)
  process.exit(2)
}

const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)
if (!entry) {
  console.error('The build manifest names no entry chunk.')
  process.exit(2)
}

const files = new Set(['index.html'])
const visit = (key) => {
  const chunk = manifest[key]
  if (!chunk || files.has(chunk.file)) return
  files.add(chunk.file)
  for (const css of chunk.css ?? []) files.add(css)
  for (const imported of chunk.imports ?? []) visit(imported)
}
visit(entry[0])

let total = 0
const rows = []
for (const file of files) {
  const size = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
  total += size
  rows.push([file, size])
}
rows.sort((a, b) => b[1] - a[1])
for (const [file, size] of rows) console.log(`${(size / 1024).toFixed(1).padStart(8)} kB  ${file}`)
console.log(`${(total / 1024).toFixed(1).padStart(8)} kB  initial route, gzipped (limit ${LIMIT_KB} kB)`)
if (total > LIMIT_KB * 1024) {
  console.error(
    `The initial route is ${(total / 1024).toFixed(1)} kB gzipped, over the ${LIMIT_KB} kB limit.`,
  )
  process.exit(1)
}
