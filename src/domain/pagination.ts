// Keyset pagination, one rule for every surface: rows in (tenant_id, id) order, and a cursor that
// carries the id of the row it stands for. Ids are time-ordered, so rows inserted while a client
// pages land after its position and every row is seen exactly once.
import { isUuid, ValidationError } from './errors.js';

export const defaultPageSize = 50;
export const maxPageSize = 200;

/** A window of a keyset-ordered list: the first rows after a cursor, or the last rows before one. */
export interface PageRequest {
  direction: 'forward' | 'backward';
  limit: number;
  /** Forward: rows after this id; backward: rows before it. */
  cursorId?: string;
  /** In change order (v1 delta reads, forward only): the cursor row's updated_at, with its id. */
  cursorUpdatedAt?: string;
}

export interface Page<T> {
  rows: T[];
  hasNext: boolean;
  hasPrevious: boolean;
}

export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id })).toString('base64url');
}

/** Decodes a cursor this API returned; anything else is a validation error on `field`. */
export function decodeCursor(cursor: string, field: string): string {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof id === 'string' && isUuid(id)) return id;
  } catch {}
  throw new ValidationError(field, 'is not a cursor this API returned');
}

export function pageSize(value: number | null | undefined, field: string): number {
  if (value === undefined || value === null) return defaultPageSize;
  if (!Number.isInteger(value) || value < 0 || value > maxPageSize) {
    throw new ValidationError(field, `must be an integer from 0 to ${maxPageSize}`);
  }
  return value;
}

/**
 * Rows come back from the repository in the window's direction, one more than asked for: the extra
 * row only says whether the list goes on. Returns them in list order.
 */
export function pageOf<T>(rows: T[], request: PageRequest): Page<T> {
  const more = rows.length > request.limit;
  const window = rows.slice(0, request.limit);
  if (request.direction === 'backward') {
    return { rows: window.reverse(), hasNext: request.cursorId !== undefined, hasPrevious: more };
  }
  return { rows: window, hasNext: more, hasPrevious: request.cursorId !== undefined };
}
