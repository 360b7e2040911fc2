import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import {
  type CustodianAuthFlow,
  type CustodianAuthority,
  getAuthFlow,
  getAuthority,
  listAuthFlows,
  listAuthorities,
  revokeAuthority,
  startAuthFlow,
} from '../../domain/custodians/custodian-connections.service.js';
import { ValidationError } from '../../domain/errors.js';
import { resourceNamed } from '../../domain/resource.js';
import { validateWith } from '../route-validation.js';
import { named } from '../schema-names.js';
import { v1Security } from '../v1/v1-openapi.js';
import { idParameter } from '../v1/v1-schemas.js';
import { type DocumentShape, type ReadDocument, readDocument } from './document-reader.js';
import { jsonApiMediaType } from './jsonapi-errors.js';
import { errorResponses, jsonApiRequestTypes, noContent } from './jsonapi-openapi.js';
import { jsonApiVersion } from './jsonapi-schemas.js';
import { collectionUrl, v3 } from './jsonapi-surfaces.js';
import type { JsonApiRouteDeps } from './resource.routes.js';

// v3 custodian connections: a client authorizes Portico at its custodian (an auth flow), and what
// the custodian grants is a custodian authority — the accounts it covers and until when. The flow
// and authority rules live in the domain (src/domain/custodians); this renders them in JSON:API.
// Both are read and started with accounts:read / accounts:write, like the accounts they cover.

const flowType = 'custodian-auth-flow';
const authorityType = 'custodian-authority';
const read: Scope = 'accounts:read';
const write: Scope = 'accounts:write';

const flowShape: DocumentShape = {
  type: flowType,
  attributes: new Map([
    ['redirectUri', 'redirect_uri'],
    ['externalReference', 'external_reference'],
  ]),
  relationships: new Map([
    ['client', { field: 'client_id', type: 'client' }],
    ['depository', { field: 'depository_id', type: 'depository' }],
  ]),
  validate(input) {
    const missing = ['client_id', 'depository_id', 'redirect_uri'].filter((field) => input[field] == null);
    const wrong = ['redirect_uri', 'external_reference'].filter(
      (field) => input[field] != null && typeof input[field] !== 'string',
    );
    const issues = [
      ...missing.map((field) => ({ field, message: 'is required' })),
      ...wrong.map((field) => ({ field, message: 'must be a string' })),
    ];
    if (issues.length > 0) throw ValidationError.of(issues);
  },
};

const link = z.url();
const time = z.iso.datetime();
const toOne = (type: string) =>
  z.strictObject({
    data: z.strictObject({ type: z.literal(type), id: z.uuid() }).nullable(),
    links: z.strictObject({ related: link }).optional(),
  });

const flowObject = named(
  z.strictObject({
    type: z.literal(flowType),
    id: z.uuid(),
    attributes: z.strictObject({
      custodian: z.string().describe('The custodian connector, e.g. sandbox.'),
      state: z.enum(['pending', 'completed', 'failed']),
      redirectUri: z.string().describe('Where the client’s browser returns, with flow and status appended.'),
      authorizationUrl: z
        .url()
        .optional()
        .describe('Where to send the client’s browser to decide at the custodian; shown once, on creation.'),
      failureReason: z
        .string()
        .nullable()
        .describe('expired, access_denied, invalid_grant or no_known_accounts, once failed.'),
      expiresAt: time,
      completedAt: time.nullable(),
      externalReference: z.string().nullable(),
      createdAt: time,
      updatedAt: time,
    }),
    relationships: z.strictObject({
      client: toOne('client'),
      depository: toOne('depository'),
      authority: toOne(authorityType).describe('The authority a completed flow created.'),
    }),
    links: z.strictObject({ self: link }),
  }),
  'V3CustodianAuthFlow',
  'A client’s authorization of Portico at a custodian: pending until the custodian’s callback completes or fails it.',
);

const authorityObject = named(
  z.strictObject({
    type: z.literal(authorityType),
    id: z.uuid(),
    attributes: z.strictObject({
      custodian: z.string(),
      status: z.enum(['active', 'revoked']),
      validUntil: time.describe('Until when the custodian granted access.'),
      revokedAt: time.nullable(),
      createdAt: time,
      updatedAt: time,
    }),
    relationships: z.strictObject({
      client: toOne('client'),
      depository: toOne('depository'),
      flow: toOne(flowType),
      accounts: z
        .strictObject({ data: z.array(z.strictObject({ type: z.literal('account'), id: z.uuid() })) })
        .describe('The accounts it covers.'),
    }),
    links: z.strictObject({ self: link }),
  }),
  'V3CustodianAuthority',
  'What a custodian granted over a completed flow: which accounts, until when; DELETE revokes it.',
);

