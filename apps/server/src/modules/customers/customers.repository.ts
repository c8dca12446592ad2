import {
  type AnyColumn,
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  inArray,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import { executeShaped, placeholders, type Queryable } from '../../platform/db.ts'
import { pgErrorOf } from '../../platform/pg-errors.ts'
import { tickets } from '../tickets/index.ts'
import { customerEmails, customerPhones, customers, foldedName, organizations } from './customers.tables.ts'

export type CustomerRow = typeof customers.$inferSelect
export type OrganizationRow = typeof organizations.$inferSelect
export type EmailRow = typeof customerEmails.$inferSelect
export type PhoneRow = typeof customerPhones.$inferSelect

/** Filters of a customer list; all given ones must hold. */
export type CustomerFilter = { email?: string; phone?: string; organizationId?: string }

// ---------------------------------------------------------------------------------------------
// Fuzzy search (pg_trgm)

/**
 * Both sides are folded (see foldedName) and compared by word similarity: `v <% name` holds
 * when the query's trigrams are found in some stretch of the name (≥ 0.6), which covers typos
 * in a whole name ("Jurgn Muller") and one word of a longer one ("Schmitt" → "Anna Schmidt").
 * The GIN index on the folded name answers it. Only this one operator per spelling: every
 * extra OR branch is evaluated again for each candidate row in the recheck, which measured
 * about 13 µs a row and branch. The variants are already folded; folding them again in SQL
 * keeps both sides the same function whatever the database's lower() does.
 */
const trigramMatch = (column: AnyColumn, variants: string[]) =>
  or(...variants.map((v) => sql`${foldedName(sql`${v}::text`)} <% ${column}`))!

/** Best word similarity over the spellings: the rank of a hit. */
const trigramScore = (column: AnyColumn, variants: string[]) =>
  sql<number>`greatest(${sql.join(
    variants.map((v) => sql`word_similarity(${foldedName(sql`${v}::text`)}, ${column})`),
    sql`, `,
  )})`

/** Among equal ranks, names about as long as the query first ("Schmidt" before "Schmidtke-Meyer"). */
const trigramTieBreak = (column: AnyColumn, variants: string[]) =>
  sql<number>`similarity(${column}, ${foldedName(sql`${variants[0]}::text`)})`

const customerFilter = (db: Queryable, filter: CustomerFilter): SQL | undefined =>
  and(
    filter.email
      ? inArray(
          customers.id,
          db
            .select({ id: customerEmails.customerId })
            .from(customerEmails)
            .where(eq(customerEmails.email, filter.email)),
        )
      : undefined,
    filter.phone
      ? inArray(
          customers.id,
          db
            .select({ id: customerPhones.customerId })
            .from(customerPhones)
            .where(eq(customerPhones.phone, filter.phone)),
        )
      : undefined,
    filter.organizationId ? eq(customers.organizationId, filter.organizationId) : undefined,
  )

/** A page of customers in (name, id) order after the given position: one range scan of an index. */
export const listCustomers = (
  db: Queryable,
  filter: CustomerFilter,
  after: { name: string; id: string } | null,
  limit: number,
) =>
  db
    .select()
    .from(customers)
    .where(
      and(
        customerFilter(db, filter),
        after ? sql`(${customers.name}, ${customers.id}) > (${after.name}, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(customers.name), asc(customers.id))
    .limit(limit)

/**
 * Customers whose name resembles one of the spellings, or who belong to one of the given
 * organizations (whose names matched) or own the given email address, best first. The extra
 * matches are ids found beforehand, so every branch of the OR is an index condition and
 * PostgreSQL combines them with a BitmapOr instead of scanning the table.
 */
export const searchCustomers = (
  db: Queryable,
  search: {
    variants: string[]
    organizations: { id: string; score: number }[]
    emailOwnerId?: string
  },
  filter: CustomerFilter,
  offset: number,
  limit: number,
) => {
  const nameScore = trigramScore(customers.nameFolded, search.variants)
  const orgScore =
    search.organizations.length > 0
      ? sql`CASE ${customers.organizationId} ${sql.join(
          search.organizations.map((o) => sql`WHEN ${o.id}::uuid THEN ${o.score * 0.9}::real`),
          sql` `,
        )} ELSE 0 END`
      : sql`0`
  const emailScore = search.emailOwnerId
    ? sql`CASE WHEN ${customers.id} = ${search.emailOwnerId}::uuid THEN 1 ELSE 0 END`
    : sql`0`
  const score = sql<number>`greatest(${nameScore}, ${orgScore}, ${emailScore})`
  return db
    .select({ ...getTableColumns(customers), score })
    .from(customers)
    .where(
      and(
        or(
          trigramMatch(customers.nameFolded, search.variants),
          search.organizations.length > 0
            ? inArray(
                customers.organizationId,
                search.organizations.map((o) => o.id),
              )
            : undefined,
          search.emailOwnerId ? eq(customers.id, search.emailOwnerId) : undefined,
        ),
        customerFilter(db, filter),
      ),
    )
    .orderBy(
      desc(score),
      desc(trigramTieBreak(customers.nameFolded, search.variants)),
      asc(customers.name),
      asc(customers.id),
    )
    .offset(offset)
    .limit(limit)
}

// ---------------------------------------------------------------------------------------------
// Customers

export const findCustomerById = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(customers).where(eq(customers.id, id))
  return row
}

/** The owner of an address (compared lower-cased, as stored). */
export const findCustomerIdByEmail = async (db: Queryable, email: string) => {
  const [row] = await db
    .select({ id: customerEmails.customerId })
    .from(customerEmails)
    .where(eq(customerEmails.email, email.toLowerCase()))
  return row?.id
}

export const insertCustomer = async (db: Queryable, values: typeof customers.$inferInsert) => {
  const [row] = await db.insert(customers).values(values).returning()
  return row!
}

export const updateCustomer = async (
  db: Queryable,
  id: string,
  values: Partial<typeof customers.$inferInsert>,
) => {
  const [row] = await db.update(customers).set(values).where(eq(customers.id, id)).returning()
  return row
}

/** Deletes a customer; emails and phones go with it (ON DELETE CASCADE). */
export const deleteCustomer = (db: Queryable, id: string) => db.delete(customers).where(eq(customers.id, id))

/** Locks a customer row for the rest of the transaction (replacing emails and phones, deleting). */
export const lockCustomer = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(customers).where(eq(customers.id, id)).for('update')
  return row
}

export const hasTickets = async (db: Queryable, customerId: string) => {
  const rows = await db
    .select({ one: sql`1` })
    .from(tickets)
    .where(eq(tickets.customerId, customerId))
    .limit(1)
  return rows.length > 0
}

/** Who owns which of these (lower-cased) addresses. */
export const emailOwners = (db: Queryable, emails: string[]) =>
  emails.length === 0
    ? Promise.resolve([])
    : db
        .select({ email: customerEmails.email, customerId: customerEmails.customerId })
        .from(customerEmails)
        .where(inArray(customerEmails.email, emails))

type DetailsRow = {
  emails: (Omit<EmailRow, 'failingSince' | 'createdAt'> & {
    failingSince: string | null
    createdAt: string
  })[]
  phones: (Omit<PhoneRow, 'createdAt'> & { createdAt: string })[]
  organizations: { id: string; name: string }[]
}

/**
 * The addresses, phone numbers and organizations of some customers in one statement (one round
 * trip for a list or a lookup instead of three), addresses primary first, then oldest first.
 */
export const detailsOf = async (db: Queryable, customerIds: string[], organizationIds: string[]) => {
  if (customerIds.length === 0) return { emails: [], phones: [], organizations: [] }
  const [row] = await executeShaped<DetailsRow>(
    db,
    'customer_details',
    '',
    () => sql`SELECT
      coalesce((SELECT json_agg(json_build_object('id', e.id, 'customerId', e.customer_id, 'email', e.email,
          'isPrimary', e.is_primary, 'failingSince', e.failing_since, 'createdAt', e.created_at)
          ORDER BY e.is_primary DESC, e.created_at, e.id)
        FROM customer_emails e WHERE e.customer_id = ANY(${sql.placeholder('ids')}::uuid[])), '[]'::json) AS emails,
      coalesce((SELECT json_agg(json_build_object('id', p.id, 'customerId', p.customer_id, 'phone', p.phone,
          'label', p.label, 'createdAt', p.created_at) ORDER BY p.created_at, p.id)
        FROM customer_phones p WHERE p.customer_id = ANY(${sql.placeholder('ids')}::uuid[])), '[]'::json) AS phones,
      coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name))
        FROM organizations o WHERE o.id = ANY(${sql.placeholder('orgIds')}::uuid[])), '[]'::json) AS organizations`,
    { ids: customerIds, orgIds: organizationIds },
  )
  return {
    emails: row!.emails.map(
      (e): EmailRow => ({
        ...e,
        failingSince: e.failingSince === null ? null : new Date(e.failingSince),
        createdAt: new Date(e.createdAt),
      }),
    ),
    phones: row!.phones.map((ph): PhoneRow => ({ ...ph, createdAt: new Date(ph.createdAt) })),
    organizations: row!.organizations,
  }
}

/** Email rows of these customers, primary first, then in the order they were added. */
export const emailsOf = (db: Queryable, customerIds: string[]) =>
  customerIds.length === 0
    ? Promise.resolve([])
    : db
        .select()
        .from(customerEmails)
        .where(inArray(customerEmails.customerId, customerIds))
        .orderBy(desc(customerEmails.isPrimary), asc(customerEmails.createdAt), asc(customerEmails.id))

/**
 * Makes `emails` (lower-cased, first = primary) the customer's addresses. Rows of addresses
 * that stay are kept, so their bounce state (failing_since) survives an edit.
 */
export const replaceEmails = async (db: Queryable, customerId: string, emails: string[], now: Date) => {
  await db
    .delete(customerEmails)
    .where(
      and(
        eq(customerEmails.customerId, customerId),
        emails.length > 0 ? notInArray(customerEmails.email, emails) : undefined,
      ),
    )
  if (emails.length === 0) return
  const kept = await db
    .update(customerEmails)
    .set({ isPrimary: sql`${customerEmails.email} = ${emails[0]}` })
    .where(eq(customerEmails.customerId, customerId))
    .returning({ email: customerEmails.email })
  const keptSet = new Set(kept.map((k) => k.email))
  const added = emails.filter((e) => !keptSet.has(e))
  if (added.length > 0) {
    await db.insert(customerEmails).values(
      added.map((email, i) => ({
        customerId,
        email,
        isPrimary: email === emails[0],
        // distinct times keep the given order among new addresses
        createdAt: new Date(now.getTime() + i),
      })),
    )
  }
}

export const replacePhones = async (
  db: Queryable,
  customerId: string,
  phones: { phone: string; label: string | null }[],
  now: Date,
) => {
  await db.delete(customerPhones).where(eq(customerPhones.customerId, customerId))
  if (phones.length === 0) return
  await db
    .insert(customerPhones)
    .values(phones.map((p, i) => ({ customerId, ...p, createdAt: new Date(now.getTime() + i) })))
}

// ---------------------------------------------------------------------------------------------
// Organizations

export const findOrganizationById = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id))
  return row
}

/** The organization with this domain (case-insensitive, as its unique index). */
export const findOrganizationIdByDomain = async (db: Queryable, domain: string) => {
  const [row] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`lower(${organizations.domain}) = ${domain.toLowerCase()}`)
  return row?.id
}

export const insertOrganization = async (db: Queryable, values: typeof organizations.$inferInsert) => {
  const [row] = await db.insert(organizations).values(values).returning()
  return row!
}

export const updateOrganization = async (
  db: Queryable,
  id: string,
  values: Partial<typeof organizations.$inferInsert>,
) => {
  const [row] = await db.update(organizations).set(values).where(eq(organizations.id, id)).returning()
  return row
}

export const lockOrganization = async (db: Queryable, id: string) => {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id)).for('update')
  return row
}

/**
 * Key-share locks an organization that a customer is about to reference: a concurrent delete
 * (which takes FOR UPDATE) waits, and then sees the new customer.
 */
export const lockOrganizationKey = (db: Queryable, id: string) =>
  db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)).for('key share')

export const deleteOrganization = (db: Queryable, id: string) =>
  db.delete(organizations).where(eq(organizations.id, id))

export const hasCustomers = async (db: Queryable, organizationId: string) => {
  const rows = await db
    .select({ one: sql`1` })
    .from(customers)
    .where(eq(customers.organizationId, organizationId))
    .limit(1)
  return rows.length > 0
}

export const listOrganizations = (db: Queryable, after: { name: string; id: string } | null, limit: number) =>
  db
    .select()
    .from(organizations)
    .where(
      after
        ? sql`(${organizations.name}, ${organizations.id}) > (${after.name}, ${after.id}::uuid)`
        : undefined,
    )
    .orderBy(asc(organizations.name), asc(organizations.id))
    .limit(limit)

/** Organizations whose name resembles one of the spellings, best first, with their score. */
export const searchOrganizations = (db: Queryable, variants: string[], offset: number, limit: number) => {
  const score = trigramScore(organizations.nameFolded, variants)
  return db
    .select({ ...getTableColumns(organizations), score })
    .from(organizations)
    .where(trigramMatch(organizations.nameFolded, variants))
    .orderBy(
      desc(score),
      desc(trigramTieBreak(organizations.nameFolded, variants)),
      asc(organizations.name),
      asc(organizations.id),
    )
    .offset(offset)
    .limit(limit)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL errors

/** A unique violation of this constraint (a concurrent insert won the race). */
export const isUniqueViolation = (e: unknown, constraint: string) => {
  const pg = pgErrorOf(e)
  return pg?.code === '23505' && pg.constraint === constraint
}

/** A foreign key still points at the row being deleted. */
export const isForeignKeyViolation = (e: unknown) => pgErrorOf(e)?.code === '23503'

/** An address's owner and whether mail to it bounces. */
export const findEmailRow = async (db: Queryable, email: string) => {
  const [row] = await db.select().from(customerEmails).where(eq(customerEmails.email, email.toLowerCase()))
  return row
}

/** Marks an address as failing (mail to it bounced), or as working again (null). */
export const setEmailFailing = (db: Queryable, email: string, since: Date | null) =>
  db.update(customerEmails).set({ failingSince: since }).where(eq(customerEmails.email, email.toLowerCase()))

/** A customer and its primary address in one statement (a new sender); the caller chooses the id. */
export const insertCustomerWithEmail = async (
  db: Queryable,
  values: typeof customers.$inferInsert & { id: string },
  email: string,
) => {
  const c = placeholders('c_', values)
  const e = placeholders('e_', {
    id: uuidv7(),
    customerId: values.id,
    email,
    isPrimary: true,
    createdAt: values.createdAt,
  })
  await executeShaped(
    db,
    'customer_for_address',
    c.keys.join(','),
    () =>
      sql`WITH c AS (${db.insert(customers).values(c.row).getSQL()}) ${db.insert(customerEmails).values(e.row).getSQL()}`,
    { ...c.values, ...e.values },
  )
}
