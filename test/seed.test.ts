import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSeedBatches } from '../db/seed/generate.js';
import { isinCheckDigit, isValidIsin } from '../db/seed/isin.js';
import { isValidLei } from '../db/seed/lei.js';
import { createProgressBar } from '../db/seed/progress-bar.js';
import { emptyRows, type SeedBatch, type SeedRows } from '../db/seed/rows.js';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { plannedCounts, seedTables } from '../db/seed/sizes.js';
import { write } from '../src/domain/write.js';
import { isolatedDatabase, type TestDatabase } from './helpers/database.js';

const tenantA = '01900000-0000-7000-8000-00000000000a';
const tenantB = '01900000-0000-7000-8000-00000000000b';
const asOf = '2025-06-18';
const small = { size: 'small', asOf } as const;

function batchesOf(tenantId: string, options: Parameters<typeof generateSeedBatches>[1]): SeedBatch[] {
  return [...generateSeedBatches(tenantId, options)];
}

function rowsOf(batches: readonly SeedBatch[]): SeedRows {
  const rows = emptyRows();
  for (const batch of batches) (rows[batch.table] as unknown[]).push(...batch.rows);
  return rows;
}

const cents = (value: string | number | null | undefined): number => Math.round(Number(value) * 100);
const units = (value: string | number | null | undefined): number => Number(value);

