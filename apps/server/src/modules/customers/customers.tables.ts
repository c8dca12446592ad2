import { type AnyColumn, type SQL, sql } from 'drizzle-orm'
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { language } from '../staff/staff.tables.ts'

// Letters with diacritics and their plain form, for folding names before trigram matching.
export const FOLD_FROM = 'àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťùúûüūůűýÿźżž'
export const FOLD_TO = 'aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuyyzzz'

/**
 * A name as the trigram search compares it: lower-case, ß as ss, diacritics dropped ("Jürgen
 * Weiß" → "jurgen weiss"), so "Muller" finds "Müller" and "Sussmann" finds "Süßmann". pg_trgm
 * does not fold letters itself, and the unaccent extension is not immutable, so the folding is
 * this expression of immutable built-ins; the GIN indexes below are on exactly this expression.
 */
export const foldedName = (value: AnyColumn | SQL) =>
  sql`translate(replace(lower(${value}), 'ß', 'ss'), ${sql.raw(`'${FOLD_FROM}'`)}, ${sql.raw(`'${FOLD_TO}'`)})`

export const organizations = pgTable(
  'organizations',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    domain: text(),
    /** The name folded for trigram search (see foldedName), kept by PostgreSQL. */
    nameFolded: text().generatedAlwaysAs(foldedName(sql.raw('"name"'))),
    notes: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // on the folded name (was: on name): see foldedName
    index('organizations_name_trgm_idx').using('gin', sql`${t.nameFolded} gin_trgm_ops`),
    // Keyset pagination of the plain list (ORDER BY name, id) without sorting the whole table.
    index('organizations_name_id_idx').on(t.name, t.id),
    uniqueIndex('organizations_domain_key').on(sql`lower(${t.domain})`),
  ],
)

/** A customer (contact): a person the desk serves, on any channel. */
export const customers = pgTable(
  'customers',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    language: language().notNull().default('de'),
    /** How a letter addresses them: 'ms' (Frau), 'mr' (Herr); null: by full name. */
    formOfAddress: text().$type<'ms' | 'mr'>(),
    organizationId: uuid().references(() => organizations.id, { onDelete: 'set null' }),
    /** The name folded for trigram search (see foldedName), kept by PostgreSQL. */
    nameFolded: text().generatedAlwaysAs(foldedName(sql.raw('"name"'))),
    notes: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // on the folded name (was: on name): see foldedName
    // GIN on the stored folded name: the similarity filter is an index scan and its recheck reads
    // the stored value. (A GiST index with nearest-first ordering was measured slower for the
    // common case of a rare name: it walks much of the index before it finds nothing near.)
    index('customers_name_trgm_idx').using('gin', sql`${t.nameFolded} gin_trgm_ops`),
    // Keyset pagination of the plain list and of an organization's customers (ORDER BY name, id);
    // the second also serves the foreign key (it replaces customers_org_idx on organization_id).
    index('customers_name_id_idx').on(t.name, t.id),
    index('customers_org_name_idx').on(t.organizationId, t.name, t.id),
  ],
)

/** A customer's email addresses, stored lower-cased; one address belongs to one customer. */
export const customerEmails = pgTable(
  'customer_emails',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    isPrimary: boolean().notNull().default(false),
    failingSince: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('customer_emails_email_key').on(t.email),
    index('customer_emails_customer_idx').on(t.customerId),
  ],
)

/** A customer's phone numbers in E.164; a number may be shared (a household, a switchboard). */
export const customerPhones = pgTable(
  'customer_phones',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    phone: text().notNull(),
    label: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('customer_phones_phone_idx').on(t.phone),
    index('customer_phones_customer_idx').on(t.customerId),
  ],
)
