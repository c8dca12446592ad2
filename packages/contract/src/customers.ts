import { z } from 'zod'
import { Id, Language, page, Timestamp } from './common.ts'

export const Organization = z.object({
  id: Id,
  name: z.string(),
  domain: z.string().nullable(),
  notes: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Organization = z.infer<typeof Organization>

export const CreateOrganizationInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be a domain like example.com')
    .nullable()
    .optional(),
  notes: z.string().max(10000).default(''),
})
export type CreateOrganizationInput = z.infer<typeof CreateOrganizationInput>
export const UpdateOrganizationInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  domain: CreateOrganizationInput.shape.domain,
  notes: z.string().max(10000).optional(),
})
export type UpdateOrganizationInput = z.infer<typeof UpdateOrganizationInput>

export const CustomerPhoneInput = z.strictObject({
  /** Any common notation; stored as E.164. National numbers are read as German unless they start with +. */
  number: z.string().trim().min(3).max(40),
  label: z.string().trim().max(50).optional(),
})

/** How a letter addresses a customer: Ms/Frau, Mr/Herr; null: by full name ("Guten Tag Alex Müller,"). */
export const FormOfAddress = z.enum(['ms', 'mr'])
export type FormOfAddress = z.infer<typeof FormOfAddress>

export const Customer = z.object({
  id: Id,
  name: z.string(),
  language: Language,
  formOfAddress: FormOfAddress.nullable().optional(),
  organization: z.object({ id: Id, name: z.string() }).nullable(),
  emails: z.array(z.object({ email: z.string(), primary: z.boolean(), failing: z.boolean() })),
  phones: z.array(z.object({ number: z.string(), label: z.string().nullable() })),
  notes: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type Customer = z.infer<typeof Customer>

export const CreateCustomerInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  language: Language.default('de'),
  formOfAddress: FormOfAddress.nullable().optional(),
  organizationId: Id.nullable().optional(),
  emails: z.array(z.email().max(320)).max(20).default([]),
  phones: z.array(CustomerPhoneInput).max(20).default([]),
  notes: z.string().max(10000).default(''),
})
export type CreateCustomerInput = z.infer<typeof CreateCustomerInput>

export const UpdateCustomerInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  language: Language.optional(),
  formOfAddress: FormOfAddress.nullable().optional(),
  organizationId: Id.nullable().optional(),
  emails: z.array(z.email().max(320)).max(20).optional(),
  phones: z.array(CustomerPhoneInput).max(20).optional(),
  notes: z.string().max(10000).optional(),
})
export type UpdateCustomerInput = z.infer<typeof UpdateCustomerInput>

export const CustomerQuery = z.object({
  email: z.string().max(320).optional(),
  phone: z.string().max(40).optional(),
  /** Fuzzy name search (trigram similarity), typos tolerated. */
  q: z.string().trim().min(1).max(200).optional(),
  organizationId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export type CustomerQuery = z.infer<typeof CustomerQuery>

/**
 * A page of customers. `match` is `similar` when a name search found nobody and offers the names
 * that differ from it by two swapped letters ("Juila Fischer" → Julia Fischer).
 */
export const CustomerPage = page(Customer).extend({ match: z.enum(['exact', 'similar']).optional() })
export type CustomerPage = z.infer<typeof CustomerPage>

export const OrganizationQuery = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export type OrganizationQuery = z.infer<typeof OrganizationQuery>

/** A page of an organization's customers, in name order. */
export const OrganizationCustomersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
})
export type OrganizationCustomersQuery = z.infer<typeof OrganizationCustomersQuery>
