import { sql } from 'drizzle-orm'
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { v7 as uuidv7 } from 'uuid'
import { language } from '../staff/staff.tables.ts'

export const organizations = pgTable(
  'organizations',
  {
    id: uuid().primaryKey().$defaultFn(uuidv7),
    name: text().notNull(),
    domain: text(),
    notes: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('organizations_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
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
    organizationId: uuid().references(() => organizations.id, { onDelete: 'set null' }),
    notes: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('customers_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('customers_org_idx').on(t.organizationId),
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
