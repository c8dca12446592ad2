import { describe, expect, it } from 'vitest'
import { fieldErrors, pointerPath } from './field-errors.ts'

const problem = (errors: { pointer: string; detail: string }[]) => ({
  type: 'about:blank',
  code: 'validation.failed',
  title: 'Invalid',
  status: 400,
  errors,
})

describe('pointerPath', () => {
  it('drops the body prefix and joins the rest with dots', () => {
    expect(pointerPath('/body/imap/host')).toBe('imap.host')
    expect(pointerPath('/body/name')).toBe('name')
    expect(pointerPath('/query/limit')).toBe('query.limit')
  })

  it('unescapes ~1 and ~0', () => {
    expect(pointerPath('/body/a~1b/c~0d')).toBe('a/b.c~d')
  })
})

describe('fieldErrors', () => {
  const known = ['name', 'imap', 'imap.host', 'imap.port', 'smtpReceiverAddresses']

  it('puts each error on the most specific known field', () => {
    const out = fieldErrors(
      problem([
        { pointer: '/body/imap/host', detail: 'a host name' },
        { pointer: '/body/imap/user', detail: 'required' },
        { pointer: '/body/smtpReceiverAddresses/2', detail: 'not an address' },
      ]),
      known,
    )
    expect(out.fields).toEqual({
      'imap.host': 'a host name',
      imap: 'required',
      smtpReceiverAddresses: 'not an address',
    })
    expect(out.rest).toEqual([])
  })

  it('keeps the first error of a field and lists unknown fields separately', () => {
    const out = fieldErrors(
      problem([
        { pointer: '/body/name', detail: 'too short' },
        { pointer: '/body/name', detail: 'second' },
        { pointer: '/body/other', detail: 'unexpected' },
        { pointer: '/body', detail: 'whole body' },
      ]),
      known,
    )
    expect(out.fields).toEqual({ name: 'too short' })
    expect(out.rest).toEqual(['other: unexpected', 'whole body'])
  })

  it('returns nothing without a problem', () => {
    expect(fieldErrors(undefined, known)).toEqual({ fields: {}, rest: [] })
  })
})
