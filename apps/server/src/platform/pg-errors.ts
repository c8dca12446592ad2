/** PostgreSQL's error behind a thrown error (drizzle wraps the driver's error in `cause`). */
export const pgErrorOf = (e: unknown): { code?: string; constraint?: string } | undefined => {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    if ('code' in cur && typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code)) {
      return cur as { code: string; constraint?: string }
    }
    cur = (cur as { cause?: unknown }).cause
  }
  return undefined
}
