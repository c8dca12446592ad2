/**
 * Strong complaint words in a customer's message, German and English. Pure: unit-tested.
 * An entry is a word or phrase; a trailing `*` matches any ending ("kündig*": kündigen, Kündigung,
 * gekündigt is not matched: the word must start there). Matching ignores case and accents
 * differences of the same letter (Anwältin, anwaltin) and needs whole words at both ends.
 */
export const BUILT_IN_COMPLAINT_WORDS: readonly string[] = [
  // German
  'Beschwerde*',
  'beschweren',
  'beschwere',
  'Anwalt',
  'Anwälte*',
  'Anwältin*',
  'Rechtsanwalt*',
  'anwaltlich*',
  'kündigen',
  'kündige',
  'Kündigung*',
  'Frechheit',
  'unverschämt*',
  'Unverschämtheit',
  'Verbraucherzentrale',
  'Zumutung',
  'inakzeptabel',
  'unzumutbar',
  'Betrug',
  'Abzocke',
  'gerichtlich*',
  'Klage',
  'verklagen',
  // English
  'complaint*',
  'complain',
  'lawyer*',
  'attorney*',
  'solicitor*',
  'legal action',
  'sue',
  'cancel',
  'cancelling',
  'canceling',
  'cancellation',
  'unacceptable',
  'outrageous',
  'disgrace*',
  'ridiculous',
  'scam',
  'fraud',
  'refund now',
  'ombudsman',
]

/** The words in force: the built-in list without the ignored ones, with the extra ones. */
export const complaintWordsInForce = (extra: readonly string[], ignored: readonly string[]) => {
  const off = new Set(ignored.map(fold))
  const all = [...BUILT_IN_COMPLAINT_WORDS.filter((w) => !off.has(fold(w))), ...extra]
  const seen = new Set<string>()
  return all.filter((w) => {
    const key = fold(w)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Lower case without accents: Ä and A, ß and ss count as the same letters. */
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').toLowerCase()

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const patternOf = (word: string) => {
  const prefix = word.endsWith('*')
  const core = fold(prefix ? word.slice(0, -1) : word)
    .trim()
    .split(/\s+/)
    .map(escapeRe)
    .join('\\s+')
  return `(?<![\\p{L}\\p{N}])${core}${prefix ? '[\\p{L}\\p{N}]*' : '(?![\\p{L}\\p{N}])'}`
}

/** A matcher for a word list: the words (as listed) found in a text, each once, in list order. */
export const complaintMatcher = (words: readonly string[]) => {
  const compiled = words.map((w) => ({ word: w, re: new RegExp(patternOf(w), 'u') }))
  return (text: string): string[] => {
    if (!text) return []
    const folded = fold(text)
    return compiled.filter((c) => c.re.test(folded)).map((c) => c.word)
  }
}

/**
 * The part of a message its author wrote: quoted lines ("> …") and everything after a quote
 * header ("Am … schrieb …:", "On … wrote:", "-----Original Message-----") are left out, so a
 * customer is not judged by the desk's own words quoted back.
 */
export const ownText = (text: string) => {
  const lines = text.split(/\r?\n/)
  const out: string[] = []
  for (const line of lines) {
    const t = line.trim()
    if (/^(-{2,}\s*(original message|ursprüngliche nachricht)\s*-{2,})$/i.test(t)) break
    if (/^(am|on)\s.+(schrieb|wrote)\s*.*:$/i.test(t)) break
    if (t.startsWith('>')) continue
    out.push(line)
  }
  return out.join('\n')
}
