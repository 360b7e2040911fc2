import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.js';
import { classifyError, problemHeaders } from '../../http/error-classification.js';
import { partOf } from '../route-validation.js';
import { DocumentError, type DocumentShape, pointerOf } from './document-reader.js';
import type { ResourceRenderer } from './resource-objects.js';

export const jsonApiMediaType = 'application/vnd.api+json';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How a JSON:API route shows its resource: refusals name it (`client_not_found`). */
    renderer?: ResourceRenderer;
    /** What the route's write document holds: refusals point at its members. */
    document?: DocumentShape;
  }
}

export interface JsonApiError {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string; header?: string };
  /** The facts of a refusal beyond its message: a spent daily quota's `quota` and `resetsAt`. */
  meta?: Record<string, unknown>;
}

export function sendJsonApiErrors(reply: FastifyReply, status: number, errors: JsonApiError[]): FastifyReply {
  return reply
    .status(status)
    .type(jsonApiMediaType)
    .send({ jsonapi: { version: '1.1' }, errors, meta: { requestId: reply.request.id } });
}

/** One error per refused member, parameter or header, each saying where it is. */
function validationErrors(
  error: ValidationError,
  shape: DocumentShape | undefined,
  base: Omit<JsonApiError, 'code' | 'detail'>,
): JsonApiError[] {
  const part = partOf(error);
  return error.issues.map((issue) => {
    if (part === 'querystring' || part === 'params') {
      return {
        ...base,
        code: 'invalid_parameter',
        detail: issue.message,
        source: { parameter: issue.field },
      };
    }
    if (part === 'headers') {
      return { ...base, code: 'invalid_header', detail: issue.message, source: { header: issue.field } };
    }
    const pointer = shape ? pointerOf(shape, issue.field) : issue.field.startsWith('/') ? issue.field : '';
    const code = pointer.startsWith('/data/attributes/')
      ? 'invalid_attribute'
      : pointer.startsWith('/data/relationships/')
        ? 'invalid_relationship'
        : 'invalid_document';
    return { ...base, code, detail: issue.message, source: { pointer } };
  });
}

/** v2 and v3's dialect: the JSON:API `errors[]` envelope (not problem details — that is v1). */
export function jsonApiErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof DocumentError) {
    return sendJsonApiErrors(reply, error.status, [
      {
        status: String(error.status),
        code: error.code,
        title: error.status === 403 ? 'Forbidden' : 'Conflict',
        detail: error.message,
        source: { pointer: error.pointer },
      },
    ]);
  }
  const problem = classifyError(error, request);
  if (problem.internal) request.log.error({ err: error }, 'request failed');
  problemHeaders(reply, problem);
  const { renderer, document } = request.is404 ? {} : request.routeOptions.config;
  const base = { status: String(problem.status), title: problem.title };
  if (error instanceof ValidationError) {
    return sendJsonApiErrors(reply, problem.status, validationErrors(error, document, base));
  }
  let { code, detail } = problem;
  if (problem.resource) {
    // Named after the resource, as the v2 reference does: `client_not_found` (`asset_not_found`).
    const resource = problem.resource.replaceAll(' ', '_');
    code = `${renderer ? renderer.surface.rename(resource) : resource}_not_found`;
  } else if (problem.status === 406) {
    code = 'not_acceptable';
  } else if (problem.status === 415) {
    code = 'unsupported_media_type';
    detail = `A request body must be ${jsonApiMediaType} (or application/vnd.json+api), with no media type parameter but profile`;
  } else if ('code' in error && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    code = 'invalid_json';
  }
  return sendJsonApiErrors(reply, problem.status, [
    {
      ...base,
      code,
      title: problem.title,
      detail,
      ...(code === 'invalid_json' ? { source: { pointer: '' } } : {}),
      ...(problem.dailyQuota ? { meta: { ...problem.dailyQuota } } : {}),
    },
  ]);
}
