import { ERRORS } from '../platform/errors.ts'

const cell = (text: string) => text.replaceAll('|', '\\|')

/** docs/errors.md, generated from the ERRORS table (scripts/gen-errors-doc.ts writes it). */
export const renderErrorsDoc = () => {
  const rows = Object.entries(ERRORS).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${cell(e.en)} | ${cell(e.de)} |`,
  )
  return [
    '# Error codes',
    '',
    '<!-- Generated from apps/server/src/platform/errors.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error response of the API is `application/problem+json` (RFC 9457) with a `code` from this table.',
    'Invalid input (`request.invalid`) also lists each problem in `errors` with a JSON pointer to the field.',
    "The title is German when the request's `Accept-Language` starts with `de`, English otherwise.",
    '',
    '| Code | HTTP status | Title (English) | Title (German) |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}
