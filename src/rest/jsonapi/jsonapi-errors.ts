import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { classifyError, problemHeaders } from '../../http/error-classification.js';

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
  const problem = classifyError(error, request);
  if (problem.internal) request.log.error({ err: error }, 'request failed');
  problemHeaders(reply, problem);
  return sendJsonApiErrors(reply, problem.status, [
    {
      status: String(problem.status),
      // JSON:API codes name the resource, as the v2 reference does: `client_not_found`.
      code: problem.resource ? `${problem.resource.replaceAll(' ', '_')}_not_found` : problem.code,
      title: problem.title,
      detail: problem.detail,
      ...(problem.field ? { source: { pointer: `/data/attributes/${problem.field}` } } : {}),
    },
  ]);
}
