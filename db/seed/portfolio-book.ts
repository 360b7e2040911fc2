import type { ClientBook } from './book.js';
import { formatDay } from './calendar.js';
import { divRound, fixed, moneyFromMicros } from './decimal.js';
import { currencies } from './reference-data.js';
import type { SeedRow } from './rows.js';
import { limitKinds } from './sizes.js';

const RETURN_UNIT = 10_000_000_000n;
const THOUSAND_MICROS = 1_000_000_000n;

/** Monthly results and investment limits for one portfolio, after all its positions exist. */
export function addPortfolioReporting(book: ClientBook, portfolio: SeedRow<'portfolios'>): void {
  addPerformance(book, portfolio);
  addLimits(book, portfolio);
}

/**
 * Months walk back from today's value, so the latest result ends where the positions stand:
 * start = (end − flows) / (1 + r), with flows booked at month end.
 */
function addPerformance(book: ClientBook, portfolio: SeedRow<'portfolios'>): void {
  const { rng, ids, market } = book.context;
  let end = book.portfolioValues.get(portfolio.id)!;
  const results: Omit<SeedRow<'performance_results'>, 'id'>[] = [];
  for (let m = market.performanceMonths.length - 1; m >= 0; m--) {
    const period = market.performanceMonths[m]!;
    const returnBp = rng.int(-350, 450);
    // Now and then a client adds or withdraws up to 5 %, in round thousands.
    const flows = rng.chance(0.15)
      ? divRound(end * BigInt(rng.int(-5, 5)), 100n * THOUSAND_MICROS) * THOUSAND_MICROS
      : 0n;
    const start = divRound((end - flows) * 10_000n, BigInt(10_000 + returnBp));
    // Modified Dietz with flows weighted at mid-period, the usual money-weighted estimate.
    const denominator = 2n * start + flows;
    const moneyWeighted =
      denominator > 0n ? divRound((end - start - flows) * 2n * RETURN_UNIT, denominator) : null;
    results.unshift({
      ...book.owner,
      portfolio_id: portfolio.id,
      period_start: formatDay(period.start),
      period_end: formatDay(period.end),
      currency: portfolio.base_currency,
      start_value: moneyFromMicros(start),
      end_value: moneyFromMicros(end),
      net_flows: moneyFromMicros(flows),
      time_weighted_return: fixed(BigInt(returnBp) * (RETURN_UNIT / 10_000n), 10),
      money_weighted_return: moneyWeighted === null ? null : fixed(moneyWeighted, 10),
      external_reference: null,
    });
    end = start;
  }
  for (const result of results)
    book.rows.performance_results.push({ id: ids.next('performance_results'), ...result });
}

function addLimits(book: ClientBook, portfolio: SeedRow<'portfolios'>): void {
  const { rng, ids, market } = book.context;
  const percent = (value: number): string => fixed(value * 10_000, 4);
  for (const kind of limitKinds) {
    let limit: { name: string; target: string | null; min: number | null; max: number | null };
    switch (kind) {
      case 'max_issuer_weight':
        limit = { name: 'Single issuer concentration', target: null, min: null, max: rng.int(8, 15) };
        break;
      case 'max_industry_weight': {
        const industry = rng.pick(market.industries);
        limit = {
          name: `Industry cap: ${industry.name}`,
          target: industry.code,
          min: null,
          max: rng.int(20, 35),
        };
        break;
      }
      case 'max_currency_weight': {
        const currency = rng.pick(currencies.filter((c) => c !== portfolio.base_currency));
        limit = { name: `Currency cap: ${currency}`, target: currency, min: null, max: rng.int(25, 50) };
        break;
      }
      case 'min_cash_weight':
        limit = { name: 'Minimum liquidity', target: null, min: rng.int(1, 5), max: null };
        break;
    }
    book.rows.investment_limits.push({
      id: ids.next('investment_limits'),
      ...book.owner,
      portfolio_id: portfolio.id,
      name: limit.name,
      kind,
      target: limit.target,
      min_percent: limit.min === null ? null : percent(limit.min),
      max_percent: limit.max === null ? null : percent(limit.max),
      external_reference: null,
    });
  }
}
