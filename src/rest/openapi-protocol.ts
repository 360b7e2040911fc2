import { STATUS_CODES } from 'node:http';
import type { OpenAPIV3_1 } from 'openapi-types';

// What the v1 protocol does around every route — done once by hooks and shared helpers, not by
// each route — written into the document the same way, once: ETags and If-None-Match/304 on
// reads, If-Match on writes, Location on creation, the Link to the next page, JSON merge patch,
// and the problems any route can answer (a body too large, an internal error).

type Operation = {
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
  },
  headers: {
    ETag: { description: 'Strong entity tag of this representation.', schema: { type: 'string' } },
    Location: { description: 'The URL of the created resource.', schema: { type: 'string' } },
    Link: {
      description: 'The next page (`rel="next"`), when there is one.',
      schema: { type: 'string' },
    },
    RateLimit: {
      description:
        'The tenant’s budget now (IETF RateLimit fields, Structured Fields): `"default";r=<requests left>;t=<seconds until full>`.',
      schema: { type: 'string' },
    },
    RateLimitPolicy: {
      description: 'The tenant’s budget: `"default";q=<requests a minute>;w=60`.',
      schema: { type: 'string' },
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

/**
 * Every authenticated answer carries the tenant's budget; over it the answer is 429 with
 * Retry-After, in the surface's own error format. (A 401 knows no tenant, so it carries neither.)
 */
function documentRateLimit(
  operation: Operation,
  error: (status: number) => Operation['responses'][string],
): void {
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
  const body = operation.requestBody?.content;
  if (body?.['application/json']) {
    if (method === 'patch') body['application/merge-patch+json'] = body['application/json'];
    responses['413'] = problem(413);
  }
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
