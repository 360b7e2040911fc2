import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { ValidationError, zodIssues } from '../../domain/errors.js';
import { deliveriesChannel } from '../../events/dispatcher.js';
import { type EventType, eventTypes } from '../../events/event-catalog.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import {
  type DeliveryStatus,
  type DeliveryView,
  deliveryStatuses,
  getDelivery,
  listDeliveries,
  replayDelivery,
  replaySince,
  replayWindowHours,
  responseExcerptBytes,
  sendTestEvent,
  testEventType,
} from '../../webhooks/endpoint-deliveries.js';
import type { EndpointRow } from '../../webhooks/endpoints.repository.js';
import {
  contentTypes,
  createEndpoint,
  defaultOverlapHours,
  deleteEndpoint,
  type EndpointChanges,
  endpointRecord,
  getEndpoint,
  headerIssues,
  listEndpoints,
  maxHeaders,
  maxOverlapHours,
  rotateEndpointSecret,
  setEndpointEnabled,
  signatureModes,
  updateEndpoint,
  type WebhookSettings,
} from '../../webhooks/endpoints.service.js';
import { ensureSigningKey, publishedSigningKeys, rotateSigningKey } from '../../webhooks/signing-keys.js';
import type { WebhookDeps } from '../../webhooks/webhook-deps.js';
import { validateWith } from '../route-validation.js';
import { named } from '../schema-names.js';
import { listCursors, readPage, sendPage } from './pagination.js';
import { noContent, problemResponses, v1Security } from './v1-openapi.js';
import { idParameter, pageParameters, pageSchema } from './v1-schemas.js';

// /v1/webhooks: webhook endpoints as the settings page manages them — create (the secret shown
// once), list, read, change, delete, enable and disable, rotate the secret, send a test event,
// read deliveries with their attempts, replay one delivery or everything since a time — and the
// tenant's public keys for asymmetric (v1a) signatures as a JWK set, with their rotation.
// Scope webhooks:manage.

const timestamp = z.iso.datetime();
const mustBe = (what: string) => ({ error: `must be ${what}` });

const headerMap = z
  .record(z.string(), z.string(mustBe('a string')), mustBe('an object of header names and values'))
  .superRefine((headers, context) => {
    // Reported with the body's other refusals, rather than after them.
    for (const issue of headerIssues(headers)) {
      const path = issue.field === 'headers' ? [] : [issue.field.slice('headers/'.length)];
      context.addIssue({ code: 'custom', message: issue.message, path });
    }
  })
  .describe(
    `Custom headers sent with every delivery (at most ${maxHeaders}). Names Portico sets itself (webhook-*, content-type, host, …) are refused.`,
  );

const eventTypeList = z
  .array(
    z.enum(eventTypes as [EventType, ...EventType[]], {
      error: (issue) => `unknown event type ${String(issue.input)}`,
    }),
    mustBe('a list of event types'),
  )
  .min(1, 'must name at least one event type')
  .describe('The event types delivered to this endpoint; only types the creating credential may read.');

const endpoint = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  url: z.string().describe('Where deliveries are POSTed.'),
  event_types: z.array(z.string()),
  content_type: z.enum(contentTypes).describe('How the event is serialized in the body.'),
  headers: z.record(z.string(), z.string()),
  enabled: z.boolean(),
  signatures: z
    .enum(signatureModes)
    .describe(
      'v1: HMAC-SHA256 with the endpoint’s secret; v1a: Ed25519 with the tenant’s signing keys (GET /v1/webhooks/signing-keys); both: each delivery carries both.',
    ),
  strict_ordering: z
    .boolean()
    .describe(
      'Deliver one event at a time in sequence order; a failing delivery holds back the ones after it.',
    ),
  disabled_reason: z
    .string()
    .nullable()
    .describe('Why a disabled endpoint is disabled: manual, or the reason the delivery worker gave.'),
  failing_since: timestamp.nullable().describe('When deliveries started failing, while they do.'),
  external_reference: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
named(endpoint, 'WebhookEndpoint', 'A webhook endpoint, without its secret.');

