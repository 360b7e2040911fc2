import { STATUS_CODES } from 'node:http';
import type { OpenAPIV3_1 } from 'openapi-types';
import { costPerToken, tokensFor } from '../http/rate-limit.js';
import { defaultLimit, maxLimit } from './v1/pagination.js';

// What the v1 protocol does around every route — done once by hooks and shared helpers, not by
// each route — written into the document the same way, once: ETags and If-None-Match/304 on
// reads, If-Match on writes, Location on creation, the Link to the next page, JSON merge patch,
// and the problems any route can answer (a body too large, an internal error).

type Operation = {
  description?: string;
  deprecated?: boolean;
  parameters?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<
    string,
    {
      description?: string;
      headers?: Record<string, unknown>;
      content?: Record<string, { schema?: { $ref?: string } }>;
    }
  >;
};

const problem = (status: number) => ({
  description: STATUS_CODES[status],
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export const protocolComponents: OpenAPIV3_1.ComponentsObject = {
  parameters: {
    IfNoneMatch: {
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description: 'An ETag this response had: unchanged, it answers 304 without a body.',
      schema: { type: 'string' },
    },
    IfMatch: {
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        'Write only if the resource still has this ETag (or any, `*`); otherwise 412 and nothing changes.',
      schema: { type: 'string' },
    },
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'A UUID v4 naming this request for 72 hours: a retry with the same key and the same request answers the first answer again (with `Idempotent-Replayed: true`) instead of repeating the change; with a different request, 422; while the first is still running, 409. Only answers that changed something (2xx) are kept; refused requests leave the key free.',
      schema: { type: 'string', format: 'uuid' },
    },
  },
  headers: {
    ETag: { description: 'Strong entity tag of this representation.', schema: { type: 'string' } },
    Location: { description: 'The URL of the created resource.', schema: { type: 'string' } },
    StatusLocation: {
      description: 'The URL of the accepted job’s status resource: poll it, or wait for its event.',
      schema: { type: 'string' },
    },
    Link: {
      description: 'The next page (`rel="next"`), when there is one.',
      schema: { type: 'string' },
    },
    RateLimit: {
      description:
        'The tenant’s budget now (IETF RateLimit fields, Structured Fields): `"default";r=<tokens left>;t=<seconds until full>`.',
      schema: { type: 'string' },
    },
    RateLimitPolicy: {
      description:
        'The tenant’s budget: `"default";q=<tokens a minute>;w=60`. A request draws one token, a v1 list one per 100 rows of its `limit`.',
      schema: { type: 'string' },
    },
    IdempotentReplayed: {
      description:
        '`true` when this is the stored answer of an earlier request with the same Idempotency-Key.',
      schema: { type: 'string', enum: ['true'] },
    },
    RetryAfter: {
      description: 'Seconds until a request would be accepted again.',
      schema: { type: 'integer' },
    },
    Deprecation: {
      description: 'When this alias was deprecated (RFC 9745): a Structured Fields date, `@<seconds>`.',
      schema: { type: 'string' },
    },
    Sunset: {
      description: 'When this alias stops answering (RFC 8594), an HTTP date; ASSET_ALIAS_SUNSET sets it.',
      schema: { type: 'string' },
    },
    SuccessorLink: {
      description: 'The same route on v3: `</api/v3/…>; rel="successor-version"`.',
      schema: { type: 'string' },
    },
  },
  responses: {
    NotModified: {
      description: 'Not Modified: the representation still has the ETag given in If-None-Match.',
      headers: { ETag: { $ref: '#/components/headers/ETag' } },
    },
  },
};

const listDraw = `Draws ⌈limit / ${costPerToken}⌉ tokens from the tenant’s rate-limit budget: ${tokensFor(defaultLimit)} at the default limit, ${tokensFor(maxLimit)} at ${maxLimit}.`;

/**
 * Every authenticated answer carries the tenant's budget; over it the answer is 429 with
 * Retry-After, in the surface's own error format. (A 401 knows no tenant, so it carries neither.)
 * A list that takes `limit` says what it draws (src/rest/v1/request-cost.ts).
 */
function documentRateLimit(
  operation: Operation,
  error: (status: number) => Operation['responses'][string],
): void {
  const takesLimit = operation.parameters?.some((parameter) => {
    const { name, in: place } = parameter as { name?: unknown; in?: unknown };
    return name === 'limit' && place === 'query';
  });
  if (takesLimit) {
    operation.description = operation.description ? `${operation.description} ${listDraw}` : listDraw;
  }
  const { responses } = operation;
  responses['429'] = {
    ...error(429),
    headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
  };
  for (const [status, response] of Object.entries(responses)) {
    if (status === '401' || '$ref' in response) continue;
    response.headers = {
      ...response.headers,
      RateLimit: { $ref: '#/components/headers/RateLimit' },
      'RateLimit-Policy': { $ref: '#/components/headers/RateLimitPolicy' },
    };
  }
}

function describeResponses(operation: Operation): void {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!response.description || response.description === 'Default Response') {
      response.description = STATUS_CODES[Number(status)] ?? status;
    }
  }
}

