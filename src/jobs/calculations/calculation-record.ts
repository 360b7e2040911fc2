import { jobRecordFrame } from '../job-record.js';
import type { JobRow } from '../jobs.repository.js';

// A calculation as its status resource shows it, and as calculation.completed / calculation.failed
// carry it: the complete result travels in the event (seed 004), so a receiver needs no read back.

export type CalculationType = 'valuation' | 'performance';

/** What a calculation was asked for (jobs.params). */
export type CalculationParams =
  | { type: 'valuation'; portfolio_id: string; as_of: string }
  | { type: 'performance'; portfolio_id: string; from: string; to: string; method: 'twr' };

export function calculationRecord(row: JobRow, publicUrl: string): Record<string, unknown> {
  const { type, portfolio_id, ...parameters } = row.params as unknown as CalculationParams;
  return {
    id: row.id,
    object: 'calculation',
    type,
    status: row.status,
    portfolio_id,
    parameters,
    result: row.status === 'succeeded' ? (row.result ?? null) : null,
    ...jobRecordFrame(row, `${publicUrl}/v1/calculations/${row.id}`),
  };
}
