import type { Ctx } from '../../platform/context.ts'
import type { PromiseRow } from './promises.repository.ts'

/**
 * A kind of promise and what the desk does when it comes due. Response targets are breached when
 * due; a scheduled action (a follow-up message) is done and so kept.
 */
export type PromiseKind = {
  kind: string
  /** Runs in the sweep's transaction when the promise is due; says whether it is now kept or breached. */
  onDue?: (ctx: Ctx, promise: PromiseRow) => Promise<'met' | 'breached'>
  /**
   * A promise the desk keeps to itself (a supervisor joining, a scheduled message), not one made
   * to the customer: it never sets the ticket's due time or state, and its breach asks no apology.
   */
  internal?: boolean
}

const kinds = new Map<string, PromiseKind>()

export const definePromiseKind = (def: PromiseKind) => {
  const known = kinds.get(def.kind)
  if (known && known !== def) throw new Error(`promise kind "${def.kind}" is defined twice`)
  kinds.set(def.kind, def)
  return def
}

export const promiseKind = (kind: string) => kinds.get(kind)

/** Whether a promise of this kind is made to the customer (see `internal`). */
export const isCustomerFacing = (kind: string) => kinds.get(kind)?.internal !== true
