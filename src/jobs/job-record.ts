import type { JobRow } from './jobs.repository.js';

// What every job's status resource shows besides its kind's own fields (the frame of
// src/rest/v1/job-schemas.ts).

/** A stored instant as every status resource shows it. */
export const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function jobRecordFrame(row: JobRow, statusUrl: string) {
  return {
    status_url: statusUrl,
    problem: row.error ?? null,
    attempts: row.attempts,
    created_at: iso(row.created_at),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
  };
}
