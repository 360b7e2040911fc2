import { ValidationError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor, maxPageSize, pageOf } from '../../domain/pagination.js';

export const defaultLimit = 50;

export interface PageRequest {
  limit: number;
  /** The sort key of the last row already returned. */
  after?: string;
}

/** Reads v1's `limit` and opaque `cursor` query parameters. */
export function readPage(query: { limit?: unknown; cursor?: unknown }): PageRequest {
  let limit = defaultLimit;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
      throw new ValidationError('limit', `must be an integer from 1 to ${maxPageSize}`);
    }
  }
  if (query.cursor === undefined || query.cursor === '') return { limit };
  if (typeof query.cursor !== 'string')
    throw new ValidationError('cursor', 'is not a cursor this API returned');
  return { limit, after: decodeCursor(query.cursor, 'cursor') };
}

/** v1's page of rows fetched `limit + 1` at a time (the shared keyset rule), with its next cursor. */
export function cursorPage<T extends { id: string }>(
  rows: T[],
  request: PageRequest,
): { data: T[]; next_cursor: string | null } {
  const page = pageOf(rows, {
    direction: 'forward',
    limit: request.limit,
    ...(request.after ? { cursorId: request.after } : {}),
  });
  const last = page.rows.at(-1);
  return { data: page.rows, next_cursor: page.hasNext && last ? encodeCursor(last.id) : null };
}
