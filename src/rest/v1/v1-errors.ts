import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.js';
import { classifyError, problemHeaders } from '../../http/error-classification.js';
import { sendProblem } from '../../http/problem.js';
import { partOf } from '../route-validation.js';

const problemBase = 'https://portico.dev/problems/';

/** Where each refused input is: a JSON pointer into the body, or the parameter or header by name. */
function errorsOf(error: ValidationError) {
  const part = partOf(error);
  return error.issues.map((issue) => {
    if (part === 'querystring' || part === 'params') return { detail: issue.message, parameter: issue.field };
    if (part === 'headers') return { detail: issue.message, header: issue.field };
    const pointer = issue.field === 'body' ? '' : `/${issue.field.replaceAll('~', '~0')}`;
    return { detail: issue.message, pointer: `#${pointer}` };
  });
}

/** v1's dialect: RFC 9457 problem details with a request id; field errors point at the field. */
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
    ...(error instanceof ValidationError ? { errors: errorsOf(error) } : {}),
    ...(problem.dailyQuota
      ? { quota: problem.dailyQuota.quota, resets_at: problem.dailyQuota.resetsAt }
      : {}),
  });
}
