import { createHmac, timingSafeEqual } from 'node:crypto';
import { isUuid } from '../../domain/errors.js';
import { queryParameterError } from '../route-validation.js';

// v1 cursors are opaque and tamper-proof: `<position>.<mac>`, the MAC (HMAC-SHA256 under a server
// secret every instance shares) covering the position and what the cursor is bound to — the
// caller's tenant and white label, the list and its filters, and the sort. Another tenant's
// cursor, or one replayed with other filters, fails the MAC like an edited one.

export interface CursorBinding {
  tenantId: string;
  whiteLabelId: string | null;
  /** The list (`GET /v1/api-keys`), its filters in a canonical order, and its sort key. */
  list: string;
  filters: Record<string, unknown>;
  sort: string;
}

function boundTo(binding: CursorBinding): string {
  const filters = Object.keys(binding.filters)
    .filter((name) => binding.filters[name] !== undefined)
    .sort()
    .map((name) => [name, binding.filters[name]]);
  return JSON.stringify([binding.tenantId, binding.whiteLabelId, binding.list, filters, binding.sort]);
}

function mac(key: Buffer, position: string, binding: CursorBinding): Buffer {
  return createHmac('sha256', key).update(position).update('\n').update(boundTo(binding)).digest();
}

/** Where a list stands: the last row returned, by id, and in change order by its updated_at too. */
export interface CursorPosition {
  id: string;
  updatedAt?: string;
}

export function sealCursor(key: Buffer, at: CursorPosition, binding: CursorBinding): string {
  const position = Buffer.from(JSON.stringify(at)).toString('base64url');
  return `${position}.${mac(key, position, binding).toString('base64url')}`;
}

/** The position a cursor stands for, if this API issued it for this caller, list, filters and sort. */
export function openCursor(key: Buffer, cursor: string, binding: CursorBinding): CursorPosition {
  const refused = queryParameterError(
    'cursor',
    'is not a cursor this API returned for this list (same filters, same credential’s tenant)',
  );
  const [position, signature, extra] = cursor.split('.');
  if (!position || !signature || extra !== undefined) throw refused;
  const expected = mac(key, position, binding);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused;
  try {
    const { id, updatedAt } = JSON.parse(Buffer.from(position, 'base64url').toString('utf8'));
    if (typeof id === 'string' && isUuid(id)) {
      if (updatedAt === undefined) return { id };
      if (typeof updatedAt === 'string' && !Number.isNaN(Date.parse(updatedAt))) return { id, updatedAt };
    }
  } catch {}
  throw refused;
}