const collectionMeta = z.strictObject({ count: z.int(), rowCap: z.int(), capped: z.boolean() });
const documents = (object: z.ZodType, name: string) => ({
  single: named(
    z.strictObject({ jsonapi: jsonApiVersion, data: object, links: z.strictObject({ self: link }) }),
    `${name}Document`,
  ),
  collection: named(
    z.strictObject({
      jsonapi: jsonApiVersion,
      data: z.array(object),
      links: z.strictObject({ self: link }),
      meta: collectionMeta,
    }),
    `${name}Collection`,
  ),
});
const flowDocuments = documents(flowObject, 'V3CustodianAuthFlow');
const authorityDocuments = documents(authorityObject, 'V3CustodianAuthority');

const flowCreate = validateWith(
  named(
    z.strictObject({
      data: z.strictObject({
        type: z.literal(flowType),
        attributes: z.strictObject({
          redirectUri: z.url(),
          externalReference: z.string().nullable().optional(),
        }),
        relationships: z.strictObject({
          client: toOne('client').pick({ data: true }),
          depository: toOne('depository').pick({ data: true }),
        }),
      }),
    }),
    'V3CustodianAuthFlowCreate',
  ),
  (body) => readDocument(flowShape, 'create', body),
);

const uuid = z.uuid({ error: 'must be an id' });
const flowQuery = z.strictObject({
  clientId: uuid.optional().describe('Flows of this client.'),
  depositoryId: uuid.optional().describe('Flows at this depository.'),
  state: z
    .enum(['pending', 'completed', 'failed'], { error: 'must be pending, completed or failed' })
    .optional(),
});
const authorityQuery = z.strictObject({
  clientId: uuid.optional().describe('Authorities of this client.'),
  depositoryId: uuid.optional().describe('Authorities at this depository.'),
  status: z.enum(['active', 'revoked'], { error: 'must be active or revoked' }).optional(),
});

