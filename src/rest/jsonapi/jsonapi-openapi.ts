import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { jsonApiMediaType } from './jsonapi-errors.js';
import { errorsDocument } from './jsonapi-schemas.js';

// What every JSON:API route's schema says besides its own documents: the media types it speaks and
// the errors it can answer with, as JSON:API error documents.

/** The request media types a body may carry: the standard one, and the one the v2 reference spells. */
export const jsonApiRequestTypes = [jsonApiMediaType, 'application/vnd.json+api'];

/** Every authenticated route can answer 401 and 403; a route adds the refusals of its own. */
export function errorResponses(statuses: readonly number[]) {
  const responses: Record<number, unknown> = {};
  for (const status of [...new Set([...statuses, 401, 403])]) {
    responses[status] = {
      description: STATUS_CODES[status],
      content: { [jsonApiMediaType]: { schema: errorsDocument } },
    };
  }
  return responses;
}

/** A 204's absent body. */
export const noContent = z.null().describe('No content.');
