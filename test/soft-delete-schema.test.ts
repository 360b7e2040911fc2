import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../src/domain/resources/described-resources.js';
import { describedResources } from '../src/domain/resource.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import { type WriteTx, write } from '../src/domain/write.js';
import type { EventType } from '../src/events/event-catalog.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

// Every domain table, as the resource descriptions name them: each must be soft-deletable.
const domainTables: string[] = describedResources().map((resource) => resource.table);

// Natural keys bind live rows only: partial unique indexes replace 0002's unique constraints.
const naturalKeys = {
  industries_code_key: '(tenant_id, code)',
  instruments_isin_key: '(tenant_id, isin)',
  instrument_prices_date_key: '(instrument_id, price_date)',
  users_email_key: '(client_id, email)',
  legal_entity_ownerships_pair_key: '(owner_id, owned_id)',
  positions_instrument_key: '(account_id, portfolio_id, instrument_id)',
  account_holdings_date_key: '(account_id, holding_date)',
  instrument_holdings_date_key: '(depository_id, instrument_id, holding_date)',
  performance_results_period_key: '(portfolio_id, period_start, period_end)',
};

type SoftDeletable = 'instruments' | 'positions' | 'users';

describe.each(engines)('soft deletes in the schema on %s', (engine) => {
  let database: TestDatabase;
  let tenantId: string;
  let clientId: string;
  let accountId: string;
  let portfolioId: string;
  const scope = () => ({ tenantId, whiteLabelId: null });

  /** Inserts a row through the write path, with its `.created` event. */
  const create = <T extends { id: string }>(type: EventType, insert: (tx: WriteTx) => Promise<T>) =>
    write(database.db, scope(), async (tx, emit) => {
      const row = await insert(tx);
      emit({ type, resourceId: row.id, data: row });
      return row;
    });

  const createInstrument = (isin: string) =>
    create('instrument.created', (tx) =>
      tx
        .insertInto('instruments')
        .values({ tenant_id: tenantId, isin, name: `Bond ${isin}`, kind: 'bond', currency: 'EUR' })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  const createUser = (email: string) =>
    create('user.created', (tx) =>
      tx
        .insertInto('users')
        .values({ tenant_id: tenantId, client_id: clientId, name: 'Ada', email })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  const createPosition = (instrumentId: string) =>
    create('position.created', (tx) =>
      tx
        .insertInto('positions')
        .values({
          tenant_id: tenantId,
          client_id: clientId,
          account_id: accountId,
          portfolio_id: portfolioId,
          instrument_id: instrumentId,
          par: '100000',
          currency: 'EUR',
          as_of: '2025-01-31',
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );

  /** A soft delete: the update sets deleted_at and nothing else. */
  const softDelete = (table: SoftDeletable, type: EventType, id: string) =>
    write(database.db, scope(), async (tx, emit) => {
      const row = await tx
        .updateTable(table)
        .set({ deleted_at: sql<Date>`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirstOrThrow();
      emit({ type, resourceId: row.id, data: row });
      return row;
    });

  const duplicateOf = (index: string) => expect.objectContaining({ code: '23505', constraint: index });

  beforeAll(async () => {
    database = await isolatedDatabase(engine);
    tenantId = (await createTenant(database.db, 'Soft deletes')).id;
    clientId = (
      await create('client.created', (tx) =>
        tx
          .insertInto('clients')
          .values({ tenant_id: tenantId, name: 'Family office' })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
    ).id;
    accountId = (
      await create('account.created', (tx) =>
        tx
          .insertInto('accounts')
          .values({ tenant_id: tenantId, client_id: clientId, name: 'Custody', currency: 'EUR' })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
    ).id;
    portfolioId = (
      await create('portfolio.created', (tx) =>
        tx
          .insertInto('portfolios')
          .values({ tenant_id: tenantId, client_id: clientId, name: 'Core', base_currency: 'EUR' })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
    ).id;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('gives every domain table a nullable deleted_at and a live paging index', async () => {
    const columns = await sql<{ table_name: string; is_nullable: string; column_default: string | null }>`
      select table_name, is_nullable, column_default from information_schema.columns
      where table_schema = 'public' and column_name = 'deleted_at' and data_type = 'timestamp with time zone'
        -- Webhook endpoints are platform records, deleted softly only to keep their delivery history.
        and table_name <> 'webhook_endpoints'`.execute(database.db);
    expect(columns.rows.map((r) => r.table_name).sort()).toEqual([...domainTables].sort());
    for (const column of columns.rows)
      expect(column).toMatchObject({ is_nullable: 'YES', column_default: null });

    const indexes = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where schemaname = 'public'`.execute(database.db);
    const definition = (name: string) => indexes.rows.find((r) => r.indexname === name)?.indexdef;
    for (const table of domainTables) {
      expect(definition(`${table}_live_page_idx`), table).toMatch(
        /^CREATE INDEX \w+ ON public\.\w+ USING btree \(tenant_id, id\) WHERE \(deleted_at IS NULL\)$/,
      );
    }
    for (const [index, columns] of Object.entries(naturalKeys)) {
      expect(definition(index), index).toMatch(/^CREATE UNIQUE INDEX /);
      expect(definition(index), index).toContain(`USING btree ${columns} WHERE (deleted_at IS NULL)`);
    }
  });

  it('keeps no unique constraint on a domain table, and keeps the check constraints', async () => {
    const constraints = await sql<{ table_name: string; contype: string }>`
      select conrelid::regclass::text as table_name, contype from pg_constraint
      where connamespace = 'public'::regnamespace and contype in ('u', 'c')`.execute(database.db);
    const onDomain = constraints.rows.filter((r) => domainTables.includes(r.table_name));
    expect(onDomain.filter((r) => r.contype === 'u')).toEqual([]);
    const checked = new Set(onDomain.filter((r) => r.contype === 'c').map((r) => r.table_name));
    expect(checked).toEqual(new Set(domainTables));
  });

  it('lets a deleted instrument give its ISIN to a new one, and refuses two live ones', async () => {
    const first = await createInstrument('XS1234567890');
    await expect(createInstrument('XS1234567890')).rejects.toEqual(duplicateOf('instruments_isin_key'));

    await softDelete('instruments', 'instrument.deleted', first.id);
    const second = await createInstrument('XS1234567890');
    expect(second.id).not.toBe(first.id);
    await expect(createInstrument('XS1234567890')).rejects.toEqual(duplicateOf('instruments_isin_key'));

    // Restoring the deleted one would make two live rows with one key: refused too.
    await expect(
      write(database.db, scope(), async (tx, emit) => {
        await tx.updateTable('instruments').set({ deleted_at: null }).where('id', '=', first.id).execute();
        emit({ type: 'instrument.updated', resourceId: first.id, data: {}, changedFields: ['deleted_at'] });
      }),
    ).rejects.toEqual(duplicateOf('instruments_isin_key'));

    const rows = await database.db
      .selectFrom('instruments')
      .select(['id', 'deleted_at'])
      .where('tenant_id', '=', tenantId)
      .where('isin', '=', 'XS1234567890')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: first.id, deleted_at: expect.any(Date) },
      { id: second.id, deleted_at: null },
    ]);
  });

  it('lets a deleted position be opened again for the same account, portfolio and instrument', async () => {
    const instrument = await createInstrument('DE0001102580');
    const first = await createPosition(instrument.id);
    await expect(createPosition(instrument.id)).rejects.toEqual(duplicateOf('positions_instrument_key'));

    await softDelete('positions', 'position.deleted', first.id);
    const second = await createPosition(instrument.id);
    expect(second.id).not.toBe(first.id);
    await expect(createPosition(instrument.id)).rejects.toEqual(duplicateOf('positions_instrument_key'));
  });

  it('lets a deleted user free its email within the client', async () => {
    const first = await createUser('ada@example.com');
    await expect(createUser('ada@example.com')).rejects.toEqual(duplicateOf('users_email_key'));

    await softDelete('users', 'user.deleted', first.id);
    await createUser('ada@example.com');
    await expect(createUser('ada@example.com')).rejects.toEqual(duplicateOf('users_email_key'));
  });

  it('moves updated_at on a soft delete, so a delta read since then sees the tombstone', async () => {
    const created = await createUser('grace@example.com');
    await sleep(20); // the next transaction's now() is then certainly later
    const deleted = await softDelete('users', 'user.deleted', created.id);
    expect(deleted.deleted_at).toBeInstanceOf(Date);
    expect(deleted.updated_at.getTime()).toBeGreaterThan(created.updated_at.getTime());
    expect(deleted.updated_at).toEqual(deleted.deleted_at);

    const since = (after: Date, includeDeleted: boolean) =>
      database.db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('updated_at', '>', after)
        .$if(!includeDeleted, (q) => q.where('deleted_at', 'is', null))
        .orderBy('updated_at')
        .orderBy('id')
        .execute();
    expect(await since(created.updated_at, true)).toEqual([{ id: created.id }]);
    expect(await since(created.updated_at, false)).toEqual([]);
  });
});
