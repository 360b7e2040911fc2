import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import type { JobContext, JobKindHandler, JobOutcome } from '../job-kind.js';
import type { ClaimedJob } from '../jobs.repository.js';
import { type ExtractDataset, extractDatasets, filterValues } from './extract-datasets.js';
import { extractEncoder } from './extract-format.js';
import {
  type ExtractParams,
  type ExtractProgress,
  type ExtractResult,
  extractRecord,
} from './extract-record.js';
import { copiedRows, type Snapshot, takeSnapshot } from './extract-snapshot.js';
import type { ExtractStore } from './extract-store.js';

// Running an extract: the snapshot (once per job: a retry reuses it, so the file keeps its
// watermark), then the file, written from the copy in batches with progress recorded after each,
// then the completion, which removes the copy in the transaction that marks the job succeeded.

export interface ExtractJobOptions {
  db: Kysely<DB>;
  store: ExtractStore;
  publicUrl: string;
  /** How long the file can be downloaded. */
  ttlMs: number;
  /** Rows per batch: the progress granularity. */
  batchRows: number;
  /** A pause between batches, to spread a large extract's load on a busy database. */
  batchDelayMs: number;
}

export function extractJob(options: ExtractJobOptions): JobKindHandler {
  const { db, store } = options;
  return {
    kind: 'extract',
    events: { completed: 'extract.completed', failed: 'extract.failed' },
    present: (row) => extractRecord(row, options.publicUrl),
    removeOutput: (row) => store.remove(row.id),
    discard: async (tx, row) => {
      await tx.deleteFrom('extract_rows').where('job_id', '=', row.id).execute();
    },
    async run(job: ClaimedJob, context: JobContext): Promise<JobOutcome> {
      const params = job.params as unknown as ExtractParams;
      const dataset = params.dataset as ExtractDataset;
      const resource = extractDatasets[dataset];
      const scope = { tenantId: job.tenant_id, whiteLabelId: job.white_label_id };
      const snapshot =
        (job.result as unknown as ExtractResult | null)?.snapshot ??
        (await takeSnapshot(db, job, resource, scope, filterValues(dataset, params.filters), context.signal));
      context.signal.throwIfAborted();
      if (!snapshot) throw new Error('the job was taken over before its snapshot was recorded');
      const progress = (rows: number): ExtractProgress => ({
        rows,
        total_rows: snapshot.row_count,
        percent: snapshot.row_count === 0 ? 100 : Math.floor((rows * 100) / snapshot.row_count),
      });
      await context.progress(progress(0));
      const file = await writeFile(job, snapshot, params, context, progress);
      return {
        result: { snapshot, size: file.size, checksum: file.checksum } satisfies ExtractResult,
        progress: progress(snapshot.row_count),
        expiresAt: new Date(Date.now() + options.ttlMs),
        alsoWrite: async (tx) => {
          await tx.deleteFrom('extract_rows').where('job_id', '=', job.id).execute();
        },
      };
    },
  };

  async function writeFile(
    job: ClaimedJob,
    snapshot: Snapshot,
    params: ExtractParams,
    context: JobContext,
    progress: (rows: number) => ExtractProgress,
  ) {
    const columns = Object.keys(extractDatasets[params.dataset as ExtractDataset].fields);
    const encoder = extractEncoder(params.format, {
      extract_id: job.id,
      dataset: params.dataset,
      event_sequence: snapshot.event_sequence,
      snapshot_at: snapshot.snapshot_at,
      row_count: snapshot.row_count,
      columns,
    });
    const writer = await store.create(job.id);
    try {
      await writer.write(encoder.begin());
      let written = 0;
      for (;;) {
        const batch = await copiedRows(db, job.id, written, options.batchRows);
        if (batch.length === 0) break;
        // jsonb keeps its own key order; the file keeps the description's.
        const records = batch.map(({ data }) =>
          Object.fromEntries(columns.map((column) => [column, data[column]])),
        );
        await writer.write(encoder.rows(records));
        written = batch.at(-1)?.ordinal ?? written;
        await context.progress(progress(written));
        if (options.batchDelayMs > 0)
          await sleep(options.batchDelayMs, undefined, { signal: context.signal });
      }
      await writer.write(encoder.end());
      return await writer.finish();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }
}
