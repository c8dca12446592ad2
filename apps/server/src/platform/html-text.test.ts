import { describe, expect, it } from 'vitest'
import { replyHtmlToText } from './html-text.ts'

describe('replyHtmlToText', () => {
  it.each([
    ['paragraphs', '<p>Guten Tag,</p><p>danke.</p>', 'Guten Tag,\n\ndanke.'],
    [
      'bold and italic as plain words',
      '<p><strong>Wichtig</strong> und <em>kursiv</em></p>',
      'Wichtig und kursiv',
    ],
    ['bulleted list', '<ul><li><p>eins</p></li><li><p>zwei</p></li></ul>', '- eins\n- zwei'],
    ['numbered list', '<ol><li><p>a</p></li><li><p>b</p></li></ol>', '1. a\n 2. b'],
    ['quote', '<blockquote><p>Sie schrieben</p></blockquote>', '> Sie schrieben'],
    [
      'link with its address',
      '<p><a href="https://example.com/x">hier</a></p>',
      'hier <https://example.com/x>',
    ],
    [
      'link that is its address',
      '<p><a href="https://example.com">https://example.com</a></p>',
      'https://example.com',
    ],
    ['line break and entities', '<p>a<br>b &amp; &lt;c&gt; M&uuml;ller</p>', 'a\nb & <c> Müller'],
  ])('%s', (_, html, text) => expect(replyHtmlToText(html)).toBe(text))
})
