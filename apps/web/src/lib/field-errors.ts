import type { Problem } from '@tresen/contract'

export type FieldErrors = {
  /** Field path (`imap.host`) → what the server said about it. */
  fields: Record<string, string>
  /** Problems that belong to no field of the form, shown above it. */
  rest: string[]
}

/** `/body/imap/host` → `imap.host` (the request body's pointer, as a dotted path). */
export const pointerPath = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .filter((part, i) => !(i === 0 && part === 'body'))
    .join('.')

/**
 * Sorts a problem's field errors onto the form's fields: each goes to the longest field path that
 * is its own or a parent of it (`smtpReceiverAddresses.2` → `smtpReceiverAddresses`).
 */
export const fieldErrors = (problem: Problem | undefined, known: readonly string[]): FieldErrors => {
  const out: FieldErrors = { fields: {}, rest: [] }
  for (const { pointer, detail } of problem?.errors ?? []) {
    const path = pointerPath(pointer)
    const field = known
      .filter((k) => path === k || path.startsWith(`${k}.`))
      .sort((a, b) => b.length - a.length)[0]
    if (field && !out.fields[field]) out.fields[field] = detail
    else if (!field) out.rest.push(path ? `${path}: ${detail}` : detail)
  }
  return out
}