export function registerCustodianRoutes(surface: FastifyInstance, deps: JsonApiRouteDeps): void {
  const { db } = deps.database;
  const base = deps.publicUrl;
  const url = (path: string) => `${base}${path}`;
  const related = (resource: string, id: string | null) =>
    id
      ? {
          data: { type: resource, id },
          links: { related: url(`${collectionUrl(v3, resourceNamed(resource))}/${id}`) },
        }
      : { data: null };
  const flowUrl = (id: string) => url(`/api/v3/custodian-auth-flows/${id}`);
  const authorityUrl = (id: string) => url(`/api/v3/custodian-authorities/${id}`);

  const flowOf = (flow: CustodianAuthFlow & { authorization_url?: string }) => ({
    type: flowType,
    id: flow.id,
    attributes: {
      custodian: flow.custodian,
      state: flow.state,
      redirectUri: flow.redirect_uri,
      ...(flow.authorization_url ? { authorizationUrl: flow.authorization_url } : {}),
      failureReason: flow.failure_reason,
      expiresAt: flow.expires_at.toISOString(),
      completedAt: flow.completed_at?.toISOString() ?? null,
      externalReference: flow.external_reference,
      createdAt: flow.created_at.toISOString(),
      updatedAt: flow.updated_at.toISOString(),
    },
    relationships: {
      client: related('client', flow.client_id),
      depository: related('depository', flow.depository_id),
      authority: flow.authority_id
        ? {
            data: { type: authorityType, id: flow.authority_id },
            links: { related: authorityUrl(flow.authority_id) },
          }
        : { data: null },
    },
    links: { self: flowUrl(flow.id) },
  });
  const authorityOf = (authority: CustodianAuthority) => ({
    type: authorityType,
    id: authority.id,
    attributes: {
      custodian: authority.custodian,
      status: authority.status,
      validUntil: authority.valid_until.toISOString(),
      revokedAt: authority.revoked_at?.toISOString() ?? null,
      createdAt: authority.created_at.toISOString(),
      updatedAt: authority.updated_at.toISOString(),
    },
    relationships: {
      client: related('client', authority.client_id),
      depository: related('depository', authority.depository_id),
      flow: {
        data: { type: flowType, id: authority.flow_id },
        links: { related: flowUrl(authority.flow_id) },
      },
      accounts: { data: authority.account_ids.map((id) => ({ type: 'account', id })) },
    },
    links: { self: authorityUrl(authority.id) },
  });

  const single = (request: FastifyRequest, reply: FastifyReply, data: unknown) =>
    reply
      .type(jsonApiMediaType)
      .send({ jsonapi: { version: '1.1' }, data, links: { self: url(request.url) } });
  const collection = (
    request: FastifyRequest,
    reply: FastifyReply,
    page: { rows: unknown[]; hasNext: boolean },
  ) =>
    reply.type(jsonApiMediaType).send({
      jsonapi: { version: '1.1' },
      data: page.rows,
      links: { self: url(request.url) },
      meta: { count: page.rows.length, rowCap: deps.rowCap, capped: page.hasNext },
    });
  const documented = (scope: Scope, operationId: string, summary: string) => ({
    tags: ['v3'],
    operationId: `v3${operationId}`,
    summary,
    security: v1Security(scope),
    consumes: jsonApiRequestTypes,
    produces: [jsonApiMediaType],
  });
  const everything = { direction: 'forward' as const, limit: deps.rowCap };

  surface.post(
    '/custodian-auth-flows',
    {
      config: { scope: write, document: flowShape },
      schema: {
        ...documented(write, 'StartCustodianAuthFlow', 'Start a custodian auth flow'),
        description:
          'Starts connecting a client’s accounts at a depository: send the client’s browser to authorizationUrl (shown this once); the custodian’s callback completes or fails the flow and returns the browser to redirectUri with flow and status appended. The built-in sandbox custodian approves or refuses on request (append decision=approve or decision=refuse to the authorization URL).',
        body: flowCreate,
        response: { 201: flowDocuments.single, ...errorResponses([400, 403, 409, 415]) },
      },
    },
    async (request, reply) => {
      const { input } = request.body as ReadDocument;
      const flow = await startAuthFlow(
        db,
        request.viewer,
        {
          clientId: input.client_id as string,
          depositoryId: input.depository_id as string,
          redirectUri: input.redirect_uri as string,
          ...(input.external_reference !== undefined
            ? { externalReference: input.external_reference as string | null }
            : {}),
        },
        { publicUrl: base },
      );
      reply.status(201).header('location', flowUrl(flow.id));
      return single(request, reply, flowOf(flow));
    },
  );

  surface.get(
    '/custodian-auth-flows',
    {
      config: { scope: read },
      schema: {
        ...documented(read, 'ListCustodianAuthFlows', 'List custodian auth flows'),
        querystring: flowQuery,
        response: { 200: flowDocuments.collection, ...errorResponses([400]) },
      },
    },
    async (request, reply) => {
      const query = request.query as z.infer<typeof flowQuery>;
      const page = await listAuthFlows(
        db,
        request.viewer,
        {
          ...(query.clientId ? { client_id: query.clientId } : {}),
          ...(query.depositoryId ? { depository_id: query.depositoryId } : {}),
          ...(query.state ? { state: query.state } : {}),
        },
        everything,
      );
      return collection(request, reply, { rows: page.rows.map(flowOf), hasNext: page.hasNext });
    },
  );

  surface.get<{ Params: { id: string } }>(
    '/custodian-auth-flows/:id',
    {
      config: { scope: read },
      schema: {
        ...documented(read, 'GetCustodianAuthFlow', 'Get a custodian auth flow'),
        params: idParameter,
        response: { 200: flowDocuments.single, ...errorResponses([404]) },
      },
    },
    async (request, reply) =>
      single(request, reply, flowOf(await getAuthFlow(db, request.viewer, request.params.id))),
  );

  surface.get(
    '/custodian-authorities',
    {
      config: { scope: read },
      schema: {
        ...documented(read, 'ListCustodianAuthorities', 'List custodian authorities'),
        querystring: authorityQuery,
        response: { 200: authorityDocuments.collection, ...errorResponses([400]) },
      },
    },
    async (request, reply) => {
      const query = request.query as z.infer<typeof authorityQuery>;
      const page = await listAuthorities(
        db,
        request.viewer,
        {
          ...(query.clientId ? { client_id: query.clientId } : {}),
          ...(query.depositoryId ? { depository_id: query.depositoryId } : {}),
          ...(query.status ? { status: query.status } : {}),
        },
        everything,
      );
      return collection(request, reply, { rows: page.rows.map(authorityOf), hasNext: page.hasNext });
    },
  );

  surface.get<{ Params: { id: string } }>(
    '/custodian-authorities/:id',
    {
      config: { scope: read },
      schema: {
        ...documented(read, 'GetCustodianAuthority', 'Get a custodian authority'),
        params: idParameter,
        response: { 200: authorityDocuments.single, ...errorResponses([404]) },
      },
    },
    async (request, reply) =>
      single(request, reply, authorityOf(await getAuthority(db, request.viewer, request.params.id))),
  );

  surface.delete<{ Params: { id: string } }>(
    '/custodian-authorities/:id',
    {
      config: { scope: write },
      schema: {
        ...documented(write, 'RevokeCustodianAuthority', 'Revoke a custodian authority'),
        description:
          'Revokes it at once; it stays readable with status revoked. Revoking it again answers 404.',
        params: idParameter,
        response: { 204: noContent, ...errorResponses([404]) },
      },
    },
    async (request, reply) => {
      await revokeAuthority(db, request.viewer, request.params.id);
      return reply.status(204).send();
    },
  );
}
