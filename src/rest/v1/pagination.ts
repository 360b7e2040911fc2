import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Page, PageRequest } from '../../domain/pagination.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { type CursorBinding, type CursorPosition, openCursor, sealCursor } from './sealed-cursors.js';

// v1's list rules, one place for every list: `limit` (default 100, at most 1000) and an opaque,
// tamper-proof `cursor` bound to the caller, the list, its filters and sort (sealed-cursors.ts);
// the answer is {data, has_more, next_cursor}, with the next page's URL in a Link header. A list
// is read in id order (creation order), or in change order — (updated_at, id) — for delta reads.

export const defaultLimit = 100;
export const maxLimit = 1000;

/** The server secret v1 cursors are sealed with (src/platform/server-secrets.ts). */
export const cursorSecret = 'v1-cursor';

export type ListOrder = 'id' | 'updated_at';

/** One list as a cursor is bound to it: the caller, the route, its filters and its order. */
export interface ListCursors {
  key: Buffer;
  binding: CursorBinding;
  order: ListOrder;
}

export async function listCursors(
  request: FastifyRequest,
  secrets: ServerSecrets,
  filters: Record<string, unknown> = {},
  order: ListOrder = 'id',
): Promise<ListCursors> {
  return {
    key: await secrets.get(cursorSecret),
    order,
    binding: {
      tenantId: request.viewer.tenantId,
      whiteLabelId: request.viewer.whiteLabelId,
      list: `${request.method} ${request.routeOptions.url}`,
      filters,
      sort: order,
    },
  };
}

/** The window a v1 list asks for: its validated `limit` and its `cursor`, opened. */
export function readPage(query: { limit?: number; cursor?: string }, cursors: ListCursors): PageRequest {
  const limit = query.limit ?? defaultLimit;
  if (!query.cursor) return { direction: 'forward', limit };
  const at = openCursor(cursors.key, query.cursor, cursors.binding);
  return {
    direction: 'forward',
    limit,
    cursorId: at.id,
    ...(cursors.order === 'updated_at' && at.updatedAt ? { cursorUpdatedAt: at.updatedAt } : {}),
  };
}

export interface V1Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

function positionOf(row: { id: string; updated_at?: unknown }, order: ListOrder): CursorPosition {
  if (order === 'id') return { id: row.id };
  const updatedAt = row.updated_at instanceof Date ? row.updated_at.toISOString() : String(row.updated_at);
  return { id: row.id, updatedAt };
}

/** v1's answer for a page of rows, each presented, with the Link header to the next page. */
export function sendPage<T extends { id: string; updated_at?: unknown }, P>(
  request: FastifyRequest,
  reply: FastifyReply,
  page: Page<T>,
  cursors: ListCursors,
  present: (row: T) => P,
): V1Page<P> {
  const last = page.rows.at(-1);
  const next =
    page.hasNext && last ? sealCursor(cursors.key, positionOf(last, cursors.order), cursors.binding) : null;
  if (next) {
    const url = new URL(request.url, 'http://portico.invalid');
    url.searchParams.set('cursor', next);
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return { data: page.rows.map(present), has_more: next !== null, next_cursor: next };
}
