import { convert } from 'html-to-text'

/**
 * The plain-text part of a message written in the reply editor, from its sanitized HTML: lists
 * as "- item" / "1. item", links as "text <url>", quotes with "> ", paragraphs apart by a blank line.
 * Used for the text part of the email and for search, so both say what the HTML says.
 */
export const replyHtmlToText = (html: string) =>
  // Editors wrap list items in paragraphs; as text they are one line each.
  convert(html.replace(/<li>\s*<p>/gi, '<li>').replace(/<\/p>\s*<\/li>/gi, '</li>'), {
    wordwrap: false,
    preserveNewlines: false,
    selectors: [
      { selector: 'a', options: { linkBrackets: ['<', '>'], hideLinkHrefIfSameAsText: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'ul', options: { itemPrefix: '- ' } },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
