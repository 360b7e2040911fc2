import { iso, jobRecordFrame } from '../job-record.js';
import type { JobRow } from '../jobs.repository.js';
import type { Snapshot } from './extract-snapshot.js';

// An extract as its status resource shows it, and as extract.completed / extract.failed carry it.

/** What an extract job was asked for (jobs.params). */
export interface ExtractParams {
  dataset: string;
  format: 'ndjson' | 'csv';
  /** The filters under their v1 names, as given. */
  filters: Record<string, unknown>;
}

/** What a finished extract produced (jobs.result). */
export interface ExtractResult {
  snapshot?: Snapshot;
  size?: number;
  checksum?: string;
}

export type ExtractProgress = {
  rows: number;
  total_rows: number;
  percent: number;
};

export function extractRecord(row: JobRow, publicUrl: string): Record<string, unknown> {
  const params = row.params as unknown as ExtractParams;
  const result = (row.result ?? {}) as unknown as ExtractResult;
  const progress = (row.progress ?? null) as unknown as ExtractProgress | null;
  const snapshot = result.snapshot;
  const url = `${publicUrl}/v1/extracts/${row.id}`;
  const succeeded = row.status === 'succeeded';
  return {
    id: row.id,
    object: 'extract',
    status: row.status,
    dataset: params.dataset,
    format: params.format,
    filters: params.filters,
    progress:
      row.status === 'queued' && !progress
        ? { rows: 0, total_rows: snapshot?.row_count ?? null, percent: 0 }
        : progress,
    event_sequence: snapshot?.event_sequence ?? null,
    snapshot_at: snapshot?.snapshot_at ?? null,
    row_count: succeeded || row.status === 'expired' ? (snapshot?.row_count ?? 0) : null,
    size: result.size ?? null,
    checksum: result.checksum ?? null,
    download_url: succeeded ? `${url}/download` : null,
    expires_at: iso(row.expires_at),
    ...jobRecordFrame(row, url),
  };
}
