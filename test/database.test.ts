import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines)('database engine on %s', (engine) => {
  let database: TestDatabase;
  let tenantId: string;
  beforeAll(async () => {
    database = await isolatedDatabase(engine);
    const row = await database.db
      .insertInto('tenants')
      .values({ name: 'Engine test' })
      .returning('id')
      .executeTakeFirstOrThrow();
    tenantId = row.id;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('never interleaves concurrent transactions', async () => {
    // Each transaction inserts its own row, yields to the event loop, then counts what it sees. On a
    // single shared session an interleaved transaction would see (and commit or roll back) the others' rows.
    const run = (i: number) =>
      database.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('white_labels')
          .values({ tenant_id: tenantId, name: `wl-${i}` })
          .execute();
        await pause(5);
        const seen = await trx
          .selectFrom('white_labels')
          .select(['name'])
          .where('tenant_id', '=', tenantId)
          .where('name', 'like', 'wl-%')
          .execute();
        if (i % 3 === 0) throw new Error(`rollback ${i}`);
        return seen.map((r) => r.name);
      });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => run(i)));
    for (const [i, result] of results.entries()) {
      if (i % 3 === 0) {
        expect(result.status).toBe('rejected');
        continue;
      }
      expect(result.status).toBe('fulfilled');
      const seen = (result as PromiseFulfilledResult<string[]>).value;
      // Only committed rows of others and its own row: never another transaction's uncommitted work.
      expect(seen).toContain(`wl-${i}`);
      for (const name of seen) expect(Number(name.slice(3)) % 3).not.toBe(0);
    }
    const committed = await database.db
      .selectFrom('white_labels')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .where('name', 'like', 'wl-%')
      .execute();
    expect(committed.map((r) => r.name).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => i)
        .filter((i) => i % 3 !== 0)
        .map((i) => `wl-${i}`)
        .sort(),
    );
  });

  it('returns exact decimals and calendar dates as strings, timestamps as Dates', async () => {
    const row = await sql<{ amount: string; day: string; at: Date; big: string }>`
      select 12345678901234.123456::numeric(24, 6) as amount, date '2026-03-31' as day,
             now() as at, 9007199254740993::int8 as big`
      .execute(database.db)
      .then((r) => r.rows[0]!);
    expect(row.amount).toBe('12345678901234.123456');
    expect(row.day).toBe('2026-03-31');
    expect(row.at).toBeInstanceOf(Date);
    expect(row.big).toBe('9007199254740993');
  });

  it('maintains updated_at in the database', async () => {
    const before = await database.db
      .selectFrom('tenants')
      .select('updated_at')
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow();
    await pause(10);
    await database.db
      .updateTable('tenants')
      .set({ name: 'Engine test (renamed)' })
      .where('id', '=', tenantId)
      .execute();
    const after = await database.db
      .selectFrom('tenants')
      .select('updated_at')
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
  });

  it('enforces the external reference format with a check constraint', async () => {
    await expect(
      database.db.insertInto('tenants').values({ name: 'x', external_reference: 'bad/ref!' }).execute(),
    ).rejects.toThrow(/check constraint/);
    await expect(
      database.db
        .insertInto('tenants')
        .values({ name: 'x', external_reference: 'A'.repeat(257) })
        .execute(),
    ).rejects.toThrow();
    const ok = await database.db
      .insertInto('tenants')
      .values({ name: 'x', external_reference: 'CRM-0001 ok_ref' })
      .returning('external_reference')
      .executeTakeFirstOrThrow();
    expect(ok.external_reference).toBe('CRM-0001 ok_ref');
  });

  it('counts every statement it sends', async () => {
    const before = database.statements();
    await sql`select 1`.execute(database.db);
    await sql`select 2`.execute(database.db);
    expect(database.statements() - before).toBe(2);
  });

  it('issues time-ordered ids', async () => {
    const rows = [];
    for (let i = 0; i < 5; i++) {
      rows.push(
        await database.db
          .insertInto('white_labels')
          .values({ tenant_id: tenantId, name: `ordered-${i}` })
          .returning('id')
          .executeTakeFirstOrThrow(),
      );
      await pause(2);
    }
    const ids = rows.map((r) => r.id);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
