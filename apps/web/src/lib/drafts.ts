/** Reply drafts, kept in this browser per ticket and kind so a failed send or a reload loses nothing. */
export type Draft = { text: string; savedAt: number }

const key = (ticketId: string, kind: string) => `tresen.draft.${ticketId}.${kind}`
const MAX_AGE_MS = 30 * 24 * 3600 * 1000

export const loadDraft = (ticketId: string, kind: string): string => {
  try {
    const raw = localStorage.getItem(key(ticketId, kind))
    if (!raw) return ''
    const draft = JSON.parse(raw) as Draft
    if (Date.now() - draft.savedAt > MAX_AGE_MS) {
      localStorage.removeItem(key(ticketId, kind))
      return ''
    }
    return draft.text
  } catch {
    return ''
  }
}

export const saveDraft = (ticketId: string, kind: string, text: string) => {
  try {
    if (text) localStorage.setItem(key(ticketId, kind), JSON.stringify({ text, savedAt: Date.now() }))
    else localStorage.removeItem(key(ticketId, kind))
  } catch {
    // Storage full or disabled: the draft lives only in the page.
  }
}
