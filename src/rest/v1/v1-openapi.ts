import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { problemSchema } from './v1-schemas.js';

// What every v1 route's schema says besides its own input and output: the credentials it takes
// and the problems it can answer with.

/** An OAuth access token or an API key, either holding `scope` (or one of them, for a list). */
export function v1Security(scope: Scope | readonly Scope[]): Record<string, string[]>[] {
  const scopes = typeof scope === 'string' ? [scope] : scope;
  return scopes.flatMap((one): Record<string, string[]>[] => [{ oauth2: [one] }, { apiKey: [one] }]);
}

/** Every authenticated route can answer 401 and 403; a route adds the refusals of its own. */
export function problemResponses(statuses: readonly number[]) {
  const responses: Record<number, unknown> = {};
  for (const status of [...statuses, 401, 403]) {
    responses[status] = {
      description: STATUS_CODES[status],
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  return responses;
}

/** A 204's absent body. */
export const noContent = z.null().describe('No content.');
