import { z } from 'zod'
import { AppError } from '../../platform/errors.ts'
import { FOLD_FROM, FOLD_TO } from './customers.tables.ts'

const FOLD = new Map([...FOLD_FROM].map((c, i) => [c, FOLD_TO[i]!]))

/** The same folding as the SQL of foldedName: lower-case, ß as ss, diacritics dropped. */
export const foldName = (s: string) =>
  [...s.toLowerCase().replaceAll('ß', 'ss')].map((c) => FOLD.get(c) ?? c).join('')

/**
 * The folded spellings of a name query the trigram search tries: the query itself and, when it
 * spells umlauts as digraphs ("Mueller"), the umlaut reading ("Müller" → "muller"); and the
 * digraph reading of real umlauts, for names stored as "Mueller". Whitespace is collapsed.
 */
export const spellingVariants = (q: string): string[] => {
  const base = q.trim().toLowerCase().replace(/\s+/g, ' ')
  if (!base) return []
  const toUmlauts = base.replaceAll('ae', 'ä').replaceAll('oe', 'ö').replaceAll('ue', 'ü')
  const toDigraphs = base.replaceAll('ä', 'ae').replaceAll('ö', 'oe').replaceAll('ü', 'ue')
  return [...new Set([base, toUmlauts, toDigraphs].map(foldName))]
}

/** At most this many spellings with swapped letters are tried: beyond, a query is no name typo. */
const MAX_SWAPS = 24

/**
 * The folded spellings of a name query with two neighbouring letters of one word swapped back
 * ("juila fischer" → "julia fischer", "jiula fischer", …): the typo trigrams forgive least,
 * because a swap breaks up to three of a short word's trigrams. Tried only when the query itself
 * finds nobody; empty when the query is too long to be a mistyped name.
 */
export const swappedLetterVariants = (q: string): string[] => {
  const words = foldName(q.trim().replace(/\s+/g, ' ')).split(' ').filter(Boolean)
  const out = new Set<string>()
  words.forEach((word, w) => {
    const letters = [...word]
    for (let i = 0; i + 1 < letters.length; i++) {
      if (letters[i] === letters[i + 1]) continue
      const swapped = [...letters]
      ;[swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!]
      out.add(words.map((x, j) => (j === w ? swapped.join('') : x)).join(' '))
    }
  })
  return out.size <= MAX_SWAPS ? [...out] : []
}

/** A query that is meant as an email address rather than a name. */
export const looksLikeEmail = (q: string) => /^[^\s@]+@[^\s@]+$/.test(q.trim())

/**
 * Where the next page starts. Plain lists page by keyset (name, id), so a page is one index
 * range scan however deep it is; ranked searches page by offset (their order is a computed
 * score, and nobody reads far into fuzzy results).
 */
const Cursor = z.union([
  z.strictObject({ n: z.string(), i: z.uuid() }),
  z.strictObject({ o: z.number().int().min(0).max(10_000) }),
])
export type Cursor = z.infer<typeof Cursor>
export type KeysetCursor = Extract<Cursor, { n: string }>

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url')

const invalidCursor = () =>
  new AppError('request.invalid', 'The page cursor is invalid.', [
    { pointer: '/querystring/cursor', detail: 'is not a cursor of this list' },
  ])

const decode = (raw: string): Cursor => {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw invalidCursor()
  }
  const parsed = Cursor.safeParse(json)
  if (!parsed.success) throw invalidCursor()
  return parsed.data
}

/** The keyset position of a plain list, or null for the first page; a search cursor is rejected. */
export const decodeKeysetCursor = (raw: string | undefined): KeysetCursor | null => {
  if (raw === undefined) return null
  const cursor = decode(raw)
  if (!('n' in cursor)) throw invalidCursor()
  return cursor
}

/** The offset of a ranked search (0 for the first page); a keyset cursor is rejected. */
export const decodeOffsetCursor = (raw: string | undefined): number => {
  if (raw === undefined) return 0
  const cursor = decode(raw)
  if (!('o' in cursor)) throw invalidCursor()
  return cursor.o
}
