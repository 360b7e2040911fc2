import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, bearerChallenge, InsufficientScopeError } from '../../auth/viewer.js';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { sendProblem } from '../../http/problem.js';

const problemBase = 'https://portico.dev/problems/';

/** v1's dialect: RFC 9457 problem details with a request id; field errors name the field. */
export function v1ErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AuthenticationError || error instanceof InsufficientScopeError) {
    const status = error instanceof AuthenticationError ? 401 : 403;
    reply.header('www-authenticate', bearerChallenge(error));
    return sendProblem(request, reply, {
      type: `${problemBase}${error.code}`,
      status,
      title: status === 401 ? 'Unauthorized' : 'Forbidden',
      detail: error.message,
      code: error.code,
    });
  }
  if (error instanceof ValidationError) {
    return sendProblem(request, reply, {
      type: `${problemBase}invalid_input`,
      status: 400,
      title: 'Bad Request',
      detail: error.message,
      code: error.code,
      invalid_params: [{ name: error.field, reason: error.message.slice(error.field.length + 2) }],
    });
  }
  if (error instanceof NotFoundError) {
    return sendProblem(request, reply, {
      type: `${problemBase}not_found`,
      status: 404,
      title: 'Not Found',
      detail: error.message,
      code: error.code,
    });
  }
  if (error instanceof ConflictError) {
    return sendProblem(request, reply, {
      type: `${problemBase}conflict`,
      status: 409,
      title: 'Conflict',
      detail: error.message,
      code: error.code,
    });
  }
  const status = 'statusCode' in error && error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(request, reply, {
    type:
      status === 413
        ? `${problemBase}too_large`
        : status >= 500
          ? 'about:blank'
          : `${problemBase}invalid_request`,
    status,
    title: status === 413 ? 'Content Too Large' : status >= 500 ? 'Internal Server Error' : 'Bad Request',
    detail: status >= 500 ? 'An unexpected error occurred' : error.message,
  });
}
