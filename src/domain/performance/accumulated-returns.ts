import type { Row } from '../resources/resources.repository.js';

// Time-weighted returns chain geometrically: over consecutive periods with returns r1 … rn the
// accumulated return is (1 + r1)(1 + r2)…(1 + rn) − 1. Computed in fixed point at the column's
// scale (10 decimals), rounding half away from zero at each step, so no float ever touches it.

const scale = 10;
const unit = 10n ** BigInt(scale);

function toUnits(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = decimal.replace('-', '').split('.');
  const units = BigInt(whole) * unit + BigInt(fraction.padEnd(scale, '0').slice(0, scale) || '0');
  return negative ? -units : units;
}

function toDecimal(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function multiply(a: bigint, b: bigint): bigint {
  const product = a * b;
  const half = unit / 2n;
  return product < 0n ? (product - half) / unit : (product + half) / unit;
}

/**
 * Each result's accumulated time-weighted return: its portfolio's returns chained in period order
 * from the earliest of `rows` through this one. Rows need portfolio_id, period_end and
 * time_weighted_return.
 */
export function accumulatedReturns(rows: readonly Row[]): Map<string, string> {
  const byPortfolio = new Map<string, Row[]>();
  for (const row of rows) {
    const portfolio = row.portfolio_id as string;
    byPortfolio.set(portfolio, [...(byPortfolio.get(portfolio) ?? []), row]);
  }
  const accumulated = new Map<string, string>();
  for (const results of byPortfolio.values()) {
    let growth = unit;
    const inOrder = [...results].sort((a, b) => String(a.period_end).localeCompare(String(b.period_end)));
    for (const row of inOrder) {
      growth = multiply(growth, unit + toUnits(String(row.time_weighted_return)));
      accumulated.set(row.id, toDecimal(growth - unit));
    }
  }
  return accumulated;
}
