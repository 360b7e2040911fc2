import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, bearerChallenge, InsufficientScopeError } from '../auth/viewer.js';
import {
  ConflictError,
  GoneError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../domain/errors.js';
import { ExpiredCursorError } from '../events/event-log.js';
import { QuotaExceededError } from './daily-quota.js';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './idempotency/idempotency-key.js';
import { MethodNotAllowedError } from './method-not-allowed.js';
import { RateLimitedError } from './rate-limit.js';

/** What every surface needs to render an error in its own dialect; decided here, once. */
export interface ClassifiedError {
  status: number;
  code: string;
  title: string;
  detail: string;
  /** The input field at fault, for validation errors. */
  field?: string;
  /** The resource that was not found, for dialects that name it. */
  resource?: string;
  /** The WWW-Authenticate challenge, for 401 and 403. */
  challenge?: string;
  /** The methods a path answers, for 405. */
  allow?: readonly string[];
  /** Seconds until the caller may try again, for 429 (the Retry-After header). */
  retryAfterSeconds?: number;
  /** For a spent daily quota: the quota and when it resets (RFC 3339), named as GraphQL names them. */
  dailyQuota?: { quota: number; resetsAt: string };
  /** True when the error is a bug or an outage: log it, and show no details. */
  internal: boolean;
}

/**
 * The failures a caller can fix, whatever the transport: credentials, scopes and the domain's
 * own errors. Anything else is undefined here (GraphQL masks it; HTTP looks at its status).
 */
export function classifyDomainError(error: unknown): ClassifiedError | undefined {
  if (error instanceof AuthenticationError) {
    return {
      status: 401,
      code: error.code,
      title: 'Unauthorized',
      detail: error.message,
      challenge: bearerChallenge(error),
      internal: false,
    };
  }
  if (error instanceof InsufficientScopeError) {
    return {
      status: 403,
      code: error.code,
      title: 'Forbidden',
      detail: error.message,
      challenge: bearerChallenge(error),
      internal: false,
    };
  }
  if (error instanceof ValidationError) {
    return {
      status: 400,
      code: error.code,
      title: 'Bad Request',
      detail: error.message,
      field: error.field,
      internal: false,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      status: 404,
      code: error.code,
      title: 'Not Found',
      detail: error.message,
      resource: error.resource,
      internal: false,
    };
  }
  if (error instanceof PreconditionFailedError) {
    return {
      status: 412,
      code: error.code,
      title: 'Precondition Failed',
      detail: error.message,
      internal: false,
    };
  }
  if (error instanceof RateLimitedError) {
    return {
      status: 429,
      code: error.code,
      title: 'Too Many Requests',
      detail: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
      internal: false,
    };
  }
  if (error instanceof QuotaExceededError) {
    return {
      status: 429,
      code: error.code,
      title: 'Daily quota exceeded',
      detail: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
      dailyQuota: { quota: error.quota, resetsAt: error.resetsAt.toISOString() },
      internal: false,
    };
  }
  if (error instanceof GoneError) {
    return { status: 410, code: error.code, title: 'Gone', detail: error.message, internal: false };
  }
  if (error instanceof ExpiredCursorError) {
    return { status: 410, code: error.code, title: 'Gone', detail: error.message, internal: false };
  }
  if (error instanceof IdempotencyKeyInFlightError) {
    return { status: 409, code: error.code, title: 'Conflict', detail: error.message, internal: false };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      status: 422,
      code: error.code,
      title: 'Unprocessable Content',
      detail: error.message,
      field: error.field,
      internal: false,
    };
  }
  if (error instanceof ConflictError) {
    return { status: 409, code: error.code, title: 'Conflict', detail: error.message, internal: false };
  }
  return undefined;
}

export function classifyError(error: FastifyError | Error, request: FastifyRequest): ClassifiedError {
  const domain = classifyDomainError(error);
  if (domain) return domain;
  if (error instanceof MethodNotAllowedError) {
    return {
      status: 405,
      code: error.code,
      title: 'Method Not Allowed',
      detail: error.message,
      allow: error.allowed,
      internal: false,
    };
  }
  const status = 'statusCode' in error && error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  // Raised by the body-limit hook (declared length) or by Fastify's parser (bytes received).
  if (status === 413) {
    return {
      status,
      code: 'payload_too_large',
      title: 'Content Too Large',
      detail: `The request body exceeds ${request.routeOptions.bodyLimit} bytes`,
      internal: false,
    };
  }
  if (status < 500) {
    const title = STATUS_CODES[status] ?? 'Bad Request';
    return { status, code: 'invalid_request', title, detail: error.message, internal: false };
  }
  return {
    status: 500,
    code: 'internal_error',
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred',
    internal: true,
  };
}

/**
 * The `extensions.code` a GraphQL client switches on, for a classified error: the codes Apollo
 * made conventional, by HTTP status, with a refused input told apart from a malformed request.
 */
export function graphqlCode(problem: Pick<ClassifiedError, 'status' | 'field' | 'dailyQuota'>): string {
  switch (problem.status) {
    case 400:
      return problem.field === undefined ? 'BAD_REQUEST' : 'BAD_USER_INPUT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 412:
      return 'PRECONDITION_FAILED';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 422:
      return 'UNPROCESSABLE_CONTENT';
    case 429:
      return problem.dailyQuota ? 'DAILY_QUOTA_EXCEEDED' : 'RATE_LIMITED';
    case 500:
      return 'INTERNAL_SERVER_ERROR';
    default:
      return 'BAD_REQUEST';
  }
}

/**
 * The headers a classified error carries in every dialect: the auth challenge, the allowed
 * methods, Retry-After.
 */
export function problemHeaders(reply: FastifyReply, problem: ClassifiedError): void {
  if (problem.challenge) reply.header('www-authenticate', problem.challenge);
  if (problem.allow) reply.header('allow', problem.allow.join(', '));
  if (problem.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.retryAfterSeconds));
}
