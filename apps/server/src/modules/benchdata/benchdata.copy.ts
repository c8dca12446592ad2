import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

/**
 * Rows for `COPY … FROM STDIN` in PostgreSQL's text format: columns separated by tabs, rows by
 * newlines, NULL as `\N`, and backslash, tab, newline and carriage return escaped with a backslash.
 */
const SPECIAL = /[\\\t\n\r\0]/
const SPECIAL_ALL = /[\\\t\n\r\0]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** A text value as one COPY field; null and undefined become SQL NULL. */
export const copyText = (value: string | null | undefined): string => {
  if (value === null || value === undefined) return '\\N'
  if (!SPECIAL.test(value)) return value
  return value.replace(SPECIAL_ALL, (c) => {
    if (c === '\0') throw new Error('PostgreSQL text cannot contain NUL characters')
    return ESCAPES[c]!
  })
}

/** A text[] value as one COPY field: every element double-quoted, quotes and backslashes escaped. */
export const copyTextArray = (values: readonly string[] | null | undefined): string => {
  if (values === null || values === undefined) return '\\N'
  const literal = values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')
  return copyText(`{${literal}}`)
}

/** A jsonb value as one COPY field. */
export const copyJson = (value: unknown): string =>
  value === null || value === undefined ? '\\N' : copyText(JSON.stringify(value))

/** A timestamptz (epoch milliseconds) as one COPY field. */
export const copyTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '\\N' : new Date(ms).toISOString()

/** One row: fields already encoded with the functions above. */
export const copyRow = (fields: readonly string[]): string => `${fields.join('\t')}\n`

/** Groups rows into chunks of about `size` characters, so the stream writes few large buffers. */
export function* chunked(rows: Iterable<string>, size = 256 * 1024): Generator<string> {
  let buffer = ''
  for (const row of rows) {
    buffer += row
    if (buffer.length >= size) {
      yield buffer
      buffer = ''
    }
  }
  if (buffer) yield buffer
}

/**
 * Streams rows into a table with COPY on the given connection (in the caller's transaction). The
 * rows are produced lazily and written with backpressure, so memory stays flat however many
 * there are; a generator that throws (an abort) cancels the COPY.
 */
export const copyRows = async (
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  rows: Iterable<string>,
) => {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT text)`))
  await pipeline(Readable.from(chunked(rows)), stream)
}
