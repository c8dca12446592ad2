import Papa from 'papaparse'
import type { AuditRow } from './audit.repository.ts'

const HEADERS = {
  en: [
    'Time (UTC)',
    'Who',
    'Action',
    'Record type',
    'Record id',
    'Record',
    'Before',
    'After',
    'Address',
    'Browser',
    'Request id',
  ],
  de: [
    'Zeit (UTC)',
    'Wer',
    'Aktion',
    'Datensatztyp',
    'Datensatz-ID',
    'Datensatz',
    'Vorher',
    'Nachher',
    'Adresse',
    'Browser',
    'Anfrage-ID',
  ],
} as const

export type CsvLanguage = keyof typeof HEADERS

/**
 * CSV as spreadsheets open it: UTF-8 with a byte order mark, commas in English and semicolons in
 * German (what German spreadsheet settings expect). Values that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or carriage return) are quoted with a leading apostrophe.
 */
const options = (lang: CsvLanguage) => ({
  delimiter: lang === 'de' ? ';' : ',',
  newline: '\r\n',
  escapeFormulae: true,
  quotes: false,
})

export const csvHeader = (lang: CsvLanguage) =>
  `\uFEFF${Papa.unparse([HEADERS[lang] as unknown as string[]], options(lang))}\r\n`

const cell = (value: unknown) => (value == null ? '' : JSON.stringify(value))

export const csvRows = (rows: AuditRow[], lang: CsvLanguage) =>
  rows.length === 0
    ? ''
    : `${Papa.unparse(
        rows.map((r) => [
          r.at.toISOString(),
          r.actorLabel,
          r.action,
          r.targetType,
          r.targetId ?? '',
          r.targetLabel,
          cell(r.before),
          cell(r.after),
          r.ip ?? '',
          r.userAgent ?? '',
          r.requestId ?? '',
        ]),
        options(lang),
      )}\r\n`
