import { performanceResultResource } from '../../domain/performance/performance-result.resource.js';
import { publicRecord } from '../../domain/resources/resource-record.js';
import type { Row } from '../../domain/resources/resources.repository.js';
import type { Emit, WriteTx } from '../../domain/write.js';
import type { PerformanceCalculation } from './time-weighted-return.js';

// A finished performance calculation is also a performance result: the period's row (one per
// portfolio and period) is created or replaced in the transaction that completes the job, so v1,
// v2 and GraphQL read it like any other result and its event goes out with the job's.

export async function recordPerformanceResult(
  tx: WriteTx,
  tenantId: string,
  calculation: PerformanceCalculation,
  emit: Emit,
): Promise<void> {
  const portfolio = await tx
    .selectFrom('portfolios')
    .select(['client_id', 'white_label_id'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', calculation.portfolio_id)
    .executeTakeFirst();
  // Deleted since the calculation ran: there is nothing left to attach the result to.
  if (!portfolio) return;
  const values = {
    currency: calculation.currency,
    start_value: calculation.start_value,
    end_value: calculation.end_value,
    net_flows: calculation.net_flows,
    time_weighted_return: calculation.time_weighted_return,
    money_weighted_return: null,
    deleted_at: null,
  };
  const before = await tx
    .selectFrom('performance_results')
    .selectAll()
    .where('portfolio_id', '=', calculation.portfolio_id)
    .where('period_start', '=', calculation.from)
    .where('period_end', '=', calculation.to)
    .forUpdate()
    .executeTakeFirst();
  const after = (before
    ? await tx
        .updateTable('performance_results')
        .set(values)
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await tx
        .insertInto('performance_results')
        .values({
          ...values,
          tenant_id: tenantId,
          client_id: portfolio.client_id,
          white_label_id: portfolio.white_label_id,
          portfolio_id: calculation.portfolio_id,
          period_start: calculation.from,
          period_end: calculation.to,
        })
        .returningAll()
        .executeTakeFirstOrThrow()) as unknown as Row;
  const revived = !before || before.deleted_at !== null;
  const record = publicRecord(performanceResultResource, after);
  const changed = before
    ? Object.keys(values).filter(
        (column) =>
          column !== 'deleted_at' &&
          JSON.stringify(publicRecord(performanceResultResource, before as unknown as Row)[column]) !==
            JSON.stringify(record[column]),
      )
    : [];
  const event = { resourceId: after.id, data: record, whiteLabelId: portfolio.white_label_id };
  if (revived) emit({ type: 'performance-result.created', ...event });
  else if (changed.length > 0) emit({ type: 'performance-result.updated', ...event, changedFields: changed });
}
