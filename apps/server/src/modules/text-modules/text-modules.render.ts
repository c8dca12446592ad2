import {
  type Language,
  missingMark,
  TEXT_MODULE_VARIABLES,
  type TextModuleVariable,
  type TextModuleVariant,
  VARIABLE_PATTERN,
} from '@tresen/contract'

/** What a module is filled in from: the ticket, its customer, the agent inserting it, now. */
export type RenderInput = {
  ticket: { number: number; subject: string; language: Language }
  customer: { name: string; formOfAddress: 'ms' | 'mr' | null }
  agent: { name: string } | null
  team: { name: string } | null
  /** When the customer can expect an answer (the service promise); null while none is known. */
  expectedAnswer: Date | null
  now: Date
  timeZone: string
}

export type Rendered = {
  language: Language
  fallback: boolean
  subject: string | null
  text: string
  html: string
  missing: TextModuleVariable[]
}

const words = (name: string) => name.trim().split(/\s+/).filter(Boolean)

/** "Alex Müller" → first "Alex", last "Müller"; a single word is a last name ("Müller"). */
export const splitName = (name: string) => {
  const parts = words(name)
  // An address as a name ("kim@example.com") says nothing about first and last name.
  if (parts.length === 0 || (parts.length === 1 && parts[0]!.includes('@')))
    return { first: null, last: null }
  return {
    first: parts.length > 1 ? parts.slice(0, -1).join(' ') : null,
    last: parts.at(-1)!,
  }
}

/**
 * The greeting line: "Sehr geehrte Frau Müller," / "Dear Ms Müller," with a form of address and a
 * last name, else by full name ("Guten Tag Alex Müller," / "Dear Alex Müller,"), else a plain
 * "Guten Tag," / "Hello,".
 */
export const greeting = (customer: RenderInput['customer'], language: Language) => {
  const { last } = splitName(customer.name)
  const full = words(customer.name).join(' ')
  if (language === 'de') {
    if (last && customer.formOfAddress === 'ms') return `Sehr geehrte Frau ${last},`
    if (last && customer.formOfAddress === 'mr') return `Sehr geehrter Herr ${last},`
    return last ? `Guten Tag ${full},` : 'Guten Tag,'
  }
  if (last && customer.formOfAddress === 'ms') return `Dear Ms ${last},`
  if (last && customer.formOfAddress === 'mr') return `Dear Mr ${last},`
  return last ? `Dear ${full},` : 'Hello,'
}

const locale = (language: Language) => (language === 'de' ? 'de-DE' : 'en-GB')

const dateText = (date: Date, language: Language, timeZone: string) =>
  new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeZone }).format(date)

const dateTimeText = (date: Date, language: Language, timeZone: string) =>
  new Intl.DateTimeFormat(locale(language), { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date)

/** Each variable's value for this input, null when it has none. */
export const variableValues = (
  input: RenderInput,
  language: Language,
): Record<TextModuleVariable, string | null> => {
  const customer = splitName(input.customer.name)
  const agentName = input.agent ? words(input.agent.name).join(' ') || null : null
  return {
    'customer.greeting': greeting(input.customer, language),
    'customer.name': words(input.customer.name).join(' ') || null,
    'customer.firstName': customer.first,
    'customer.lastName': customer.last,
    'ticket.number': `#${input.ticket.number}`,
    'ticket.subject': input.ticket.subject.trim() || null,
    'agent.name': agentName,
    'agent.firstName': agentName ? words(agentName)[0]! : null,
    'team.name': input.team?.name ?? null,
    'ticket.expectedAnswer': input.expectedAnswer
      ? dateTimeText(input.expectedAnswer, language, input.timeZone)
      : null,
    today: dateText(input.now, language, input.timeZone),
  }
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

type Piece = { text: string } | { missing: TextModuleVariable; mark: string }

const fill = (
  template: string,
  values: Record<TextModuleVariable, string | null>,
  language: Language,
): Piece[] => {
  const pieces: Piece[] = []
  let at = 0
  for (const match of template.matchAll(new RegExp(VARIABLE_PATTERN.source, 'g'))) {
    pieces.push({ text: template.slice(at, match.index) })
    const name = match[1] as TextModuleVariable
    const value = name in TEXT_MODULE_VARIABLES ? values[name] : null
    // A variable the desk does not know (saved before it was renamed) shows as missing too.
    if (value === null || value === undefined) {
      const mark =
        name in TEXT_MODULE_VARIABLES
          ? missingMark(name, language)
          : language === 'de'
            ? `[${name} fehlt]`
            : `[${name} missing]`
      pieces.push({ missing: name, mark })
    } else pieces.push({ text: value })
    at = match.index + match[0].length
  }
  pieces.push({ text: template.slice(at) })
  return pieces
}

const asText = (pieces: Piece[]) => pieces.map((p) => ('text' in p ? p.text : p.mark)).join('')

/** Paragraphs at blank lines, line breaks within; missing values as highlighted marks. */
const asHtml = (pieces: Piece[]) => {
  const inline = pieces
    .map((p) =>
      'text' in p
        ? escapeHtml(p.text)
        : `<mark data-missing="${escapeHtml(p.missing)}">${escapeHtml(p.mark)}</mark>`,
    )
    .join('')
  return inline
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/)
    .map((para) => `<p>${para.replace(/\n/g, '<br>')}</p>`)
    .join('')
}

/**
 * A text module filled in for a ticket, in the ticket's language or (with `fallback`) the other
 * one. A value the desk does not have is shown as a mark ("[Kundenname fehlt]") the agent must
 * replace before sending: never as the raw placeholder, never silently empty.
 */
export const renderTextModule = (
  variants: { de?: TextModuleVariant; en?: TextModuleVariant },
  input: RenderInput,
): Rendered => {
  const wanted = input.ticket.language
  const other: Language = wanted === 'de' ? 'en' : 'de'
  const language = variants[wanted] ? wanted : other
  const variant = variants[language]
  if (!variant) throw new Error('a text module has at least one variant')
  const values = variableValues(input, language)
  const body = fill(variant.body, values, language)
  const subject = variant.subject?.trim() ? fill(variant.subject, values, language) : null
  const missing = [...body, ...(subject ?? [])].flatMap((p) => ('missing' in p ? [p.missing] : []))
  return {
    language,
    fallback: language !== wanted,
    subject: subject ? asText(subject).trim() : null,
    text: asText(body).replace(/\r\n?/g, '\n').trim(),
    html: asHtml(body),
    missing: [...new Set(missing)],
  }
}