describe('demo data generator', () => {
  const batches = batchesOf(tenantA, small);
  const data = rowsOf(batches);

  it('gives the same batches for the same inputs, and different content for another seed', () => {
    expect(batchesOf(tenantA, small)).toEqual(batches);
    const other = rowsOf(batchesOf(tenantA, { ...small, seed: 7 }));
    expect(other.clients.map((c) => c.name)).not.toEqual(data.clients.map((c) => c.name));
    expect(other.positions.map((p) => p.market_value)).not.toEqual(data.positions.map((p) => p.market_value));
  });

  it('gives another tenant different ids but otherwise the same rows', () => {
    const other = rowsOf(batchesOf(tenantB, small));
    const idMap = new Map<string, string>([[tenantA, tenantB]]);
    for (const table of seedTables) {
      data[table].forEach((row, i) => {
        const twin = other[table][i]!;
        expect(twin.id).not.toBe(row.id);
        idMap.set(row.id, twin.id);
      });
    }
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    const translate = (value: unknown): unknown =>
      typeof value === 'string' ? value.replace(uuid, (id) => idMap.get(id) ?? id) : value;
    for (const table of seedTables) {
      const translated = data[table].map((row) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, translate(value)])),
      );
      expect(translated, table).toEqual(other[table]);
    }
  });

  it('lays ids out as UUID v7 that sort in generation order', () => {
    for (const table of seedTables) {
      const ids = data[table].map((row) => row.id);
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...ids].sort(), table).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Seeded rows sort before anything the database creates now.
    expect(data.clients[0]!.id < '018f0000').toBe(true);
  });

  it('yields exactly the planned rows, in batches a statement can take, parents first', () => {
    const counts = Object.fromEntries(seedTables.map((table) => [table, data[table].length]));
    expect(counts).toEqual(plannedCounts('small'));
    for (const batch of batches) {
      expect(batch.rows.length).toBeGreaterThan(0);
      expect(batch.rows.length).toBeLessThanOrEqual(1000);
      expect(batch.rows.length * Object.keys(batch.rows[0]!).length).toBeLessThan(65_535);
    }
    const order = batches.map((batch) => seedTables.indexOf(batch.table));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('plans the large size with at least 100,000 positions and 500,000 cashflows', () => {
    const planned = plannedCounts('large');
    expect(planned.positions).toBeGreaterThanOrEqual(100_000);
    expect(planned.cashflows).toBeGreaterThanOrEqual(500_000);
    const counts: Record<string, number> = {};
    for (const batch of generateSeedBatches(tenantA, { size: 'large', asOf })) {
      counts[batch.table] = (counts[batch.table] ?? 0) + batch.rows.length;
    }
    expect(counts).toEqual(planned);
  });

  it('generates valid ISINs and LEIs', () => {
    for (const known of ['US0378331005', 'AU0000XVGZA3', 'GB0002634946', 'DE000BAY0017', 'CH0012032048']) {
      expect(isValidIsin(known), known).toBe(true);
    }
    expect(isinCheckDigit('US037833100')).toBe(5);
    expect(isValidIsin('US0378331006')).toBe(false);
    expect(isValidIsin('us0378331005')).toBe(false);
    // Only the cash instruments (FX series) have no ISIN.
    for (const instrument of data.instruments)
      expect(instrument.isin === null).toBe(instrument.kind === 'cash');
    const isins = data.instruments.flatMap((instrument) => (instrument.isin ? [instrument.isin] : []));
    for (const isin of isins) expect(isValidIsin(isin), isin).toBe(true);
    expect(new Set(isins).size).toBe(isins.length);

    expect(isValidLei('HWUPKR0MPOU8FGXBT394')).toBe(true);
    expect(isValidLei('HWUPKR0MPOU8FGXBT395')).toBe(false);
    const leis = data.issuers.flatMap((issuer) => (issuer.lei ? [issuer.lei] : []));
    expect(leis.length).toBeGreaterThan(0);
    for (const lei of leis) expect(isValidLei(lei), lei).toBe(true);
  });

  it('covers the instrument kinds, currencies and coupon terms', () => {
    expect(new Set(data.instruments.map((i) => i.kind))).toEqual(
      new Set(['bond', 'loan', 'equity', 'fund', 'etf', 'cash']),
    );
    // One cash instrument per currency but EUR, priced in EUR at the demo rate on every price day.
    const demoRates: Record<string, string> = {
      USD: '0.920000',
      GBP: '1.170000',
      CHF: '1.040000',
      NOK: '0.086000',
      SEK: '0.088000',
      DKK: '0.134000',
    };
    const cash = data.instruments.filter((i) => i.kind === 'cash');
    expect(cash.map((i) => [i.currency, i.name])).toEqual(
      Object.keys(demoRates).map((currency) => [currency, `${currency} cash`]),
    );
    const priceDays = [...new Set(data.instrument_prices.map((p) => p.price_date))].sort();
    for (const instrument of cash) {
      const prices = data.instrument_prices.filter((p) => p.instrument_id === instrument.id);
      expect(prices.map((p) => [p.price_date, p.price, p.currency])).toEqual(
        priceDays.map((day) => [day, demoRates[instrument.currency], 'EUR']),
      );
    }
    for (const instrument of data.instruments) {
      expect(['EUR', 'USD', 'GBP', 'CHF', 'NOK', 'SEK', 'DKK']).toContain(instrument.currency);
      if (instrument.kind === 'bond' || instrument.kind === 'loan') {
        expect([1, 2, 4, 12]).toContain(instrument.coupon_frequency);
        expect(Number(instrument.coupon_rate)).toBeGreaterThan(0);
        expect(instrument.maturity_date! > asOf).toBe(true);
      }
    }
    const bondIds = new Set(data.instruments.filter((i) => i.kind === 'bond').map((i) => i.id));
    for (const price of data.instrument_prices.filter((p) => bondIds.has(p.instrument_id))) {
      expect(Number(price.price)).toBeGreaterThan(70);
      expect(Number(price.price)).toBeLessThan(130);
    }
  });

  it('keeps positions consistent with their trades, lots and prices', () => {
    const instruments = new Map(data.instruments.map((i) => [i.id, i]));
    const latestPrice = new Map<string, { date: string; price: string }>();
    for (const price of data.instrument_prices) {
      const latest = latestPrice.get(price.instrument_id);
      if (!latest || price.price_date > latest.date) {
        latestPrice.set(price.instrument_id, { date: price.price_date, price: String(price.price) });
      }
    }
    const seen = new Set<string>();
    for (const position of data.positions) {
      const key = `${position.account_id}/${position.portfolio_id}/${position.instrument_id}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);

      const instrument = instruments.get(position.instrument_id)!;
      expect(instrument.kind).not.toBe('cash');
      const isPar = instrument.kind === 'bond' || instrument.kind === 'loan';
      expect(position.quantity === null).toBe(isPar);
      expect(position.par === null).toBe(!isPar);
      const held = units(isPar ? position.par : position.quantity);
      expect(position.currency).toBe(instrument.currency);
      expect(position.as_of).toBe(asOf);
      expect(position.mark_price).toBe(latestPrice.get(position.instrument_id)!.price);
      const value = (held * Number(position.mark_price)) / (isPar ? 100 : 1);
      expect(Number(position.market_value)).toBeCloseTo(value, 4);

      const trades = data.transactions.filter(
        (t) =>
          t.account_id === position.account_id &&
          t.portfolio_id === position.portfolio_id &&
          t.instrument_id === position.instrument_id &&
          (t.kind === 'buy' || t.kind === 'sell'),
      );
      const net = trades.reduce((sum, t) => sum + (t.kind === 'buy' ? 1 : -1) * units(t.quantity), 0);
      expect(net).toBe(held);
      for (const trade of trades) {
        // Buys pay cash out (negative amount), sells bring it in.
        expect(Math.sign(Number(trade.amount))).toBe(trade.kind === 'buy' ? -1 : 1);
        const gross = (units(trade.quantity) * Number(trade.price)) / (isPar ? 100 : 1);
        expect(Math.abs(Math.abs(cents(trade.amount)) - gross * 100)).toBeLessThanOrEqual(0.501);
      }

      const lots = data.lots.filter((lot) => lot.position_id === position.id);
      expect(lots.reduce((sum, lot) => sum + units(lot.quantity), 0)).toBe(held);
      expect(lots.reduce((sum, lot) => sum + cents(lot.cost), 0)).toBe(cents(position.cost));
      for (const lot of lots) {
        expect(units(lot.quantity)).toBeGreaterThan(0);
        expect(lot.account_id).toBe(position.account_id);
        expect(lot.acquired_on < asOf).toBe(true);
      }
    }
  });

  it('schedules income: posted up to the as-of date, expected after, each posted payment booked', () => {
    const instruments = new Map(data.instruments.map((i) => [i.id, i]));
    const income = data.cashflows.filter((c) => ['coupon', 'interest', 'dividend'].includes(c.kind));
    expect(income.some((c) => c.status === 'posted')).toBe(true);
    expect(income.some((c) => c.status === 'expected')).toBe(true);
    for (const flow of data.cashflows) {
      expect(flow.status === 'posted').toBe(flow.value_date <= asOf);
      expect(flow.account_id).toBeTruthy();
      expect(flow.portfolio_id).toBeTruthy();
    }
    for (const flow of income) {
      expect(flow.position_id).toBeTruthy();
      expect(Number(flow.amount)).toBeGreaterThan(0);
      if (flow.status !== 'posted') continue;
      const booked = data.transactions.filter(
        (t) =>
          t.kind === flow.kind &&
          t.account_id === flow.account_id &&
          t.instrument_id === flow.instrument_id &&
          t.trade_date === flow.value_date &&
          t.amount === flow.amount,
      );
      expect(booked).toHaveLength(1);
    }
    for (const position of data.positions.filter((p) => p.par !== null)) {
      const instrument = instruments.get(position.instrument_id)!;
      const flows = data.cashflows.filter((c) => c.position_id === position.id);
      const coupons = flows.filter((c) => c.kind === 'coupon' || c.kind === 'interest');
      const perCoupon = (units(position.par) * Number(instrument.coupon_rate)) / instrument.coupon_frequency!;
      for (const coupon of coupons)
        expect(Math.abs(cents(coupon.amount) - perCoupon * 100)).toBeLessThanOrEqual(0.501);
      const principal = flows.filter((c) => c.kind === 'principal');
      expect(principal).toHaveLength(1);
      expect(principal[0]!.value_date).toBe(instrument.maturity_date);
      expect(units(principal[0]!.amount)).toBe(units(position.par));
    }
    const fees = data.cashflows.filter((c) => c.kind === 'fee');
    expect(fees.length).toBeGreaterThan(0);
    for (const fee of fees) expect(Number(fee.amount)).toBeLessThan(0);
  });

  it('builds an acyclic ownership graph with at most 100 % owned per entity, and reporting trees', () => {
    const owned = new Map<string, number>();
    const edges = new Map<string, string[]>();
    for (const edge of data.legal_entity_ownerships) {
      expect(edge.owner_id).not.toBe(edge.owned_id);
      const share = Number(edge.share_percent);
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(100);
      owned.set(edge.owned_id, (owned.get(edge.owned_id) ?? 0) + share);
      edges.set(edge.owner_id, [...(edges.get(edge.owner_id) ?? []), edge.owned_id]);
    }
    for (const total of owned.values()) expect(total).toBeLessThanOrEqual(100);
    const reaches = (from: string, to: string, depth = 0): boolean =>
      depth < 50 && (edges.get(from) ?? []).some((next) => next === to || reaches(next, to, depth + 1));
    for (const entity of data.legal_entities) expect(reaches(entity.id, entity.id)).toBe(false);

    const parents = new Map(data.reporting_entities.map((r) => [r.id, r.parent_id ?? null]));
    for (const entity of data.reporting_entities) {
      let cursor: string | null = entity.id;
      for (let depth = 0; cursor !== null; depth++) {
        expect(depth).toBeLessThan(20);
        cursor = parents.get(cursor) ?? null;
      }
    }
  });

  it('writes decimals as strings, dates as calendar days, references in the allowed alphabet', () => {
    const date = /^\d{4}-\d{2}-\d{2}$/;
    const decimal = /^-?\d+(\.\d+)?$/;
    let references = 0;
    for (const table of seedTables) {
      for (const row of data[table] as Record<string, unknown>[]) {
        expect(row.tenant_id).toBe(tenantA);
        for (const [column, value] of Object.entries(row)) {
          if (value === null) continue;
          if (/(_date|_on|as_of|period_start|period_end)$/.test(column)) expect(value, column).toMatch(date);
          if (
            /(amount|price|value|quantity|par|cost|balance|percent|return|rate|flows)$/.test(column) &&
            column !== 'coupon_frequency'
          ) {
            expect(typeof value, `${table}.${column}`).toBe('string');
            expect(value, `${table}.${column}`).toMatch(decimal);
          }
        }
        if (row.external_reference != null) {
          references++;
          expect(row.external_reference).toMatch(/^[A-Za-z0-9 _-]{1,256}$/);
        }
      }
    }
    expect(references).toBeGreaterThan(0);
  });

  it('stays clear of the randomness of the process', () => {
    const original = Math.random;
    Math.random = () => 0.5;
    try {
      expect(batchesOf(tenantA, small)).toEqual(batches);
    } finally {
      Math.random = original;
    }
  });
});

describe('seedTenant on the embedded database', () => {
  let database: TestDatabase;

  async function createTenant(name: string): Promise<string> {
    // The event recording the creation is scoped to the new tenant, so its id is chosen up front.
    const id = randomUUID();
    await write(database.db, { tenantId: id, whiteLabelId: null }, async (tx, emit) => {
      await tx.insertInto('tenants').values({ id, name }).execute();
      emit({ type: 'tenant.created', resourceId: id, data: { id, name } });
    });
    return id;
  }

  async function countRows(tenantId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of seedTables) {
      const result = await sql<{
        count: string;
      }>`select count(*)::text as count from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(
        database.db,
      );
      counts[table] = Number(result.rows[0]!.count);
    }
    return counts;
  }

  beforeAll(async () => {
    database = await isolatedDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('loads the small data set through the event log, and again into a second tenant', async () => {
    const first = await createTenant('Seed Test A');
    const progress: number[] = [];
    const summary = await seedTenant(database.db, first, {
      ...small,
      onProgress: ({ done }) => progress.push(done),
    });
    expect(summary).toMatchObject({ size: 'small', seed: 42, asOf });
    expect(summary.rows).toEqual(plannedCounts('small'));
    expect(await countRows(first)).toEqual(summary.rows);
    const total = Object.values(summary.rows).reduce((sum, n) => sum + n, 0);
    expect(progress.at(-1)).toBe(total);

    const events = await database.db
      .selectFrom('events')
      .select(['resource_type', 'resource_id', 'data'])
      .where('tenant_id', '=', first)
      .where('type', '=', 'dataset.imported')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(seedTables.length);
    const imported: Record<string, number> = {};
    for (const event of events) {
      expect(event.resource_id).toBe(first);
      const data = event.data as { table: string; rows: number; seed: number; size: string };
      expect(data).toMatchObject({ seed: 42, size: 'small' });
      imported[data.table] = (imported[data.table] ?? 0) + data.rows;
    }
    expect(imported).toEqual(summary.rows);

    const second = await createTenant('Seed Test B');
    const whiteLabels = await write(
      database.db,
      { tenantId: second, whiteLabelId: null },
      async (tx, emit) => {
        const rows = await tx
          .insertInto('white_labels')
          .values([
            { tenant_id: second, name: 'Private Banking' },
            { tenant_id: second, name: 'Family Office' },
          ])
          .returning('id')
          .execute();
        for (const row of rows) emit({ type: 'white-label.created', resourceId: row.id, data: {} });
        return rows.map((row) => row.id);
      },
    );
    const again = await seedTenant(database.db, second, { ...small, whiteLabelIds: whiteLabels });
    expect(again.rows).toEqual(summary.rows);
    expect(await countRows(second)).toEqual(summary.rows);
    const clients = await database.db
      .selectFrom('clients')
      .select(['id', 'white_label_id'])
      .where('tenant_id', '=', second)
      .orderBy('id')
      .execute();
    expect(clients.map((c) => c.white_label_id)).toEqual([whiteLabels[0], whiteLabels[1], whiteLabels[0]]);
    const positions = await database.db
      .selectFrom('positions')
      .innerJoin('clients', 'clients.id', 'positions.client_id')
      .select(['positions.white_label_id as position', 'clients.white_label_id as client'])
      .where('positions.tenant_id', '=', second)
      .execute();
    for (const row of positions) expect(row.position).toBe(row.client);
  });

  it('refuses to seed the same tenant twice without writing anything', async () => {
    const tenant = await createTenant('Seed Test C');
    await seedTenant(database.db, tenant, small);
    const before = await countRows(tenant);
    await expect(seedTenant(database.db, tenant, small)).rejects.toThrow();
    expect(await countRows(tenant)).toEqual(before);
  });

  it('rejects a white label of another tenant', async () => {
    const tenant = await createTenant('Seed Test D');
    await expect(
      seedTenant(database.db, tenant, { ...small, whiteLabelIds: ['01900000-0000-7000-8000-0000000000ff'] }),
    ).rejects.toThrow(/white label .* was not found/);
    expect((await countRows(tenant)).clients).toBe(0);
  });
});

describe('seed progress bar', () => {
  it('stays silent when the stream is not a terminal', () => {
    const stream = new PassThrough();
    let written = 0;
    stream.on('data', (chunk: Buffer) => {
      written += chunk.length;
    });
    const bar = createProgressBar(Object.assign(stream, { isTTY: false }) as unknown as NodeJS.WriteStream);
    expect(bar.onProgress).toBeUndefined();
    bar.stop();
    expect(written).toBe(0);
  });
});
