import { ValidationError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor, maxPageSize } from '../../domain/pagination.js';

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

/** Fetch `limit + 1` rows; the extra one only says whether there is a next page. */
export function pageOf<T extends { id: string }>(
  rows: T[],
  limit: number,
): { data: T[]; next_cursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data, next_cursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
