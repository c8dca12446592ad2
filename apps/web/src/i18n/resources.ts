import de from './locales/de.json'
import en from './locales/en.json'

export type Tree = { [key: string]: string | Tree }

/**
 * A feature may bring its own texts in `features/<name>/locales/{de,en}.json`; they are merged
 * into the desk's tables under their own top-level keys. A key given twice is a mistake, not an
 * override, and stops the app at start (and the translation tests).
 */
const featureTables = import.meta.glob<Tree>('../features/*/locales/*.json', {
  eager: true,
  import: 'default',
})

const merge = (into: Tree, from: Tree, file: string, prefix = '') => {
  for (const [key, value] of Object.entries(from)) {
    const path = prefix ? `${prefix}.${key}` : key
    const existing = into[key]
    if (typeof value === 'string' || existing === undefined) {
      if (existing !== undefined) throw new Error(`${file}: the text ${path} is defined twice`)
      into[key] = typeof value === 'string' ? value : structuredClone(value)
    } else if (typeof existing === 'string') {
      throw new Error(`${file}: the text ${path} is defined twice`)
    } else {
      merge(existing, value, file, path)
    }
  }
}

const build = (lang: 'de' | 'en', base: Tree): Tree => {
  const table = structuredClone(base)
  for (const [file, tree] of Object.entries(featureTables)) {
    if (file.endsWith(`/${lang}.json`)) merge(table, tree, file)
  }
  return table
}

/** The German and English texts of the whole web app. */
export const translations = { de: build('de', de as Tree), en: build('en', en as Tree) }