const endpointWithSecret = endpoint.extend({
  secret: z
    .string()
    .describe('The signing secret, `whsec_` + base64 of 32 random bytes: shown in this response only.'),
});
named(endpointWithSecret, 'WebhookEndpointWithSecret', 'A webhook endpoint with its new secret, once.');

const endpointPage = pageSchema(endpoint, 'WebhookEndpointPage');

const createBody = z.strictObject({
  name: z
    .string(mustBe('a string'))
    .refine((name) => name.trim().length >= 1 && name.trim().length <= 200, 'must be 1-200 characters')
    .describe('A name to recognise the endpoint by.'),
  description: z
    .string(mustBe('a string'))
    .max(2000, 'must be at most 2000 characters')
    .nullable()
    .optional(),
  url: z
    .string(mustBe('a string'))
    .describe(
      'An https URL whose host resolves to public addresses only (loopback, private, link-local and metadata addresses are refused).',
    ),
  event_types: eventTypeList,
  content_type: z.enum(contentTypes, mustBe('application/json or application/xml')).optional(),
  headers: headerMap.optional(),
  enabled: z.boolean(mustBe('true or false')).optional(),
  signatures: z.enum(signatureModes, mustBe('v1, v1a or both')).optional(),
  strict_ordering: z.boolean(mustBe('true or false')).optional(),
  external_reference: z
    .string(mustBe('a string'))
    .regex(/^[A-Za-z0-9 _-]{0,256}$/, 'must be at most 256 letters, digits, spaces, dashes or underscores')
    .nullable()
    .optional(),
});
named(createBody, 'WebhookEndpointCreate');

const updateBody = createBody.partial();
named(updateBody, 'WebhookEndpointUpdate', 'A JSON merge patch of the endpoint.');

const overlapObject = named(
  z.strictObject({
    overlap_hours: z
      .number(mustBe('a number of hours'))
      .min(0, `must be from 0 to ${maxOverlapHours} hours`)
      .max(maxOverlapHours, `must be from 0 to ${maxOverlapHours} hours`)
      .optional()
      .describe(
        `How long the previous credential keeps signing beside the new one (default ${defaultOverlapHours}).`,
      ),
  }),
  'WebhookRotation',
  'Optional: the body may be left out.',
);
/** The body may be left out (Fastify then hands over null): that is the default overlap. */
const overlapBody = validateWith(overlapObject, (data) => {
  const parsed = overlapObject.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  throw ValidationError.of(
    zodIssues(
      parsed.error,
      data,
      (path) => path.map(String).join('/') || 'body',
      () => 'is not a field of this request',
    ),
  );
});

const replayBody = z.strictObject({
  since: z.iso
    .datetime({ offset: true, error: 'must be an RFC 3339 date-time' })
    .describe(`Replay every subscribed event since this instant, at most ${replayWindowHours} hours ago.`),
});
named(replayBody, 'WebhookReplay');

const replayResult = named(
  z.object({
    since: timestamp,
    deliveries: z.int().describe('Deliveries scheduled: created, or sent back to pending.'),
  }),
  'WebhookReplayResult',
);

const attempt = z.object({
  attempted_at: timestamp,
  status_code: z.int().nullable().describe('The receiver’s HTTP status, if it answered.'),
  duration_ms: z.int().nullable().describe('How long the attempt took.'),
  error: z.string().nullable().describe('Why the attempt failed, when it did.'),
  response_excerpt: z
    .string()
    .nullable()
    .describe(`The first ${responseExcerptBytes} bytes of the receiver’s answer.`),
});
named(attempt, 'WebhookAttempt');

const delivery = z.object({
  id: z.uuid(),
  endpoint_id: z.uuid(),
  event_id: z.string().nullable().describe('The event delivered (null for a test event).'),
  event_type: z.string().nullable(),
  message_id: z.string().describe('The webhook-id header: the same on every retry and replay.'),
  test: z.boolean().describe(`A ${testEventType} event, which is in no event log.`),
  status: z.enum(deliveryStatuses),
  sequence: z.int().nullable().describe('The event’s position in the tenant’s log.'),
  next_attempt_at: timestamp.nullable().describe('When the next attempt is due, unless settled.'),
  last_status_code: z.int().nullable(),
  last_error: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  attempts: z.array(attempt).describe('Every attempt, oldest first.'),
});
named(delivery, 'WebhookDelivery', 'One event sent to one endpoint, with its attempts.');

