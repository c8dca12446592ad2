import type {
  CreateCustomerInput,
  CreateOrganizationInput,
  Customer,
  CustomerQuery,
  Organization,
  OrganizationCustomersQuery,
  OrganizationQuery,
  UpdateCustomerInput,
  UpdateOrganizationInput,
} from '@tresen/contract'
import { v7 as uuidv7 } from 'uuid'
import { type Ctx, inTransaction } from '../../platform/context.ts'
import { AppError, type FieldProblem } from '../../platform/errors.ts'
import { normalizePhone } from './customers.phone.ts'
import { authorize } from './customers.policy.ts'
import { type CustomerRecord, toCustomer, toOrganization } from './customers.presenter.ts'
import * as repo from './customers.repository.ts'
import {
  decodeKeysetCursor,
  decodeOffsetCursor,
  encodeCursor,
  looksLikeEmail,
  spellingVariants,
  swappedLetterVariants,
} from './customers.search.ts'

export type Page<T> = { items: T[]; nextCursor: string | null }

/** How many organizations a name search of customers also looks into (their members match too). */
const SEARCH_ORGANIZATIONS = 10

// ---------------------------------------------------------------------------------------------
// Input normalization (before any query)

/** Addresses lower-cased and trimmed, duplicates dropped; the first stays the primary one. */
const normalizeEmails = (emails: string[]) => [...new Set(emails.map((e) => e.trim().toLowerCase()))]

/** Phones as E.164, duplicates dropped; every invalid number is reported with its pointer. */
const normalizePhones = (phones: { number: string; label?: string | undefined }[]) => {
  const errors: FieldProblem[] = []
  const out = new Map<string, { phone: string; label: string | null }>()
  phones.forEach((p, i) => {
    const phone = normalizePhone(p.number)
    if (!phone) errors.push({ pointer: `/body/phones/${i}/number`, detail: 'is not a valid phone number' })
    else if (!out.has(phone)) out.set(phone, { phone, label: p.label || null })
  })
  if (errors.length > 0) throw new AppError('customer.invalid_phone', undefined, errors)
  return [...out.values()]
}

const phoneFilter = (raw: string | undefined) => {
  if (raw === undefined || raw.trim() === '') return undefined
  const phone = normalizePhone(raw)
  if (!phone) {
    throw new AppError('customer.invalid_phone', undefined, [
      { pointer: '/querystring/phone', detail: 'is not a valid phone number' },
    ])
  }
  return phone
}

// ---------------------------------------------------------------------------------------------
// Checks against the database

/**
 * A referenced organization must exist. A missing one answers 404 `organization.not_found`
 * (with a pointer to the field), like a missing team in a staff body: the code names what is
 * missing, the pointer says where it was referenced. The row is key-share locked, so a
 * concurrent delete of the organization waits for this transaction (and then sees the customer).
 */
const requireOrganization = async (ctx: Ctx, organizationId: string) => {
  const [org] = await repo.lockOrganizationKey(ctx.db, organizationId)
  if (!org) {
    throw new AppError('organization.not_found', 'The organization in `organizationId` does not exist.', [
      { pointer: '/body/organizationId', detail: 'does not exist' },
    ])
  }
}

/** Addresses must not belong to another customer. */
const ensureEmailsFree = async (ctx: Ctx, emails: string[], customerId?: string) => {
  const taken = (await repo.emailOwners(ctx.db, emails)).filter((o) => o.customerId !== customerId)
  if (taken.length === 0) return
  const takenSet = new Set(taken.map((t) => t.email))
  throw new AppError(
    'customer.email_taken',
    undefined,
    emails.flatMap((e, i) =>
      takenSet.has(e) ? [{ pointer: `/body/emails/${i}`, detail: 'belongs to another customer' }] : [],
    ),
  )
}

