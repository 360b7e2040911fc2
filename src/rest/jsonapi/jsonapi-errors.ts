import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, bearerChallenge, InsufficientScopeError } from '../../auth/viewer.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';

export const jsonApiMediaType = 'application/vnd.api+json';

export interface JsonApiError {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; parameter?: string };
}

export function sendJsonApiErrors(reply: FastifyReply, status: number, errors: JsonApiError[]): FastifyReply {
  return reply
    .status(status)
    .type(jsonApiMediaType)
    .send({ errors, meta: { requestId: reply.request.id } });
}

/** v2 and v3's dialect: the JSON:API `errors[]` envelope (not problem details — that is v1). */
export function jsonApiErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof AuthenticationError || error instanceof InsufficientScopeError) {
    const status = error instanceof AuthenticationError ? 401 : 403;
    reply.header('www-authenticate', bearerChallenge(error));
    return sendJsonApiErrors(reply, status, [
      {
        status: String(status),
        code: error.code,
        title: status === 401 ? 'Unauthorized' : 'Forbidden',
        detail: error.message,
      },
    ]);
  }
  if (error instanceof ValidationError) {
    return sendJsonApiErrors(reply, 400, [
      {
        status: '400',
        code: error.code,
        title: 'Invalid input',
        detail: error.message,
        source: { pointer: `/data/attributes/${error.field}` },
      },
    ]);
  }
  if (error instanceof NotFoundError) {
    return sendJsonApiErrors(reply, 404, [
      {
        status: '404',
        code: `${error.resource.replaceAll(' ', '_')}_not_found`,
        title: 'Not found',
        detail: error.message,
      },
    ]);
  }
  if (error instanceof ConflictError) {
    return sendJsonApiErrors(reply, 409, [
      { status: '409', code: error.code, title: 'Conflict', detail: error.message },
    ]);
  }
  const status = 'statusCode' in error && error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  return sendJsonApiErrors(reply, status, [
    {
      status: String(status),
      code: status >= 500 ? 'internal_error' : 'invalid_request',
      title: status >= 500 ? 'Internal server error' : 'Invalid request',
      detail: status >= 500 ? 'An unexpected error occurred' : error.message,
    },
  ]);
}
