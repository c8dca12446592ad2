import { compile, type DomNode, type FormatCallback } from 'html-to-text'

/** Whether any text (not only images, white space or invisible joiners) is somewhere below a node. */
const hasText = (node: DomNode): boolean =>
  node.type === 'text'
    ? /[^\s\u200b-\u200d\u2060\ufeff\u00ad]/.test(node.data ?? '')
    : (node.children ?? []).some(hasText)

const roman = (n: number) => {
  const digits: [number, string][] = [
    [1000, 'm'],
    [900, 'cm'],
    [500, 'd'],
    [400, 'cd'],
    [100, 'c'],
    [90, 'xc'],
    [50, 'l'],
    [40, 'xl'],
    [10, 'x'],
    [9, 'ix'],
    [5, 'v'],
    [4, 'iv'],
    [1, 'i'],
  ]
  let out = ''
  for (const [value, numeral] of digits)
    while (n >= value) {
      out += numeral
      n -= value
    }
  return out
}

const letters = (n: number) => {
  let out = ''
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) out = String.fromCharCode(97 + ((i - 1) % 26)) + out
  return out
}

const listMarker = (type: string | undefined, n: number) => {
  if (n < 1 || !type || type === '1') return String(n)
  if (type === 'a' || type === 'A') return type === 'a' ? letters(n) : letters(n).toUpperCase()
  if (type === 'i' || type === 'I') return type === 'i' ? roman(n) : roman(n).toUpperCase()
  return String(n)
}

const formatters: Record<string, FormatCallback> = {
  /** Cells of a row side by side, a space apart (as white space, so none begins a line). */
  tableCell: (elem, walk, builder) => {
    walk(elem.children, builder)
    builder.addInline(' ')
  },
  /** A link whose content is only images (a logo, a tracking pixel) says nothing as text. */
  textAnchor: (elem, walk, builder, options) => {
    if (hasText(elem)) builder.options.formatters.anchor!(elem, walk, builder, options)
    else walk(elem.children, builder)
  },
  /**
   * "1. item", as the library writes nested lists; its own top-level lists start with a space
   * (" 1. item"), which reads as an indentation mistake once the text is trimmed.
   */
  orderedListFlush: (elem, walk, builder, options) => {
    const start = Number.parseInt(elem.attribs?.start ?? '1', 10)
    let next = Number.isFinite(start) ? start : 1
    const items = (elem.children ?? [])
      .filter((child) => child.type !== 'text' || /\S/.test(child.data ?? ''))
      .map((node) => ({
        node,
        prefix: node.name === 'li' ? `${listMarker(elem.attribs?.type, next++)}. ` : '',
      }))
    if (!items.length) return
    const nested = elem.parent?.name === 'li'
    builder.openList({
      interRowLineBreaks: 1,
      leadingLineBreaks: nested ? 1 : (options.leadingLineBreaks ?? 2),
      maxPrefixLength: Math.max(...items.map((i) => i.prefix.length)),
      prefixAlign: 'left',
    })
    for (const { node, prefix } of items) {
      builder.openListItem({ prefix })
      walk([node], builder)
      builder.closeListItem()
    }
    builder.closeList({ trailingLineBreaks: nested ? 1 : (options.trailingLineBreaks ?? 2) })
  },
}

const heading = (selector: string) => ({ selector, options: { uppercase: false } })

const convert = compile({
  wordwrap: false,
  preserveNewlines: false,
  // The walk is recursive: HTML nested deeper than this (seen in the wild) would exhaust the stack.
  limits: { maxDepth: 1000 },
  formatters,
  selectors: [
    {
      selector: 'a',
      format: 'textAnchor',
      options: { linkBrackets: ['<', '>'], hideLinkHrefIfSameAsText: true },
    },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'title', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'ol', format: 'orderedListFlush' },
    // Editors wrap each list item in a paragraph; as text the item is one line.
    { selector: 'li > p', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map(heading),
    // Mail lays itself out with tables: a row is a line, its cells side by side.
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    { selector: 'td', format: 'tableCell' },
    { selector: 'th', format: 'tableCell' },
  ],
})

/**
 * The plain text of a message's HTML: for the text part of a reply written in the editor, the
 * text of inbound mail that has none, and search. Paragraphs apart by a blank line, lists as
 * "- item" / "1. item", links as "text <url>", quotes with "> ", images left out, no wrapping.
 */
export const messageHtmlToText = (html: string) =>
  convert(html)
    .replace(/\u00a0/g, ' ')
    // Trailing white space of any kind (mail pads with hair and figure spaces), blank lines at most one.
    .replace(/[^\S\n]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
