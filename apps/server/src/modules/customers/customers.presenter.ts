import type { Customer, Organization } from '@tresen/contract'
import type { CustomerRow, EmailRow, OrganizationRow, PhoneRow } from './customers.repository.ts'

/** A customer with what belongs to them, as loaded for presenting. */
export type CustomerRecord = {
  row: CustomerRow
  organization: { id: string; name: string } | null
  emails: EmailRow[]
  phones: PhoneRow[]
}

/**
 * What a customer becomes in the API. Every staff member sees the same fields; a future
 * customer portal would get its own presenter (no notes, no failing flags).
 */
export const toCustomer = ({ row, organization, emails, phones }: CustomerRecord): Customer => ({
  id: row.id,
  name: row.name,
  language: row.language,
  formOfAddress: row.formOfAddress ?? null,
  organization,
  emails: emails.map((e) => ({ email: e.email, primary: e.isPrimary, failing: e.failingSince !== null })),
  phones: phones.map((p) => ({ number: p.phone, label: p.label })),
  notes: row.notes,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export const toOrganization = (row: OrganizationRow): Organization => ({
  id: row.id,
  name: row.name,
  domain: row.domain,
  notes: row.notes,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})
