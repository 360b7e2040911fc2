/**
 * Time-weighted return (TWR) over [from, to], from < to, in the portfolio's base currency.
 *
 * External flows are the portfolio's posted `deposit` and `withdrawal` cashflows with
 * from < value_date <= to. `amount` is signed (positive: cash comes in, negative: it goes out) and
 * is converted to the base currency at its value date's rate, rounded to 6 decimals. A flow
 * happens at the END of its day: the valuation V(t) of day t already includes the flow of day t,
 * so a flow on `from` is part of V(from), not a flow of the period.
 *
 * Break dates are from, each distinct flow date, and to. For consecutive break dates a < b, with
 * F = the net flows on b:
 *
 *     r = (V(b) − F) / V(a) − 1
 *     TWR = (1 + r1)(1 + r2)…(1 + rn) − 1
 *
 * chained at full precision and rounded half away from zero to 10 decimals only at the end.
 * A sub-period starting at V(a) = 0 has no return (zero_start_value). start_value = V(from),
 * end_value = V(to), net_flows = ΣF.
 */

import type { Decimal } from 'decimal.js';
import { visibleTo } from '../../domain/visibility.js';
import type { ReadDb, TenantScope } from '../../domain/write.js';
import { CalculationFailure } from './calculation-failure.js';
import { Exact, fixed, fxRate, money, requireDate, requirePortfolio, valueOn } from './valuation.js';

export interface PerformanceCalculation {
  portfolio_id: string;
  method: 'twr';
  from: string;
  to: string;
  currency: string;
  start_value: string;
  end_value: string;
  net_flows: string;
  time_weighted_return: string;
  sub_periods: {
    from: string;
    to: string;
    start_value: string;
    end_value: string;
    flow: string;
    return: string;
  }[];
}

/** Net external flows per value date in (from, to], in the base currency. */
async function flowsBetween(
  db: ReadDb,
  scope: TenantScope,
  portfolio: { id: string; base_currency: string },
  from: string,
  to: string,
): Promise<Map<string, Decimal>> {
  const cashflows = await visibleTo(db.selectFrom('cashflows'), scope, 'cashflows', { whiteLabel: true })
    .select(['value_date', 'amount', 'currency'])
    .where('portfolio_id', '=', portfolio.id)
    .where('status', '=', 'posted')
    .where('kind', 'in', ['deposit', 'withdrawal'])
    .where('value_date', '>', from)
    .where('value_date', '<=', to)
    .where('deleted_at', 'is', null)
    .orderBy('value_date')
    .orderBy('id')
    .execute();
  const flows = new Map<string, Decimal>();
  for (const flow of cashflows) {
    const rate = await fxRate(db, scope, flow.currency, portfolio.base_currency, flow.value_date);
    const inBase = new Exact(money(new Exact(flow.amount).times(rate)));
    flows.set(flow.value_date, (flows.get(flow.value_date) ?? new Exact(0)).plus(inBase));
  }
  return flows;
}

/** The portfolio's TWR over the period; throws CalculationFailure when it cannot be computed. */
export async function calculatePerformance(
  db: ReadDb,
  scope: TenantScope,
  portfolioId: string,
  period: { from: string; to: string },
): Promise<PerformanceCalculation> {
  const from = requireDate('from', period.from);
  const to = requireDate('to', period.to);
  if (from >= to)
    throw new CalculationFailure({
      code: 'invalid_period',
      title: 'Invalid period',
      detail: `The period must start before it ends; ${from} is not before ${to}.`,
      from,
      to,
    });
  const portfolio = await requirePortfolio(db, scope, portfolioId);
  const flows = await flowsBetween(db, scope, portfolio, from, to);
  // ISO dates sort as strings.
  const breaks = [...new Set([from, ...flows.keys(), to])].sort();

  const sub_periods: PerformanceCalculation['sub_periods'] = [];
  let growth = new Exact(1);
  let netFlows = new Exact(0);
  let start = new Exact((await valueOn(db, scope, portfolio, from)).total_value);
  const startValue = start;
  for (const [index, b] of breaks.slice(1).entries()) {
    const a = breaks[index]!;
    if (start.isZero())
      throw new CalculationFailure({
        code: 'zero_start_value',
        title: 'Zero start value',
        detail: `The portfolio is worth 0 on ${a}, so the return of the sub-period starting then is undefined.`,
        date: a,
      });
    const end = new Exact((await valueOn(db, scope, portfolio, b)).total_value);
    const flow = flows.get(b) ?? new Exact(0);
    // The flow is already in V(b) (end of day), so take it out before comparing with V(a).
    const r = end.minus(flow).div(start).minus(1);
    growth = growth.times(r.plus(1));
    netFlows = netFlows.plus(flow);
    sub_periods.push({
      from: a,
      to: b,
      start_value: money(start),
      end_value: money(end),
      flow: money(flow),
      return: fixed(r, 10),
    });
    start = end;
  }
  return {
    portfolio_id: portfolio.id,
    method: 'twr',
    from,
    to,
    currency: portfolio.base_currency,
    start_value: money(startValue),
    end_value: money(start),
    net_flows: money(netFlows),
    time_weighted_return: fixed(growth.minus(1), 10),
    sub_periods,
  };
}
