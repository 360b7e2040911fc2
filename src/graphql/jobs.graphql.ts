import { calculationRecord } from '../jobs/calculations/calculation-record.js';
import { extractRecord } from '../jobs/extracts/extract-record.js';
import { findJob, type JobKind } from '../jobs/jobs.repository.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';

// Jobs in GraphQL: a calculation's result and an extract's status, read from the same records v1's
// status resources and the jobs' events carry (links are relative: the schema knows no host).

type JobRecord = Record<string, unknown>;

const exposeJson = (name: string, description: string) => ({
  type: 'JSON' as const,
  nullable: true,
  description,
  resolve: (record: JobRecord) => record[name] ?? null,
});

const Job = builder.interfaceRef<JobRecord>('Job').implement({
  description: 'Background work started on v1: an extract or a calculation.',
  fields: (t) => ({
    id: t.id({ resolve: (record) => record.id as string }),
    status: t.string({
      description: 'queued, running, succeeded, failed or expired.',
      resolve: (record) => record.status as string,
    }),
    statusUrl: t.string({
      description: 'The v1 status resource.',
      resolve: (record) => record.status_url as string,
    }),
    problem: t.field(exposeJson('problem', 'Why it failed (RFC 9457 members); null unless failed.')),
    attempts: t.int({ resolve: (record) => record.attempts as number }),
    createdAt: t.string({ resolve: (record) => record.created_at as string }),
    finishedAt: t.string({
      nullable: true,
      resolve: (record) => (record.finished_at as string | null) ?? null,
    }),
  }),
});

const Calculation = builder.objectRef<JobRecord>('Calculation').implement({
  description:
    'A valuation or performance calculation, started on v1 (POST /v1/portfolios/{id}/valuations, …/performance-calculations).',
  interfaces: [Job],
  isTypeOf: (record) => (record as JobRecord).object === 'calculation',
  fields: (t) => ({
    type: t.string({ description: 'valuation or performance.', resolve: (record) => record.type as string }),
    portfolioId: t.id({ resolve: (record) => record.portfolio_id as string }),
    parameters: t.field(exposeJson('parameters', 'What was asked: asOf, or from, to and method.')),
    result: t.field(exposeJson('result', 'The valuation or the performance, once succeeded.')),
  }),
});

const Extract = builder.objectRef<JobRecord>('Extract').implement({
  description: 'A point-in-time extract of a dataset, started on v1 (POST /v1/extracts).',
  interfaces: [Job],
  isTypeOf: (record) => (record as JobRecord).object === 'extract',
  fields: (t) => ({
    dataset: t.string({ resolve: (record) => record.dataset as string }),
    format: t.string({ resolve: (record) => record.format as string }),
    progress: t.field(exposeJson('progress', 'Rows written so far of the snapshot’s total.')),
    eventSequence: t.string({
      nullable: true,
      description: 'The watermark: the file holds every change up to this event sequence and none after.',
      resolve: (record) => (record.event_sequence as string | null) ?? null,
    }),
    rowCount: t.int({ nullable: true, resolve: (record) => (record.row_count as number | null) ?? null }),
    downloadUrl: t.string({
      nullable: true,
      resolve: (record) => (record.download_url as string | null) ?? null,
    }),
    expiresAt: t.string({
      nullable: true,
      resolve: (record) => (record.expires_at as string | null) ?? null,
    }),
  }),
});

async function jobRecord(context: GraphQLContext, kind: JobKind, id: string): Promise<JobRecord | null> {
  const row = await findJob(context.database.db, context.viewer, kind, id);
  if (!row) return null;
  return kind === 'extract' ? extractRecord(row, '') : calculationRecord(row, '');
}

builder.queryField('calculation', (t) =>
  t.field({
    type: Calculation,
    nullable: true,
    description: 'A valuation or performance calculation of the caller’s tenant; null if there is none.',
    authScopes: { scope: 'performance:read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => jobRecord(context, 'calculation', String(args.id)),
  }),
);

builder.queryField('extract', (t) =>
  t.field({
    type: Extract,
    nullable: true,
    description: 'An extract of the caller’s tenant; null if there is none.',
    authScopes: { scope: 'extracts:write' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => jobRecord(context, 'extract', String(args.id)),
  }),
);