const deliveryPage = pageSchema(delivery, 'WebhookDeliveryPage');

const deliveryQuery = z.strictObject({
  status: z
    .enum(deliveryStatuses, mustBe(deliveryStatuses.join(', ')))
    .optional()
    .describe('Only deliveries in this state.'),
  ...pageParameters,
});

const deliveryParameters = z.object({
  id: z.string().meta({ format: 'uuid' }).describe('The endpoint’s id.'),
  delivery_id: z.string().meta({ format: 'uuid' }).describe('The delivery’s id.'),
});

/** The members of a published Ed25519 key, as v1's JWK set and v2's signing-key resource show them. */
export const signingJwkShape = {
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().describe('The public key, base64url.'),
  kid: z.string(),
  alg: z.literal('EdDSA'),
  use: z.literal('sig'),
};

const jwk = z.object(signingJwkShape);
named(jwk, 'WebhookSigningJwk', 'A public key that verifies v1a webhook signatures.');
const jwkSet = named(
  z.object({ keys: z.array(jwk) }),
  'WebhookSigningJwkSet',
  'The keys receivers should trust for v1a signatures: the current one first, then any still retiring after a rotation.',
);

function presentDelivery(view: DeliveryView): z.infer<typeof delivery> {
  return view;
}

export function registerWebhookRoutes(
  v1: FastifyInstance,
  deps: { database: Database; secrets: ServerSecrets; webhooks: WebhookDeps },
): void {
  const { db } = deps.database;
  const scope: Scope = 'webhooks:manage';
  const config = { scope };
  const settings = (): WebhookSettings => ({
    box: deps.webhooks.box,
    target: { allowPrivate: deps.webhooks.allowPrivateTargets },
  });
  const documented = (operationId: string, summary: string) => ({
    tags: ['Webhooks'],
    operationId,
    summary,
    security: v1Security(scope),
  });
  const present = (row: EndpointRow) => endpointRecord(row);
  const base = (id: string) => `/v1/webhooks/${id}`;
  /** Delivery workers poll too; this only spares them the wait, once the deliveries are committed. */
  const wake = async (request: FastifyRequest) => {
    deps.database.afterCommit(async () => {
      try {
        await deps.webhooks.broker.publish(deliveriesChannel, request.viewer.tenantId);
      } catch (error) {
        request.log.warn({ err: error }, 'could not tell delivery workers about new deliveries');
      }
    });
  };
  const jwks = async (tenantId: string) => {
    await ensureSigningKey(db, deps.webhooks.box, tenantId);
    return { keys: (await publishedSigningKeys(db, tenantId)).map((key) => key.jwk) };
  };

  v1.post(
    '/webhooks',
    {
      config,
      schema: {
        ...documented('createWebhookEndpoint', 'Create a webhook endpoint'),
        description:
          'The endpoint’s signing secret is in this response only; Portico keeps it sealed. The URL must be https and resolve to public addresses only.',
        body: createBody,
        response: { 201: endpointWithSecret, ...problemResponses([400, 415]) },
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof createBody>;
      const { endpoint: created, secret } = await createEndpoint(
        db,
        request.viewer,
        {
          ...body,
          description: body.description ?? null,
          external_reference: body.external_reference ?? null,
        },
        settings(),
      );
      return reply
        .status(201)
        .header('location', base(created.id))
        .send({ ...present(created), secret });
    },
  );

  v1.get(
    '/webhooks',
    {
      config,
      schema: {
        ...documented('listWebhookEndpoints', 'List webhook endpoints'),
        querystring: z.strictObject(pageParameters),
        response: { 200: endpointPage, ...problemResponses([400]) },
      },
    },
    async (request, reply) => {
      const cursors = await listCursors(request, deps.secrets);
      const page = readPage(request.query as { limit?: number; cursor?: string }, cursors);
      return sendPage(request, reply, await listEndpoints(db, request.viewer, page), cursors, present);
    },
  );

  v1.get(
    '/webhooks/signing-keys',
    {
      config,
      schema: {
        ...documented('getWebhookSigningKeys', 'Get the webhook signing keys (JWK set)'),
        description:
          'The public keys that verify v1a (Ed25519) webhook signatures, as a JWK set: the current key, and after a rotation the previous one until it retires. Receivers keep these as their trust list; a key is never taken from a delivery.',
        response: { 200: jwkSet, ...problemResponses([]) },
      },
    },
    async (request) => jwks(request.viewer.tenantId),
  );

  v1.post(
    '/webhooks/signing-keys/rotate',
    {
      config,
      schema: {
        ...documented('rotateWebhookSigningKey', 'Rotate the webhook signing key'),
        description: `Creates a new signing key. The previous one keeps signing beside it, and stays in the JWK set, for overlap_hours (default ${defaultOverlapHours}).`,
        body: overlapBody,
        response: { 200: jwkSet, ...problemResponses([400, 415]) },
      },
    },
    async (request) => {
      const body = request.body as z.infer<typeof overlapBody>;
      await rotateSigningKey(
        db,
        deps.webhooks.box,
        request.viewer.tenantId,
        body.overlap_hours ?? defaultOverlapHours,
      );
      return jwks(request.viewer.tenantId);
    },
  );

  v1.get<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      config,
      schema: {
        ...documented('getWebhookEndpoint', 'Get a webhook endpoint'),
        params: idParameter,
        response: { 200: endpoint, ...problemResponses([404]) },
      },
    },
    async (request) => present(await getEndpoint(db, request.viewer, request.params.id)),
  );

  v1.patch<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      config,
      schema: {
        ...documented('updateWebhookEndpoint', 'Change a webhook endpoint'),
        description:
          'A JSON merge patch; headers, when given, replaces the whole set. Setting enabled to false disables the endpoint, as POST …/disable does.',
        params: idParameter,
        body: updateBody,
        response: { 200: endpoint, ...problemResponses([400, 404, 415]) },
      },
    },
    async (request) => {
      const changes = request.body as EndpointChanges;
      return present(await updateEndpoint(db, request.viewer, request.params.id, changes, settings()));
    },
  );

  v1.delete<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      config,
      schema: {
        ...documented('deleteWebhookEndpoint', 'Delete a webhook endpoint'),
        description: 'Nothing more is delivered to it; it answers 404 from now on.',
        params: idParameter,
        response: { 204: noContent, ...problemResponses([404]) },
      },
    },
    async (request, reply) => {
      await deleteEndpoint(db, request.viewer, request.params.id);
      return reply.status(204).send();
    },
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    v1.post<{ Params: { id: string } }>(
      `/webhooks/:id/${action}`,
      {
        config,
        schema: {
          ...documented(
            `${action}WebhookEndpoint`,
            enabled ? 'Enable a webhook endpoint' : 'Disable a webhook endpoint',
          ),
          description: enabled
            ? 'Deliveries resume for events from now on; disabled_reason and failing_since are cleared.'
            : 'No deliveries are created for it until it is enabled again; disabled_reason becomes manual.',
          params: idParameter,
          response: { 200: endpoint, ...problemResponses([404]) },
        },
      },
      async (request) =>
        present(await setEndpointEnabled(db, request.viewer, request.params.id, enabled, settings())),
    );
  }

  v1.post<{ Params: { id: string } }>(
    '/webhooks/:id/rotate-secret',
    {
      config,
      schema: {
        ...documented('rotateWebhookSecret', 'Rotate a webhook endpoint’s secret'),
        description: `The new secret is in this response only. The previous one keeps signing beside it for overlap_hours (default ${defaultOverlapHours}), so receivers can switch without missing a delivery.`,
        params: idParameter,
        body: overlapBody,
        response: { 200: endpointWithSecret, ...problemResponses([400, 404, 415]) },
      },
    },
    async (request) => {
      const body = request.body as z.infer<typeof overlapBody>;
      const { endpoint: rotated, secret } = await rotateEndpointSecret(
        db,
        request.viewer,
        request.params.id,
        body.overlap_hours ?? defaultOverlapHours,
        deps.webhooks.box,
      );
      return { ...present(rotated), secret };
    },
  );

  v1.post<{ Params: { id: string } }>(
    '/webhooks/:id/test',
    {
      config,
      schema: {
        ...documented('testWebhookEndpoint', 'Send a test event'),
        description: `Delivers a ${testEventType} event carrying the endpoint’s record, signed like any other. It is in no event log.`,
        params: idParameter,
        response: { 201: delivery, ...problemResponses([404, 409]) },
      },
    },
    async (request, reply) => {
      const target = await getEndpoint(db, request.viewer, request.params.id);
      const sent = await sendTestEvent(db, target);
      await wake(request);
      return reply
        .status(201)
        .header('location', `${base(target.id)}/deliveries/${sent.id}`)
        .send(presentDelivery(sent));
    },
  );

  v1.get<{ Params: { id: string } }>(
    '/webhooks/:id/deliveries',
    {
      config,
      schema: {
        ...documented('listWebhookDeliveries', 'List a webhook endpoint’s deliveries'),
        description:
          'In creation order, each with every attempt: status code, duration, error, response excerpt.',
        params: idParameter,
        querystring: deliveryQuery,
        response: { 200: deliveryPage, ...problemResponses([400, 404]) },
      },
    },
    async (request, reply) => {
      const target = await getEndpoint(db, request.viewer, request.params.id);
      const query = request.query as { status?: DeliveryStatus; limit?: number; cursor?: string };
      const filters = query.status ? { status: query.status } : {};
      const cursors = await listCursors(request, deps.secrets, { endpoint: target.id, ...filters });
      const page = readPage(query, cursors);
      return sendPage(
        request,
        reply,
        await listDeliveries(db, target, filters, page),
        cursors,
        presentDelivery,
      );
    },
  );

  v1.get<{ Params: { id: string; delivery_id: string } }>(
    '/webhooks/:id/deliveries/:delivery_id',
    {
      config,
      schema: {
        ...documented('getWebhookDelivery', 'Get a webhook delivery'),
        params: deliveryParameters,
        response: { 200: delivery, ...problemResponses([404]) },
      },
    },
    async (request) => {
      const target = await getEndpoint(db, request.viewer, request.params.id);
      return presentDelivery(await getDelivery(db, target, request.params.delivery_id));
    },
  );

  v1.post<{ Params: { id: string; delivery_id: string } }>(
    '/webhooks/:id/deliveries/:delivery_id/replay',
    {
      config,
      schema: {
        ...documented('replayWebhookDelivery', 'Replay a webhook delivery'),
        description:
          'Sends it again now, with the same webhook-id and a fresh timestamp and signature; its attempts so far stay in its history. 409 while an attempt is in flight.',
        params: deliveryParameters,
        response: { 202: delivery, ...problemResponses([404, 409]) },
      },
    },
    async (request, reply) => {
      const target = await getEndpoint(db, request.viewer, request.params.id);
      const replayed = await replayDelivery(db, target, request.params.delivery_id);
      await wake(request);
      return reply.status(202).send(presentDelivery(replayed));
    },
  );

  v1.post<{ Params: { id: string } }>(
    '/webhooks/:id/replay',
    {
      config,
      schema: {
        ...documented('replayWebhookEvents', 'Replay events since a time'),
        description: `Schedules every event of the log since \`since\` (at most ${replayWindowHours} hours ago) that the endpoint subscribes to: a new delivery where there was none, the existing one sent back to pending otherwise. Each keeps the event id as its webhook-id.`,
        params: idParameter,
        body: replayBody,
        response: { 202: replayResult, ...problemResponses([400, 404, 409, 415]) },
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof replayBody>;
      const target = await getEndpoint(db, request.viewer, request.params.id);
      const since = new Date(body.since);
      const result = await replaySince(db, target, since);
      await wake(request);
      return reply.status(202).send({ since: since.toISOString(), deliveries: result.deliveries });
    },
  );
}
