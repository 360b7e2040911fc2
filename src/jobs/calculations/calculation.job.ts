import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import { JobFailure, type JobKindHandler, type JobOutcome } from '../job-kind.js';
import type { ClaimedJob } from '../jobs.repository.js';
import { CalculationFailure } from './calculation-failure.js';
import { type CalculationParams, calculationRecord } from './calculation-record.js';
import { recordPerformanceResult } from './performance-result.write.js';
import { calculatePerformance } from './time-weighted-return.js';
import { valuePortfolio } from './valuation.js';

// Running a valuation or a performance calculation: both read one consistent view of the portfolio
// (a repeatable-read transaction), and a calculation that cannot be done with the data there is
// (no prices, no FX rate) fails at once with its problem instead of being retried.

export function calculationJob(options: { db: Kysely<DB>; publicUrl: string }): JobKindHandler {
  return {
    kind: 'calculation',
    events: { completed: 'calculation.completed', failed: 'calculation.failed' },
    present: (row) => calculationRecord(row, options.publicUrl),
    async run(job: ClaimedJob): Promise<JobOutcome> {
      const params = job.params as unknown as CalculationParams;
      const scope = { tenantId: job.tenant_id, whiteLabelId: job.white_label_id };
      try {
        return await options.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(async (tx): Promise<JobOutcome> => {
            if (params.type === 'valuation') {
              const valuation = await valuePortfolio(tx, scope, params.portfolio_id, params.as_of);
              return { result: { ...valuation } };
            }
            const performance = await calculatePerformance(tx, scope, params.portfolio_id, params);
            return {
              result: { ...performance },
              alsoWrite: (write, emit) => recordPerformanceResult(write, job.tenant_id, performance, emit),
            };
          });
      } catch (error) {
        if (error instanceof CalculationFailure) throw new JobFailure(error.problem);
        throw error;
      }
    },
  };
}
