import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { problemSchema } from './v1-schemas.js';

// What every v1 route's schema says besides its own input and output: the credentials it takes
// and the problems it can answer with.

/** An OAuth access token or an API key, either holding `scope`. */
export function v1Security(scope: Scope): Record<string, string[]>[] {
  return [{ oauth2: [scope] }, { apiKey: [scope] }];
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
