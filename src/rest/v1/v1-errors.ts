import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { classifyError, problemHeaders } from '../../http/error-classification.js';
import { sendProblem } from '../../http/problem.js';

const problemBase = 'https://portico.dev/problems/';

/** v1's dialect: RFC 9457 problem details with a request id; field errors name the field. */
export function v1ErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const problem = classifyError(error, request);
  if (problem.internal) request.log.error({ err: error }, 'request failed');
  problemHeaders(reply, problem);
  return sendProblem(request, reply, {
    type: problem.internal ? 'about:blank' : `${problemBase}${problem.code}`,
    status: problem.status,
    title: problem.title,
    detail: problem.detail,
    code: problem.code,
    ...(problem.field
      ? { invalid_params: [{ name: problem.field, reason: problem.detail.slice(problem.field.length + 2) }] }
      : {}),
  });
}
