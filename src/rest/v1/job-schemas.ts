import { z } from 'zod';
import { extractDatasetNames } from '../../jobs/extracts/extract-datasets.js';
import { named } from '../schema-names.js';

// The status resources of jobs, as v1 answers them and as their events carry them.

export const extractFormats = ['ndjson', 'csv'] as const;

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'expired'] as const;

const problem = z
  .object({ code: z.string(), title: z.string(), detail: z.string() })
  .catchall(z.unknown())
  .nullable()
  .describe('Why the job failed (RFC 9457 members); null unless failed.');

/** A job's status resource: the common fields, then the kind's own. */
function jobStatusSchema(id: string, description: string, fields: z.ZodRawShape) {
  return named(
    z.object({
      id: z.uuid(),
      object: z.string(),
      status: z.enum(jobStatuses),
      ...fields,
      status_url: z.string().describe('This resource.'),
      problem,
      attempts: z.int().describe('Attempts so far (a worker that died mid-way leaves one behind).'),
      created_at: z.iso.datetime(),
      started_at: z.iso.datetime().nullable(),
      finished_at: z.iso.datetime().nullable(),
    }),
    id,
    description,
  );
}

export const extractStatus = jobStatusSchema('Extract', 'An extract: its progress, then its file.', {
  dataset: z.enum(extractDatasetNames),
  format: z.enum(extractFormats),
  filters: z.record(z.string(), z.unknown()),
  progress: z
    .object({ rows: z.int(), total_rows: z.int().nullable(), percent: z.int() })
    .nullable()
    .describe('Rows written so far of the snapshot’s total.'),
  event_sequence: z
    .string()
    .nullable()
    .describe(
      'The watermark: the file holds every change up to this event sequence and none after; continue with GET /v1/events?after=<event_sequence>.',
    ),
  snapshot_at: z.iso.datetime().nullable(),
  row_count: z.int().nullable(),
  size: z.int().nullable().describe('Bytes.'),
  checksum: z.string().nullable().describe('sha256:<hex> of the file (also its ETag).'),
  download_url: z.string().nullable(),
  expires_at: z.iso.datetime().nullable().describe('When the file stops being downloadable (410 after).'),
});

export const calculationStatus = jobStatusSchema(
  'Calculation',
  'A valuation or performance calculation: queued, running, then its result or its problem.',
  {
    type: z.enum(['valuation', 'performance']),
    portfolio_id: z.uuid(),
    parameters: z.record(z.string(), z.unknown()).describe('What was asked: as_of, or from, to and method.'),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The valuation or the performance, once succeeded (see the README for their fields).'),
  },
);
