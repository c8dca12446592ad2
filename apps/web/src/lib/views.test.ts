import { describe, expect, it } from 'vitest'
import { type InboxView, inboxListQuery, promiseFilterOf } from './views.ts'

const views: InboxView[] = [
  {
    key: 'all',
    label: { key: 'inbox.views.allOpen' },
    query: { status: ['new', 'open'] },
    group: 'personal',
    empty: 'inbox.emptyView.all',
  },
]

describe('inboxListQuery', () => {
  it('adds the promise filter and the due sort of the address to the view', () => {
    const params = new URLSearchParams('promise=breached,warning&sort=due')
    expect(inboxListQuery('all', params, views)).toEqual({
      status: ['new', 'open'],
      promise: ['breached', 'warning'],
      sort: 'due',
    })
  })
  it('leaves unknown promise states out and asks for no promise filter when none is left', () => {
    expect(promiseFilterOf(new URLSearchParams('promise=late,breached'))).toEqual(['breached'])
    expect(inboxListQuery('all', new URLSearchParams('promise=late'), views)).toEqual({
      status: ['new', 'open'],
    })
  })
})
