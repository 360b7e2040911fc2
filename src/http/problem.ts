import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Problem {
  status: number;
  title: string;
  detail?: string;
  type?: string;
  [extension: string]: unknown;
}

/**
 * RFC 9457 problem details, the default dialect outside the versioned surfaces (which install their
 * own error handlers). Every problem carries the request id.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .status(problem.status)
    .type('application/problem+json')
    .send({ type: 'about:blank', ...problem, instance: request.url, request_id: request.id });
}
