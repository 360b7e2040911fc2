import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import type { DB } from '../db/types.js';
import { createTenant } from '../src/domain/tenants/tenants.service.js';
import type { TenantScope } from '../src/domain/write.js';
import { CalculationFailure, type CalculationProblem } from '../src/jobs/calculations/calculation-failure.js';
import { calculatePerformance } from '../src/jobs/calculations/time-weighted-return.js';
import { valuePortfolio } from '../src/jobs/calculations/valuation.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

// Valuations and time-weighted returns on both engines, from rows inserted directly, each checked
// against numbers worked out by hand in the comments.

async function problemOf(calculation: Promise<unknown>): Promise<CalculationProblem> {
  const error = await calculation.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CalculationFailure);
  return (error as CalculationFailure).problem;
}

describe.each(engines)('portfolio calculations on %s', (engine) => {
  let database: TestDatabase;
  let db: Kysely<DB>;
  let tenantId: string;
  let scope: TenantScope;
  let owner: { client_id: string; white_label_id: string | null };
  let accountId: string;
  let isins = 0;

  const instrument = async (name: string, kind: string, currency: string) => {
    isins++;
    const isin = kind === 'cash' ? null : `XS${String(isins).padStart(9, '0')}0`;
    const row = { tenant_id: tenantId, isin, name, kind, currency };
    const { id } = await db.insertInto('instruments').values(row).returning('id').executeTakeFirstOrThrow();
    return { id, isin, name, currency };
  };
  const price = (instrument: { id: string }, price_date: string, price: string, currency: string) =>
    db
      .insertInto('instrument_prices')
      .values({ tenant_id: tenantId, instrument_id: instrument.id, price_date, price, currency })
      .execute();
  const portfolio = async (name: string, of = owner, base_currency = 'EUR') =>
    (
      await db
        .insertInto('portfolios')
        .values({ tenant_id: tenantId, ...of, name, base_currency })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const position = async (
    portfolio_id: string,
    instrument: { id: string; currency: string },
    held: { quantity: string } | { par: string },
    of = owner,
  ) =>
    (
      await db
        .insertInto('positions')
        .values({
          tenant_id: tenantId,
          ...of,
          portfolio_id,
          account_id: accountId,
          instrument_id: instrument.id,
          ...held,
          currency: instrument.currency,
          as_of: '2024-06-30',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const trade = (
    portfolio_id: string,
    instrument: { id: string; currency: string },
    kind: string,
    trade_date: string,
    quantity: string,
    extra: { deleted_at?: Date } = {},
  ) =>
    db
      .insertInto('transactions')
      .values({
        tenant_id: tenantId,
        ...owner,
        account_id: accountId,
        portfolio_id,
        instrument_id: instrument.id,
        kind,
        trade_date,
        quantity,
        amount: '0',
        currency: instrument.currency,
        ...extra,
      })
      .execute();
  const cashflow = (
    portfolio_id: string,
    value_date: string,
    amount: string,
    currency = 'EUR',
    extra: { kind?: string; status?: string; deleted_at?: Date } = {},
  ) =>
    db
      .insertInto('cashflows')
      .values({
        tenant_id: tenantId,
        ...owner,
        account_id: accountId,
        portfolio_id,
        kind: amount.startsWith('-') ? 'withdrawal' : 'deposit',
        status: 'posted',
        amount,
        currency,
        value_date,
        ...extra,
      })
      .execute();

  beforeAll(async () => {
    database = await isolatedDatabase(engine);
    db = database.db;
    tenantId = (await createTenant(db, 'Calculations')).id;
    scope = { tenantId, whiteLabelId: null };
    const client = await db
      .insertInto('clients')
      .values({ tenant_id: tenantId, name: 'Family office' })
      .returning('id')
      .executeTakeFirstOrThrow();
    owner = { client_id: client.id, white_label_id: null };
    accountId = (
      await db
        .insertInto('accounts')
        .values({ tenant_id: tenantId, ...owner, name: 'Custody', currency: 'EUR' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    // The tenant's USD/EUR series: 1 USD = price EUR.
    const dollar = await instrument('US dollar', 'cash', 'USD');
    await price(dollar, '2024-01-05', '0.9', 'EUR');
    await price(dollar, '2024-01-15', '0.9123457', 'EUR');
    await price(dollar, '2024-01-20', '0.95', 'EUR');
  });
  afterAll(async () => {
    await database?.close();
  });

  it('values quantities, par and foreign currency at the latest prices on or before the date', async () => {
    const p = await portfolio('Balanced');
    const equity = await instrument('Aurora ASA', 'equity', 'EUR');
    const bond = await instrument('Aurora 4.5% 2030', 'bond', 'EUR');
    const dollarEquity = await instrument('Boreal Inc', 'equity', 'USD');
    await price(equity, '2024-01-02', '10', 'EUR');
    await price(equity, '2024-01-10', '11', 'EUR');
    await price(equity, '2024-01-16', '12', 'EUR'); // after as_of: ignored
    await price(bond, '2024-01-12', '98.5', 'EUR');
    await price(dollarEquity, '2024-01-14', '150.25', 'USD');
    const equityPosition = await position(p, equity, { quantity: '150' });
    const bondPosition = await position(p, bond, { par: '50000' });
    const dollarPosition = await position(p, dollarEquity, { quantity: '30' });
    // Today 150 units; on 2024-01-15 the buy of 2024-01-20 had not happened: 150 − 50 = 100. The
    // sell of 2024-01-05 is already in both, and a deleted buy counts nowhere.
    await trade(p, equity, 'buy', '2024-01-20', '50');
    await trade(p, equity, 'sell', '2024-01-05', '10');
    await trade(p, equity, 'buy', '2024-01-25', '1000', { deleted_at: new Date() });

    const valuation = await valuePortfolio(db, scope, p, '2024-01-15');
    // The job runner reads inside one repeatable-read transaction; the answer is the same there.
    const inTransaction = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((tx) => valuePortfolio(tx, scope, p, '2024-01-15'));
    expect(inTransaction).toEqual(valuation);

    // equity 100 × 11 = 1100; bond 50000 × 98.5 / 100 = 49250; USD 30 × 150.25 = 4507.50 USD,
    // × 0.9123457 (2024-01-15) = 4112.39824275 → 4112.398243 EUR.
    // Total 1100 + 49250 + 4112.398243 = 54462.398243.
    expect(valuation).toEqual({
      portfolio_id: p,
      as_of: '2024-01-15',
      base_currency: 'EUR',
      total_value: '54462.398243',
      by_currency: [
        { currency: 'EUR', value: '50350.000000', fx_rate: '1.0000000000', value_in_base: '50350.000000' },
        { currency: 'USD', value: '4507.500000', fx_rate: '0.9123457000', value_in_base: '4112.398243' },
      ],
      positions: [
        {
          position_id: equityPosition,
          instrument_id: equity.id,
          quantity: '100.0000000000',
          par: null,
          price: '11.0000000000',
          price_date: '2024-01-10',
          currency: 'EUR',
          value: '1100.000000',
          value_in_base: '1100.000000',
        },
        {
          position_id: bondPosition,
          instrument_id: bond.id,
          quantity: null,
          par: '50000.000000',
          price: '98.5000000000',
          price_date: '2024-01-12',
          currency: 'EUR',
          value: '49250.000000',
          value_in_base: '49250.000000',
        },
        {
          position_id: dollarPosition,
          instrument_id: dollarEquity.id,
          quantity: '30.0000000000',
          par: null,
          price: '150.2500000000',
          price_date: '2024-01-14',
          currency: 'USD',
          value: '4507.500000',
          value_in_base: '4112.398243',
        },
      ].sort((a, b) => a.position_id.localeCompare(b.position_id)),
    });
  });

  it('converts through the inverse series when only the base currency is priced in the other', async () => {
    const p = await portfolio('Swiss');
    const franc = await instrument('Alpen AG', 'equity', 'CHF');
    const euro = await instrument('Euro', 'cash', 'EUR');
    await price(euro, '2024-02-01', '0.95', 'CHF'); // 1 EUR = 0.95 CHF
    await price(franc, '2024-02-01', '100', 'CHF');
    await position(p, franc, { quantity: '10' });
    // 10 × 100 = 1000 CHF; rate 1 / 0.95 = 1.05263157894… → 1.0526315789;
    // 1000 × 1.0526315789 = 1052.6315789 → 1052.631579.
    const valuation = await valuePortfolio(db, scope, p, '2024-02-01');
    expect(valuation.by_currency).toEqual([
      { currency: 'CHF', value: '1000.000000', fx_rate: '1.0526315789', value_in_base: '1052.631579' },
    ]);
    expect(valuation.total_value).toBe('1052.631579');
  });

  it('converts through a currency both are priced in when neither is priced in the other', async () => {
    // One cash instrument per series (an instrument has one price a day), dated after every other
    // test's dates so these series change no other conversion. 1 GBP = 1.17 EUR, and so on.
    const series = async (currency: string, pricedIn: string, rate: string) =>
      price(await instrument(`${currency} in ${pricedIn}`, 'cash', currency), '2024-08-01', rate, pricedIn);
    await series('GBP', 'EUR', '1.17');
    await series('GBP', 'CHF', '1.12');
    await series('GBP', 'DKK', '8.7');
    await series('USD', 'CHF', '0.9'); // besides the USD/EUR series of beforeAll
    await series('SEK', 'CHF', '0.083');
    await series('SEK', 'DKK', '0.65');

    const p = await portfolio('Sterling base', owner, 'GBP');
    const dollarEquity = await instrument('Cascade Corp', 'equity', 'USD');
    const kronaEquity = await instrument('Vasa Industrier AB', 'equity', 'SEK');
    await price(dollarEquity, '2024-08-01', '200', 'USD');
    await price(kronaEquity, '2024-08-01', '150', 'SEK');
    await position(p, dollarEquity, { quantity: '10' });
    await position(p, kronaEquity, { quantity: '100' });
    // USD and GBP are both priced in EUR and in CHF: EUR is preferred, each leg at its latest
    // price (USD 0.95 of 2024-01-20, GBP 1.17): 0.95 / 1.17 = 0.81196581196… → 0.8119658120;
    // 10 × 200 = 2000 USD × 0.8119658120 = 1623.931624 GBP (through CHF it would be 0.8035714286).
    // SEK and GBP share CHF and DKK: the alphabetically first, CHF: 0.083 / 1.12 = 0.07410714285…
    // → 0.0741071429; 100 × 150 = 15000 SEK × 0.0741071429 = 1111.6071435 → 1111.607144 (half away
    // from zero; through DKK it would be 0.0747126437). Total 1623.931624 + 1111.607144 = 2735.538768.
    const valuation = await valuePortfolio(db, scope, p, '2024-08-01');
    expect(valuation.by_currency).toEqual([
      { currency: 'SEK', value: '15000.000000', fx_rate: '0.0741071429', value_in_base: '1111.607144' },
      { currency: 'USD', value: '2000.000000', fx_rate: '0.8119658120', value_in_base: '1623.931624' },
    ]);
    expect(valuation.total_value).toBe('2735.538768');

    // NOK is priced only in JPY, which GBP is not priced in: no common currency, no rate.
    await series('NOK', 'JPY', '15.2');
    const kroneEquity = await instrument('Fjell ASA', 'equity', 'NOK');
    await price(kroneEquity, '2024-08-01', '80', 'NOK');
    const unconvertible = await portfolio('Krone in sterling', owner, 'GBP');
    await position(unconvertible, kroneEquity, { quantity: '5' });
    expect(await problemOf(valuePortfolio(db, scope, unconvertible, '2024-08-01'))).toMatchObject({
      code: 'missing_fx_rate',
      currency: 'NOK',
      base_currency: 'GBP',
      date: '2024-08-01',
    });
  });

  it('chains sub-period returns around a deposit (flows at the end of their day)', async () => {
    const p = await portfolio('Growth');
    const equity = await instrument('Fjord Energy', 'equity', 'EUR');
    await position(p, equity, { quantity: '140' });
    await trade(p, equity, 'buy', '2024-03-06', '40');
    await price(equity, '2024-03-01', '10', 'EUR');
    await price(equity, '2024-03-06', '12.5', 'EUR');
    await price(equity, '2024-03-11', '13', 'EUR');
    await cashflow(p, '2024-03-06', '500');
    // None of these is an external flow of the period: a flow on `from` is inside V(from), an
    // expected one has not happened, a dividend is income, a deleted one is gone.
    await cashflow(p, '2024-03-01', '999');
    await cashflow(p, '2024-03-08', '700', 'EUR', { status: 'expected' });
    await cashflow(p, '2024-03-08', '40', 'EUR', { kind: 'dividend' });
    await cashflow(p, '2024-03-09', '300', 'EUR', { deleted_at: new Date() });

    // V(03-01) = 100 × 10 = 1000; V(03-06) = 140 × 12.5 = 1750 (the +500 is in it);
    // r1 = (1750 − 500) / 1000 − 1 = 0.25. V(03-11) = 140 × 13 = 1820; r2 = 1820 / 1750 − 1 = 0.04.
    // TWR = 1.25 × 1.04 − 1 = 0.3.
    expect(await calculatePerformance(db, scope, p, { from: '2024-03-01', to: '2024-03-11' })).toEqual({
      portfolio_id: p,
      method: 'twr',
      from: '2024-03-01',
      to: '2024-03-11',
      currency: 'EUR',
      start_value: '1000.000000',
      end_value: '1820.000000',
      net_flows: '500.000000',
      time_weighted_return: '0.3000000000',
      sub_periods: [
        {
          from: '2024-03-01',
          to: '2024-03-06',
          start_value: '1000.000000',
          end_value: '1750.000000',
          flow: '500.000000',
          return: '0.2500000000',
        },
        {
          from: '2024-03-06',
          to: '2024-03-11',
          start_value: '1750.000000',
          end_value: '1820.000000',
          flow: '0.000000',
          return: '0.0400000000',
        },
      ],
    });
  });

  it('adds a same-day withdrawal in two currencies back before comparing', async () => {
    const p = await portfolio('Income');
    const equity = await instrument('Polar Shipping', 'equity', 'EUR');
    await position(p, equity, { quantity: '150' });
    await trade(p, equity, 'sell', '2024-04-10', '50');
    await price(equity, '2024-04-01', '10', 'EUR');
    await price(equity, '2024-04-10', '11', 'EUR');
    await price(equity, '2024-04-20', '9.9', 'EUR');
    // −360 EUR and −200 USD × 0.95 (latest USD rate on 04-10) = −190: F = −550 on 04-10.
    await cashflow(p, '2024-04-10', '-360');
    await cashflow(p, '2024-04-10', '-200', 'USD');

    // V(04-01) = 200 × 10 = 2000; V(04-10) = 150 × 11 = 1650; r1 = (1650 + 550) / 2000 − 1 = 0.1.
    // V(04-20) = 150 × 9.9 = 1485; r2 = 1485 / 1650 − 1 = −0.1. TWR = 1.1 × 0.9 − 1 = −0.01.
    const result = await calculatePerformance(db, scope, p, { from: '2024-04-01', to: '2024-04-20' });
    expect(result).toMatchObject({
      start_value: '2000.000000',
      end_value: '1485.000000',
      net_flows: '-550.000000',
      time_weighted_return: '-0.0100000000',
    });
    expect(result.sub_periods.map((s) => [s.to, s.flow, s.return])).toEqual([
      ['2024-04-10', '-550.000000', '0.1000000000'],
      ['2024-04-20', '0.000000', '-0.1000000000'],
    ]);
  });

  it('values an empty holding as 0 but cannot start a return from it', async () => {
    const p = await portfolio('New');
    const equity = await instrument('Tundra Tech', 'equity', 'EUR');
    await position(p, equity, { quantity: '100' });
    await trade(p, equity, 'buy', '2024-05-02', '100');
    await price(equity, '2024-05-01', '20', 'EUR');
    // On 05-01 the 100 units were not bought yet: 100 − 100 = 0, left out.
    expect(await valuePortfolio(db, scope, p, '2024-05-01')).toMatchObject({
      total_value: '0.000000',
      by_currency: [],
      positions: [],
    });
    expect(
      await problemOf(calculatePerformance(db, scope, p, { from: '2024-05-01', to: '2024-05-10' })),
    ).toMatchObject({ code: 'zero_start_value', date: '2024-05-01' });
    expect(
      await problemOf(calculatePerformance(db, scope, p, { from: '2024-05-10', to: '2024-05-10' })),
    ).toMatchObject({ code: 'invalid_period' });
  });

  it('names every unpriced instrument', async () => {
    const p = await portfolio('Unpriced');
    const never = await instrument('Never Priced', 'equity', 'EUR');
    const later = await instrument('Priced Later', 'bond', 'EUR');
    await position(p, never, { quantity: '5' });
    await position(p, later, { par: '1000' });
    await price(later, '2024-07-01', '101', 'EUR');
    const problem = await problemOf(valuePortfolio(db, scope, p, '2024-06-30'));
    expect(problem).toMatchObject({ code: 'missing_prices', date: '2024-06-30' });
    expect(problem.instruments).toEqual([
      { instrument_id: never.id, isin: never.isin, name: 'Never Priced' },
      { instrument_id: later.id, isin: later.isin, name: 'Priced Later' },
    ]);
    expect(problem.detail).toContain(never.isin);
    expect(problem.detail).toContain(later.isin);
  });

  it('fails on a currency with no rate either way', async () => {
    const p = await portfolio('Sterling');
    const pound = await instrument('Thames plc', 'equity', 'GBP');
    await price(pound, '2024-01-02', '5', 'GBP');
    await position(p, pound, { quantity: '10' });
    const problem = await problemOf(valuePortfolio(db, scope, p, '2024-01-03'));
    expect(problem).toMatchObject({
      code: 'missing_fx_rate',
      currency: 'GBP',
      base_currency: 'EUR',
      date: '2024-01-03',
    });
    expect(problem.detail).toContain('GBP/EUR');
  });

  it('values every portfolio of the demo data set on its last price day', async () => {
    const demo = (await createTenant(db, 'Demo data')).id;
    await seedTenant(db, demo, { size: 'small' });
    const demoScope = { tenantId: demo, whiteLabelId: null };
    const { asOf } = await db
      .selectFrom('instrument_prices')
      .select((eb) => eb.fn.max('price_date').as('asOf'))
      .where('tenant_id', '=', demo)
      .executeTakeFirstOrThrow();
    const portfolios = await db
      .selectFrom('portfolios')
      .leftJoin('positions', 'positions.portfolio_id', 'portfolios.id')
      .select(['portfolios.id', (eb) => eb.fn.count<string>('positions.id').as('positions')])
      .where('portfolios.tenant_id', '=', demo)
      .groupBy('portfolios.id')
      .orderBy('portfolios.id')
      .execute();
    expect(portfolios.length).toBeGreaterThan(0);
    const crossed: string[] = [];
    for (const { id, positions } of portfolios) {
      const valuation = await valuePortfolio(db, demoScope, id, asOf!);
      if (Number(positions) > 0) expect(Number(valuation.total_value), id).toBeGreaterThan(0);
      for (const { currency } of valuation.by_currency)
        if (currency !== valuation.base_currency && valuation.base_currency !== 'EUR' && currency !== 'EUR')
          crossed.push(`${currency}/${valuation.base_currency}`);
    }
    // Only EUR series are seeded, so any conversion between two other currencies is a cross rate.
    expect(crossed.length).toBeGreaterThan(0);
  });

  it('finds no portfolio outside the scope: another tenant, a deleted one, another white label', async () => {
    const p = await portfolio('Scoped');
    const other = { tenantId: (await createTenant(db, 'Other tenant')).id, whiteLabelId: null };
    expect(await problemOf(valuePortfolio(db, other, p, '2024-01-15'))).toMatchObject({
      code: 'portfolio_not_found',
    });
    expect(
      await problemOf(calculatePerformance(db, other, p, { from: '2024-01-01', to: '2024-01-15' })),
    ).toMatchObject({ code: 'portfolio_not_found' });
    expect(await problemOf(valuePortfolio(db, scope, 'not-a-uuid', '2024-01-15'))).toMatchObject({
      code: 'portfolio_not_found',
    });
    const deleted = await portfolio('Deleted');
    await db.updateTable('portfolios').set({ deleted_at: new Date() }).where('id', '=', deleted).execute();
    expect(await problemOf(valuePortfolio(db, scope, deleted, '2024-01-15'))).toMatchObject({
      code: 'portfolio_not_found',
    });

    const [north, south] = await db
      .insertInto('white_labels')
      .values([
        { tenant_id: tenantId, name: 'North' },
        { tenant_id: tenantId, name: 'South' },
      ])
      .returning('id')
      .execute();
    const northClient = await db
      .insertInto('clients')
      .values({ tenant_id: tenantId, white_label_id: north!.id, name: 'Northern family' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const northOwner = { client_id: northClient.id, white_label_id: north!.id };
    const northern = await portfolio('Northern', northOwner);
    const equity = await instrument('Aurora North', 'equity', 'EUR');
    await price(equity, '2024-01-02', '7', 'EUR');
    await position(northern, equity, { quantity: '3' }, northOwner);
    const as = (whiteLabelId: string) => ({ tenantId, whiteLabelId });
    expect((await valuePortfolio(db, as(north!.id), northern, '2024-01-15')).total_value).toBe('21.000000');
    expect((await valuePortfolio(db, scope, northern, '2024-01-15')).total_value).toBe('21.000000');
    expect(await problemOf(valuePortfolio(db, as(south!.id), northern, '2024-01-15'))).toMatchObject({
      code: 'portfolio_not_found',
    });
  });
});
