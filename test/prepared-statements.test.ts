import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';
import { databaseUrl } from './helpers/environment.js';

// Postgres only: PGlite runs in-process, with nothing to prepare ahead.
describe.skipIf(!databaseUrl)('prepared statements on Postgres', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await isolatedDatabase('postgres');
    await sql`create table probe (id int primary key)`.execute(database.db);
    await sql`insert into probe values (1), (2)`.execute(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('prepares a parameterised statement once per connection and reuses it', async () => {
    await database.db.connection().execute(async (db) => {
      for (const id of [1, 2, 1]) {
        const { rows } = await sql<{ id: number }>`select * from probe where id = ${id}`.execute(db);
        expect(rows).toEqual([{ id }]);
      }
      const { rows } = await sql<{ name: string }>`
        select name from pg_prepared_statements where statement like ${'select * from probe%'}`.execute(db);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.name).toMatch(/^portico_\d+$/);
    });
  });

  it('keeps answering when a table changes shape under a prepared `select *`', async () => {
    await database.db.connection().execute(async (db) => {
      const read = () => sql`select * from probe where id = ${1}`.execute(db);
      expect((await read()).rows).toEqual([{ id: 1 }]);
      await sql`alter table probe add column note text default 'added'`.execute(db);
      expect((await read()).rows).toEqual([{ id: 1, note: 'added' }]);
      expect((await read()).rows).toEqual([{ id: 1, note: 'added' }]);
    });
  });
});