const jsonApiError = (status: number) => ({
  description: STATUS_CODES[status],
  content: { 'application/vnd.api+json': { schema: { $ref: '#/components/schemas/JsonApiErrors' } } },
});

/**
 * v2 and v3: Location on creation, the errors any route can answer (406 for an Accept that names
 * JSON:API only with parameters), and an alias's deprecation.
 */
function documentJsonApi(operation: Operation, method: string): void {
  describeResponses(operation);
  const { responses } = operation;
  if (method === 'post' && responses['201']) {
    responses['201'].headers = { Location: { $ref: '#/components/headers/Location' } };
  }
  if (operation.requestBody) {
    responses['413'] = jsonApiError(413);
    responses['415'] = jsonApiError(415);
  }
  responses['406'] = jsonApiError(406);
  responses['500'] = jsonApiError(500);
  if (stateChanging.has(method)) {
    operation.description = operation.description
      ? `${operation.description} ${ignoresIdempotency}`
      : ignoresIdempotency;
  }
  documentRateLimit(operation, jsonApiError);
  if (operation.deprecated) {
    for (const response of Object.values(responses)) {
      if ('$ref' in response) continue;
      response.headers = {
        ...response.headers,
        Deprecation: { $ref: '#/components/headers/Deprecation' },
        Sunset: { $ref: '#/components/headers/Sunset' },
        Link: { $ref: '#/components/headers/SuccessorLink' },
      };
    }
  }
}

const stateChanging = new Set(['post', 'put', 'patch', 'delete']);

/** v1's state-changing routes take Idempotency-Key (src/rest/v1/idempotent-writes.ts). */
function documentIdempotency(operation: Operation): void {
  const { responses } = operation;
  operation.parameters?.push({ $ref: '#/components/parameters/IdempotencyKey' });
  responses['400'] ??= problem(400);
  responses['409'] ??= problem(409);
  responses['422'] ??= problem(422);
  for (const [status, response] of Object.entries(responses)) {
    if (!status.startsWith('2') || '$ref' in response) continue;
    response.headers = {
      ...response.headers,
      'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
    };
  }
}

const ignoresIdempotency =
  'This surface ignores Idempotency-Key, as the platform it keeps compatible did: a retry repeats the request (v1 honours the key).';

function document(operation: Operation, method: string): void {
  describeResponses(operation);
  const { responses } = operation;
  operation.parameters ??= [];
  const parameters = operation.parameters;
  if (method === 'get') {
    parameters.push({ $ref: '#/components/parameters/IfNoneMatch' });
    const ok = responses['200'];
    if (ok) {
      const isPage = ok.content?.['application/json']?.schema?.$ref?.endsWith('Page');
      ok.headers = {
        ETag: { $ref: '#/components/headers/ETag' },
        ...(isPage ? { Link: { $ref: '#/components/headers/Link' } } : {}),
      };
    }
    responses['304'] = { $ref: '#/components/responses/NotModified' } as never;
  }
  if ((method === 'patch' || method === 'delete') && responses['412']) {
    parameters.push({ $ref: '#/components/parameters/IfMatch' });
  }
  if (method === 'post' && responses['201']) {
    responses['201'].headers = { Location: { $ref: '#/components/headers/Location' } };
  }
  if (method === 'post' && responses['202']) {
    responses['202'].headers = { Location: { $ref: '#/components/headers/StatusLocation' } };
  }
  const body = operation.requestBody?.content;
  if (body?.['application/json']) {
    if (method === 'patch') body['application/merge-patch+json'] = body['application/json'];
    responses['413'] = problem(413);
  }
  if (stateChanging.has(method)) documentIdempotency(operation);
  responses['500'] = problem(500);
  documentRateLimit(operation, problem);
  if (parameters.length === 0) delete operation.parameters;
  // Status codes are integer-like keys, which JavaScript always lists in ascending order.
}

/** Adds the protocol's headers, parameters and responses to every operation of the document. */
export function documentProtocol(paths: Record<string, Record<string, Operation>>): void {
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (path.startsWith('/v1/')) document(operation, method);
      else documentJsonApi(operation, method);
    }
  }
}
