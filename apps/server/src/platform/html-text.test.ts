import { describe, expect, it } from 'vitest'
import { messageHtmlToText } from './html-text.ts'

describe('messageHtmlToText', () => {
  describe('a reply from the editor', () => {
    it.each([
      ['paragraphs', '<p>Guten Tag,</p><p>danke.</p>', 'Guten Tag,\n\ndanke.'],
      [
        'bold and italic as plain words',
        '<p><strong>Wichtig</strong> und <em>kursiv</em></p>',
        'Wichtig und kursiv',
      ],
      ['bulleted list', '<ul><li><p>eins</p></li><li><p>zwei</p></li></ul>', '- eins\n- zwei'],
      ['numbered list, every number flush left', '<ol><li><p>a</p></li><li><p>b</p></li></ol>', '1. a\n2. b'],
      [
        'list item of two paragraphs',
        '<ul><li><p>erstens</p><p>noch dazu</p></li></ul>',
        '- erstens\n  noch dazu',
      ],
      [
        'nested list',
        '<ul><li><p>a</p><ul><li><p>b</p></li></ul></li><li><p>c</p></li></ul>',
        '- a\n  - b\n- c',
      ],
      ['quote', '<blockquote><p>Sie schrieben</p></blockquote>', '> Sie schrieben'],
      [
        'quote of two paragraphs',
        '<blockquote><p>Sie schrieben</p><p>am Montag</p></blockquote>',
        '> Sie schrieben\n>\n> am Montag',
      ],
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
      [
        'mail link that is its address',
        '<p><a href="mailto:info@example.com">info@example.com</a></p>',
        'info@example.com',
      ],
      ['line break and entities', '<p>a<br>b &amp; &lt;c&gt; M&uuml;ller</p>', 'a\nb & <c> Müller'],
      [
        'headings as they are written',
        '<h2>Rücksendung</h2><p>So geht es:</p>',
        'Rücksendung\n\nSo geht es:',
      ],
      ['a long line is not wrapped', `<p>${'Wort '.repeat(40).trim()}</p>`, 'Wort '.repeat(40).trim()],
    ])('%s', (_, html, text) => expect(messageHtmlToText(html)).toBe(text))
  })

  describe('inbound mail', () => {
    it.each([
      [
        'paragraphs with umlauts and entities',
        '<p>Guten Tag,</p><p>die Lieferung &amp; Rücksendung</p>',
        'Guten Tag,\n\ndie Lieferung & Rücksendung',
      ],
      [
        'lines written as divs, an empty one as a blank line',
        '<div>Hallo,</div><div><br></div><div>bis bald</div>',
        'Hallo,\n\nbis bald',
      ],
      [
        'line ends and runs of spaces in the source collapse',
        '<p>zweite   Zeile\nmit Umbruch\r\nim Quelltext</p>',
        'zweite Zeile mit Umbruch im Quelltext',
      ],
      [
        'paragraphs of only non-breaking or hair spaces leave no lines behind',
        '<p>&nbsp;</p><p>a&nbsp;b</p><p>&nbsp;</p><p>&#8202;</p><p>c</p>',
        'a b\n\nc',
      ],
      [
        'a table row is a line, its cells apart',
        '<table><tr><td>Von:</td><td>Martin &lt;m@example.com&gt;</td></tr><tr><td>Datum:</td><td>13.06.2012</td></tr></table>',
        'Von: Martin <m@example.com>\nDatum: 13.06.2012',
      ],
      [
        'a layout table nested in a cell',
        '<table><tr><td><table><tr><td><p>Hallo</p></td></tr></table></td><td>Seite</td></tr></table>',
        'Hallo\n\nSeite',
      ],
      ['images are dropped', '<p>Text<img src="cid:logo" alt="Logo"> weiter</p>', 'Text weiter'],
      [
        'a link of only an image is dropped with its address',
        '<p>Mehr <a href="https://track.example/c"><img src="cid:b" alt="Banner"></a>dazu</p>',
        'Mehr dazu',
      ],
      [
        'preformatted text keeps its spaces and lines',
        '<p>Log:</p><pre>eins\n    zwei</pre>',
        'Log:\n\neins\n    zwei',
      ],
      [
        'a numbered list starting at 9',
        '<ol start="9"><li>neun</li><li>zehn</li></ol>',
        '9.  neun\n10. zehn',
      ],
      ['a list numbered with letters', '<ol type="a"><li>x</li><li>y</li></ol>', 'a. x\nb. y'],
      [
        'a list numbered in roman',
        '<ol type="I"><li>x</li><li>y</li><li>z</li><li>w</li></ol>',
        'I.   x\nII.  y\nIII. z\nIV.  w',
      ],
      [
        'a nested quote',
        '<blockquote><p>a</p><blockquote><p>b</p></blockquote></blockquote>',
        '> a\n>\n> > b',
      ],
      ['style sheets are no text', '<style>p { color: red }</style><p>Text</p>', 'Text'],
      ['a rule between the reply and the quoted mail', '<p>a</p><hr><p>b</p>', `a\n\n${'-'.repeat(40)}\n\nb`],
      ['nothing but markup', '<div><br><img src="cid:x"></div>', ''],
    ])('%s', (_, html, text) => expect(messageHtmlToText(html)).toBe(text))

    it('regression: HTML nested deeper than the stack allows does not throw', () => {
      const deep = `<p>oben</p>${'<div>'.repeat(20_000)}tief${'</div>'.repeat(20_000)}`
      expect(messageHtmlToText(deep)).toMatch(/^oben/)
    })
  })
})
