import { describe, expect, it } from 'vitest'
import { sanitizeMessageHtml } from './html.ts'

describe('html sanitizing', () => {
  it.each([
    ['<script>alert(1)</script><p>Hallo</p>', '<p>Hallo</p>'],
    ['<img src="x" onerror="alert(1)">', '<img />'],
    [
      '<a href="javascript:alert(1)">klick</a>',
      '<a rel="noopener noreferrer nofollow" target="_blank">klick</a>',
    ],
    ['<img src="https://tracker.example/pixel.gif">', '<img />'],
    ['<iframe src="https://evil.example"></iframe>ok', 'ok'],
    ['<p style="background:url(javascript:alert(1))">Grüße</p>', '<p>Grüße</p>'],
  ])('%s → %s', (input, expected) => {
    expect(sanitizeMessageHtml(input)).toBe(expected)
  })

  it('keeps embedded images and safe links', () => {
    expect(sanitizeMessageHtml('<img src="cid:logo@x">')).toBe('<img src="cid:logo@x" />')
    expect(sanitizeMessageHtml('<a href="https://tresen.example/hilfe">Hilfe</a>')).toContain(
      'href="https://tresen.example/hilfe"',
    )
  })
})
