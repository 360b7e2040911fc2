/**
 * What a calculation could not do, in words a client can act on. The job runner stores it on the
 * failed job and sends it in the calculation.failed event, so `code` is a stable contract and
 * `detail` names the missing data (instruments, currency pair, date).
 */
export interface CalculationProblem {
  /** Stable snake_case: 'missing_prices', 'missing_fx_rate', 'zero_start_value', 'portfolio_not_found', … */
  code: string;
  title: string;
  detail: string;
  /** Machine-readable particulars, e.g. instruments: [{ instrument_id, isin, name }], currency, date. */
  [extra: string]: unknown;
}

/**
 * An expected, permanent failure: running the same calculation again on the same data fails the
 * same way, so the runner fails the job instead of retrying it. Anything else thrown is unexpected.
 */
export class CalculationFailure extends Error {
  override name = 'CalculationFailure';

  constructor(readonly problem: CalculationProblem) {
    super(problem.detail);
  }
}