/** A concurrent insert of the same address or domain wins the unique index: same answer as the check. */
const mapConflicts = async <T>(work: Promise<T>): Promise<T> => {
  try {
    return await work
  } catch (e) {
    if (repo.isUniqueViolation(e, 'customer_emails_email_key')) throw new AppError('customer.email_taken')
    if (repo.isUniqueViolation(e, 'organizations_domain_key')) throw new AppError('organization.domain_taken')
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// Loading and presenting

const present = async (ctx: Ctx, rows: repo.CustomerRow[]): Promise<Customer[]> => {
  const ids = rows.map((r) => r.id)
  const orgIds = [...new Set(rows.flatMap((r) => (r.organizationId ? [r.organizationId] : [])))]
  const { emails, phones, organizations: orgs } = await repo.detailsOf(ctx.db, ids, orgIds)
  const orgById = new Map(orgs.map((o) => [o.id, o]))
  return rows.map((row) => {
    const record: CustomerRecord = {
      row,
      organization: row.organizationId ? (orgById.get(row.organizationId) ?? null) : null,
      emails: emails.filter((e) => e.customerId === row.id),
      phones: phones.filter((p) => p.customerId === row.id),
    }
    return toCustomer(record)
  })
}

const presentOne = async (ctx: Ctx, row: repo.CustomerRow) => (await present(ctx, [row]))[0]!

/** Cuts the one extra row fetched to know whether another page follows. */
const cut = <R>(rows: R[], limit: number, cursorAfter: (last: R) => string) => {
  const more = rows.length > limit
  const items = more ? rows.slice(0, limit) : rows
  return { items, nextCursor: more ? cursorAfter(items[items.length - 1]!) : null }
}

// ---------------------------------------------------------------------------------------------
// Customers

/**
 * Customers matching the query. With `q`: ranked fuzzy search on the name (typos, umlaut
 * spellings), members of organizations whose name matches, and the owner of `q` as an address.
 * Without: the list in name order. `email`, `phone` and `organizationId` narrow either.
 */
export const listCustomers = async (
  ctx: Ctx,
  query: CustomerQuery,
): Promise<Page<Customer> & { match?: 'exact' | 'similar' }> => {
  authorize(ctx.actor, 'customer.read')
  const filter: repo.CustomerFilter = {
    email: query.email?.trim() ? query.email.trim().toLowerCase() : undefined,
    phone: phoneFilter(query.phone),
    organizationId: query.organizationId,
  }
  if (query.q) {
    const q = query.q
    const offset = decodeOffsetCursor(query.cursor)
    const variants = spellingVariants(q)
    const orgs = await repo.searchOrganizations(ctx.db, variants, 0, SEARCH_ORGANIZATIONS)
    const emailOwnerId = looksLikeEmail(q) ? await repo.findCustomerIdByEmail(ctx.db, q.trim()) : undefined
    const rows = await repo.searchCustomers(
      ctx.db,
      { variants, organizations: orgs.map((o) => ({ id: o.id, score: o.score })), emailOwnerId },
      filter,
      offset,
      query.limit + 1,
    )
    // Nobody by that name: the names two swapped letters away ("Juila" → Julia), one page.
    if (rows.length === 0 && offset === 0) {
      const swapped = swappedLetterVariants(q)
      const similar =
        swapped.length > 0
          ? await repo.searchCustomers(
              ctx.db,
              { variants: swapped, organizations: [] },
              filter,
              0,
              query.limit,
            )
          : []
      if (similar.length > 0) {
        return { items: await present(ctx, similar), nextCursor: null, match: 'similar' }
      }
    }
    const page = cut(rows, query.limit, () => encodeCursor({ o: offset + query.limit }))
    return { items: await present(ctx, page.items), nextCursor: page.nextCursor, match: 'exact' }
  }
  const after = decodeKeysetCursor(query.cursor)
  const rows = await repo.listCustomers(
    ctx.db,
    filter,
    after && { name: after.n, id: after.i },
    query.limit + 1,
  )
  const page = cut(rows, query.limit, (last) => encodeCursor({ n: last.name, i: last.id }))
  return { items: await present(ctx, page.items), nextCursor: page.nextCursor }
}

/** The customer, or null when there is none with this id. */
export const findCustomerById = async (ctx: Ctx, id: string): Promise<Customer | null> => {
  authorize(ctx.actor, 'customer.read')
  const row = await repo.findCustomerById(ctx.db, id)
  return row ? presentOne(ctx, row) : null
}

/** The customer who owns this address (case-insensitive), or null. */
export const findCustomerByEmail = async (ctx: Ctx, email: string): Promise<Customer | null> => {
  authorize(ctx.actor, 'customer.read')
  const id = await repo.findCustomerIdByEmail(ctx.db, email.trim())
  return id ? findCustomerById(ctx, id) : null
}

export const getCustomer = async (ctx: Ctx, id: string): Promise<Customer> => {
  const customer = await findCustomerById(ctx, id)
  if (!customer) throw new AppError('customer.not_found')
  return customer
}

/** Creates a customer with their addresses (first = primary) and phones, all or nothing. */
export const createCustomer = (ctx: Ctx, input: CreateCustomerInput): Promise<Customer> => {
  authorize(ctx.actor, 'customer.create')
  const emails = normalizeEmails(input.emails)
  const phones = normalizePhones(input.phones)
  return mapConflicts(
    inTransaction(ctx, async (ctx) => {
      if (input.organizationId) await requireOrganization(ctx, input.organizationId)
      await ensureEmailsFree(ctx, emails)
      const now = ctx.clock.now()
      const row = await repo.insertCustomer(ctx.db, {
        name: input.name,
        language: input.language,
        formOfAddress: input.formOfAddress ?? null,
        organizationId: input.organizationId ?? null,
        notes: input.notes,
        createdAt: now,
        updatedAt: now,
      })
      await repo.replaceEmails(ctx.db, row.id, emails, now)
      await repo.replacePhones(ctx.db, row.id, phones, now)
      return presentOne(ctx, row)
    }),
  )
}

/**
 * Changes a customer. `emails` and `phones`, when given, replace the whole list in the same
 * transaction as the other fields: an invalid phone or a taken address changes nothing.
 */
export const updateCustomer = (ctx: Ctx, id: string, input: UpdateCustomerInput): Promise<Customer> => {
  const emails = input.emails && normalizeEmails(input.emails)
  const phones = input.phones && normalizePhones(input.phones)
  return mapConflicts(
    inTransaction(ctx, async (ctx) => {
      const existing = await repo.lockCustomer(ctx.db, id)
      if (!existing) throw new AppError('customer.not_found')
      authorize(ctx.actor, 'customer.update')
      if (input.organizationId) await requireOrganization(ctx, input.organizationId)
      if (emails) await ensureEmailsFree(ctx, emails, id)
      const now = ctx.clock.now()
      const row = await repo.updateCustomer(ctx.db, id, {
        name: input.name,
        language: input.language,
        formOfAddress: input.formOfAddress,
        organizationId: input.organizationId,
        notes: input.notes,
        updatedAt: now,
      })
      if (emails) await repo.replaceEmails(ctx.db, id, emails, now)
      if (phones) await repo.replacePhones(ctx.db, id, phones, now)
      return presentOne(ctx, row!)
    }),
  )
}

/**
 * Deletes a customer who has no tickets (admins only). Customers with history are kept: their
 * tickets, and interactions they wrote on others' tickets, must not lose their author.
 */
export const deleteCustomer = (ctx: Ctx, id: string) =>
  inTransaction(ctx, async (ctx) => {
    const existing = await repo.lockCustomer(ctx.db, id)
    if (!existing) throw new AppError('customer.not_found')
    authorize(ctx.actor, 'customer.delete')
    if (await repo.hasTickets(ctx.db, id)) throw new AppError('customer.has_tickets')
    try {
      await repo.deleteCustomer(ctx.db, id)
    } catch (e) {
      // an interaction authored on someone else's ticket still points here (unindexed, so not pre-checked)
      if (repo.isForeignKeyViolation(e)) throw new AppError('customer.has_tickets')
      throw e
    }
  })

// ---------------------------------------------------------------------------------------------
// Organizations

export const listOrganizations = async (ctx: Ctx, query: OrganizationQuery): Promise<Page<Organization>> => {
  authorize(ctx.actor, 'organization.read')
  if (query.q) {
    const q = query.q
    const offset = decodeOffsetCursor(query.cursor)
    const rows = await repo.searchOrganizations(ctx.db, spellingVariants(q), offset, query.limit + 1)
    const page = cut(rows, query.limit, () => encodeCursor({ o: offset + query.limit }))
    return { items: page.items.map(toOrganization), nextCursor: page.nextCursor }
  }
  const after = decodeKeysetCursor(query.cursor)
  const rows = await repo.listOrganizations(ctx.db, after && { name: after.n, id: after.i }, query.limit + 1)
  const page = cut(rows, query.limit, (last) => encodeCursor({ n: last.name, i: last.id }))
  return { items: page.items.map(toOrganization), nextCursor: page.nextCursor }
}

export const getOrganization = async (ctx: Ctx, id: string): Promise<Organization> => {
  authorize(ctx.actor, 'organization.read')
  const row = await repo.findOrganizationById(ctx.db, id)
  if (!row) throw new AppError('organization.not_found')
  return toOrganization(row)
}

/** An organization's customers in name order. */
export const listOrganizationCustomers = async (
  ctx: Ctx,
  id: string,
  query: OrganizationCustomersQuery,
): Promise<Page<Customer>> => {
  await getOrganization(ctx, id)
  return listCustomers(ctx, { ...query, organizationId: id })
}

const ensureDomainFree = async (ctx: Ctx, domain: string, organizationId?: string) => {
  const owner = await repo.findOrganizationIdByDomain(ctx.db, domain)
  if (owner && owner !== organizationId) {
    throw new AppError('organization.domain_taken', undefined, [
      { pointer: '/body/domain', detail: 'belongs to another organization' },
    ])
  }
}

export const createOrganization = (ctx: Ctx, input: CreateOrganizationInput): Promise<Organization> => {
  authorize(ctx.actor, 'organization.create')
  return mapConflicts(
    inTransaction(ctx, async (ctx) => {
      if (input.domain) await ensureDomainFree(ctx, input.domain)
      const now = ctx.clock.now()
      const row = await repo.insertOrganization(ctx.db, {
        name: input.name,
        domain: input.domain ?? null,
        notes: input.notes,
        createdAt: now,
        updatedAt: now,
      })
      return toOrganization(row)
    }),
  )
}

export const updateOrganization = (
  ctx: Ctx,
  id: string,
  input: UpdateOrganizationInput,
): Promise<Organization> =>
  mapConflicts(
    inTransaction(ctx, async (ctx) => {
      const existing = await repo.lockOrganization(ctx.db, id)
      if (!existing) throw new AppError('organization.not_found')
      authorize(ctx.actor, 'organization.update')
      if (input.domain) await ensureDomainFree(ctx, input.domain, id)
      const row = await repo.updateOrganization(ctx.db, id, {
        name: input.name,
        domain: input.domain,
        notes: input.notes,
        updatedAt: ctx.clock.now(),
      })
      return toOrganization(row!)
    }),
  )

/** Deletes an organization without customers (admins only); move or delete its customers first. */
export const deleteOrganization = (ctx: Ctx, id: string) =>
  inTransaction(ctx, async (ctx) => {
    const existing = await repo.lockOrganization(ctx.db, id)
    if (!existing) throw new AppError('organization.not_found')
    authorize(ctx.actor, 'organization.delete')
    if (await repo.hasCustomers(ctx.db, id)) throw new AppError('organization.has_customers')
    await repo.deleteOrganization(ctx.db, id)
  })

export const customerMail = {
  /** The address's owner and since when mail to it bounces (null: it works), or undefined. */
  address: async (ctx: Ctx, email: string) => {
    const row = await repo.findEmailRow(ctx.db, email)
    return row ? { customerId: row.customerId, failingSince: row.failingSince } : undefined
  },
  /** Marks an address as failing after a bounce, or as working again when mail from it arrives. */
  setFailing: async (ctx: Ctx, email: string, since: Date | null) => {
    await repo.setEmailFailing(ctx.db, email, since)
  },
  /**
   * A customer for a new sender: name, language and the address as primary, one statement. A
   * concurrent creation of the same address fails on its unique index (the caller retries).
   */
  createForAddress: async (ctx: Ctx, input: { name: string; language: 'de' | 'en'; email: string }) => {
    authorize(ctx.actor, 'customer.create')
    const now = ctx.clock.now()
    const id = uuidv7()
    await repo.insertCustomerWithEmail(
      ctx.db,
      {
        id,
        name: input.name.trim().slice(0, 200) || input.email,
        language: input.language,
        createdAt: now,
        updatedAt: now,
      },
      input.email.toLowerCase(),
    )
    return id
  },
  /** The customer's primary address (or first), for replies on tickets that did not come by mail. */
  primaryAddress: async (ctx: Ctx, customerId: string) => {
    const rows = await repo.emailsOf(ctx.db, [customerId])
    return (rows.find((r) => r.isPrimary) ?? rows[0])?.email ?? null
  },
}
