import {
  CreateCustomerInput,
  CreateOrganizationInput,
  Customer,
  CustomerPage,
  CustomerQuery,
  IdParams,
  Organization,
  OrganizationCustomersQuery,
  OrganizationQuery,
  page,
  UpdateCustomerInput,
  UpdateOrganizationInput,
} from '@tresen/contract'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { noContent } from '../../platform/http.ts'
import * as customers from './customers.service.ts'

const tags = ['customers']
const orgTags = ['organizations']

/**
 * Customers and organizations, shared by the whole desk: every signed-in staff member reads,
 * creates and updates them; only admins delete (the service's policy decides, per record).
 */
export const customerRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/customers',
    { schema: { tags, querystring: CustomerQuery, response: { 200: CustomerPage } } },
    async (req) => customers.listCustomers(req.ctx, req.query),
  )
  app.get(
    '/customers/:id',
    { schema: { tags, params: IdParams, response: { 200: Customer } } },
    async (req) => customers.getCustomer(req.ctx, req.params.id),
  )
  app.post(
    '/customers',
    { schema: { tags, body: CreateCustomerInput, response: { 201: Customer } } },
    async (req, reply) => reply.code(201).send(await customers.createCustomer(req.ctx, req.body)),
  )
  app.patch(
    '/customers/:id',
    { schema: { tags, params: IdParams, body: UpdateCustomerInput, response: { 200: Customer } } },
    async (req) => customers.updateCustomer(req.ctx, req.params.id, req.body),
  )
  app.delete(
    '/customers/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await customers.deleteCustomer(req.ctx, req.params.id)
      return noContent(reply)
    },
  )

  app.get(
    '/organizations',
    { schema: { tags: orgTags, querystring: OrganizationQuery, response: { 200: page(Organization) } } },
    async (req) => customers.listOrganizations(req.ctx, req.query),
  )
  app.get(
    '/organizations/:id',
    { schema: { tags: orgTags, params: IdParams, response: { 200: Organization } } },
    async (req) => customers.getOrganization(req.ctx, req.params.id),
  )
  app.get(
    '/organizations/:id/customers',
    {
      schema: {
        tags: orgTags,
        params: IdParams,
        querystring: OrganizationCustomersQuery,
        response: { 200: page(Customer) },
      },
    },
    async (req) => customers.listOrganizationCustomers(req.ctx, req.params.id, req.query),
  )
  app.post(
    '/organizations',
    { schema: { tags: orgTags, body: CreateOrganizationInput, response: { 201: Organization } } },
    async (req, reply) => reply.code(201).send(await customers.createOrganization(req.ctx, req.body)),
  )
  app.patch(
    '/organizations/:id',
    {
      schema: {
        tags: orgTags,
        params: IdParams,
        body: UpdateOrganizationInput,
        response: { 200: Organization },
      },
    },
    async (req) => customers.updateOrganization(req.ctx, req.params.id, req.body),
  )
  app.delete(
    '/organizations/:id',
    { schema: { tags: orgTags, params: IdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await customers.deleteOrganization(req.ctx, req.params.id)
      return noContent(reply)
    },
  )
}
