import { createHash } from 'node:crypto';

// Seeded ids are UUID v7 laid out like the database's own (portico_uuid_v7), but their timestamp is
// a fixed past instant plus the row index: seeded rows keep their generation order in cursor
// pagination and sort before anything the API creates later, and no two rows of a table can share
// an id. The 74 remaining bits derive from a SHA-256 of tenant and table, so two tenants seeded
// alike get unrelated ids. Hashing once per table, not per row, keeps ids cheap for a million rows.
const SEED_EPOCH_MS = Date.UTC(2020, 0, 1);

const keys = new Map<string, Uint32Array>();

function tableKey(tenantId: string, table: string): Uint32Array {
  const name = `${tenantId}\u0000${table}`;
  let key = keys.get(name);
  if (!key) {
    const digest = createHash('sha256').update(name).digest();
    key = new Uint32Array(8);
    for (let i = 0; i < 8; i++) key[i] = digest.readUInt32BE(i * 4);
    if (keys.size > 10_000) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/** MurmurHash3's finaliser: a bijection on 32-bit integers with full avalanche. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0');

export function seededId(tenantId: string, table: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** 32)
    throw new RangeError(`Bad row index: ${index}`);
  const key = tableKey(tenantId, table);
  const a = fmix32(key[0]! ^ fmix32(index ^ key[4]!));
  const b = fmix32(key[1]! ^ fmix32(index ^ key[5]!));
  const c = fmix32(key[2]! ^ fmix32(index ^ key[6]!));
  const time = hex(SEED_EPOCH_MS + index, 12);
  return (
    `${time.slice(0, 8)}-${time.slice(8)}-7${hex(a & 0xfff, 3)}-` +
    `${hex(0x8000 | ((a >>> 12) & 0x3fff), 4)}-${hex(b, 8)}${hex(c & 0xffff, 4)}`
  );
}

/** Hands out ids per table in generation order, so the n-th row of a table always gets index n. */
export class IdSequence {
  readonly #next = new Map<string, number>();

  constructor(readonly tenantId: string) {}

  next(table: string): string {
    const index = this.#next.get(table) ?? 0;
    this.#next.set(table, index + 1);
    return seededId(this.tenantId, table, index);
  }
}
