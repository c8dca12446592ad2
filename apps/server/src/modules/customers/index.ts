import { CreateCustomerInput, CreateOrganizationInput } from '@tresen/contract'
import type { z } from 'zod'
import type { Ctx } from '../../platform/context.ts'
import * as service from './customers.service.ts'

/** Customers and organizations: the people and companies the desk serves. */

/** Creates a customer (defaults filled in, input validated like the API's); throws AppError on conflicts. */
export const createCustomer = (ctx: Ctx, input: z.input<typeof CreateCustomerInput>) =>
  service.createCustomer(ctx, CreateCustomerInput.parse(input))

/** Creates an organization (defaults filled in, input validated like the API's). */
export const createOrganization = (ctx: Ctx, input: z.input<typeof CreateOrganizationInput>) =>
  service.createOrganization(ctx, CreateOrganizationInput.parse(input))

/** The customer with this id, or null. */
export const findCustomerById = service.findCustomerById

/** The customer who owns this email address (case-insensitive), or null. */
export const findCustomerByEmail = service.findCustomerByEmail

/** Customers matching a query (name search, email, phone, organization), one page. */
export const listCustomers = service.listCustomers

/** A phone number in any notation as E.164, or null when invalid; national numbers default to DE. */
export { normalizePhone } from './customers.phone.ts'

/** What the email channel needs: an address's owner, its failing mark. */
export { customerMail } from './customers.service.ts'
/** Tables other modules join (a ticket's customer, a sender's address). */
export { customerEmails, customers } from './customers.tables.ts'
