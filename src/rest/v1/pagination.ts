import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.js';
import { pageOf } from '../../domain/pagination.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { type CursorBinding, openCursor, sealCursor } from './sealed-cursors.js';

// v1's list rules, one place for every list: `limit` (default 100, at most 1000) and an opaque,
// tamper-proof `cursor` bound to the caller, the list, its filters and sort (sealed-cursors.ts);
// the answer is {data, has_more, next_cursor}, with the next page's URL in a Link header.

export const defaultLimit = 100;
export const maxLimit = 1000;

export interface PageRequest {
  limit: number;
  /** The sort key of the last row already returned. */
  after?: string;
}

/** The server secret v1 cursors are sealed with (src/platform/server-secrets.ts). */
export const cursorSecret = 'v1-cursor';

/** One list as a cursor is bound to it: the caller, the route, its filters and its sort. */
export interface ListCursors {
  key: Buffer;
  binding: CursorBinding;
}

export async function listCursors(
  request: FastifyRequest,
  secrets: ServerSecrets,
  filters: Record<string, unknown> = {},
  sort = 'id',
): Promise<ListCursors> {
  return {
    key: await secrets.get(cursorSecret),
    binding: {
      tenantId: request.viewer.tenantId,
      whiteLabelId: request.viewer.whiteLabelId,
      list: `${request.method} ${request.routeOptions.url}`,
      filters,
      sort,
    },
  };
}

/** Reads v1's `limit` and opaque `cursor` query parameters. */
export function readPage(query: { limit?: unknown; cursor?: unknown }, cursors: ListCursors): PageRequest {
  let limit = defaultLimit;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      throw new ValidationError('limit', `must be an integer from 1 to ${maxLimit}`);
    }
  }
  if (query.cursor === undefined || query.cursor === '') return { limit };
  if (typeof query.cursor !== 'string')
    throw new ValidationError('cursor', 'is not a cursor this API returned');
  return { limit, after: openCursor(cursors.key, query.cursor, cursors.binding) };
}

export interface V1Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * v1's page of rows fetched `limit + 1` at a time (the shared keyset rule), each presented, with
 * the Link header to the next page (the same request with the next cursor).
 */
export function sendPage<T extends { id: string }, P>(
  request: FastifyRequest,
  reply: FastifyReply,
  rows: T[],
  page: PageRequest,
  cursors: ListCursors,
  present: (row: T) => P,
): V1Page<P> {
  const window = pageOf(rows, {
    direction: 'forward',
    limit: page.limit,
    ...(page.after ? { cursorId: page.after } : {}),
  });
  const last = window.rows.at(-1);
  const next = window.hasNext && last ? sealCursor(cursors.key, last.id, cursors.binding) : null;
  if (next) {
    const url = new URL(request.url, 'http://portico.invalid');
    url.searchParams.set('cursor', next);
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return { data: window.rows.map(present), has_more: next !== null, next_cursor: next };
}
