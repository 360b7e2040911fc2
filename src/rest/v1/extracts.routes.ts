import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { requireScope } from '../../auth/viewer.js';
import { ConflictError, GoneError, NotFoundError } from '../../domain/errors.js';
import {
  type ExtractDataset,
  extractDatasetNames,
  extractFiltersSchema,
  readScopeOf,
} from '../../jobs/extracts/extract-datasets.js';
import { extractContentTypes } from '../../jobs/extracts/extract-format.js';
import { type ExtractParams, type ExtractResult, extractRecord } from '../../jobs/extracts/extract-record.js';
import type { JobDeps } from '../../jobs/job-deps.js';
import { findJob, type JobRow } from '../../jobs/jobs.repository.js';
import { enqueueJob } from '../../jobs/jobs.service.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { sendExtractFile } from './extract-download.js';
import { jobListQuery, jobPageSchema, sendJobPage } from './job-routes.js';
import { extractFormats, extractStatus } from './job-schemas.js';
import { problemResponses, v1Security } from './v1-openapi.js';
import { idParameter } from './v1-schemas.js';

// Extracts (seed 000's governed export jobs): POST answers 202 with the status resource's Location;
// the status shows progress, then the watermark, size, checksum and download link; the file is
// streamed with Range support until it expires (410 after). Creating needs extracts:write; reading
// a dataset's file needs that dataset's read scope, and so does its status unless the caller may
// create extracts.

const extractRequest = z
  .discriminatedUnion(
    'dataset',
    extractDatasetNames.map((dataset) =>
      z.strictObject({
        dataset: z.literal(dataset).describe('What to extract.'),
        filters: extractFiltersSchema(dataset)
          .optional()
          .describe(`The filters of GET /v1/${dataset}, by the same names.`),
        format: z
          .enum(extractFormats, { error: 'must be ndjson or csv' })
          .default('ndjson')
          .describe(
            'ndjson (the default): a watermark line, then one JSON object per row; csv: a header row.',
          ),
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
    { error: `must be one of ${extractDatasetNames.join(', ')}` },
  )
  .meta({ id: 'ExtractRequest', description: 'A point-in-time extract of one dataset.' });

const anyDatasetRead = extractDatasetNames.map(readScopeOf);
const statusScopes: Scope[] = ['extracts:write', ...anyDatasetRead];

export function registerExtractRoutes(
  v1: FastifyInstance,
  deps: { database: Database; secrets: ServerSecrets; jobs: JobDeps },
): void {
  const present = (row: JobRow) => extractRecord(row, deps.jobs.publicUrl);
  /**
   * The caller's extract. Its file needs the dataset's read scope (403 without it); its status
   * needs that or extracts:write, and is not found for a caller with neither.
   */
  async function visibleExtract(
    request: FastifyRequest,
    id: string,
    purpose: 'status' | 'file',
  ): Promise<JobRow> {
    const row = await findJob(deps.database.db, request.viewer, 'extract', id);
    if (!row) throw new NotFoundError('extract', id);
    const readScope = readScopeOf((row.params as unknown as ExtractParams).dataset as ExtractDataset);
    if (purpose === 'file') requireScope(request.viewer, readScope);
    else if (!request.viewer.scopes.has(readScope) && !request.viewer.scopes.has('extracts:write')) {
      throw new NotFoundError('extract', id);
    }
    return row;
  }

  v1.post(
    '/extracts',
    {
      config: { scope: 'extracts:write' },
      schema: {
        tags: ['Extracts'],
        operationId: 'createExtract',
        summary: 'Start an extract',
        description:
          'Starts a point-in-time extract of positions, cashflows or transactions, filtered like their lists. Answers 202 with the status resource (Location). One extract per dataset runs at a time: a second one while the first is queued or running gets 409.',
        security: v1Security('extracts:write'),
        body: extractRequest,
        response: { 202: extractStatus, ...problemResponses([400, 409]) },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        dataset: ExtractDataset;
        filters?: Record<string, unknown>;
        format: string;
      };
      const row = await enqueueJob(deps.database, deps.jobs.broker, request.viewer, {
        kind: 'extract',
        dataset: body.dataset,
        params: { dataset: body.dataset, format: body.format, filters: body.filters ?? {} },
      });
      const record = present(row);
      return reply.code(202).header('location', `/v1/extracts/${row.id}`).send(record);
    },
  );

  v1.get(
    '/extracts',
    {
      config: { scope: statusScopes },
      schema: {
        tags: ['Extracts'],
        operationId: 'listExtracts',
        summary: 'List extracts',
        description:
          'The tenant’s extracts, oldest first; with only a dataset’s read scope, the extracts of the datasets the caller may read.',
        security: v1Security(statusScopes),
        querystring: jobListQuery({ dataset: z.enum(extractDatasetNames).optional() }),
        response: { 200: jobPageSchema(extractStatus, 'ExtractPage'), ...problemResponses([400]) },
      },
    },
    async (request, reply) => {
      const query = request.query as { dataset?: ExtractDataset };
      const viewer = request.viewer;
      const readable = viewer.scopes.has('extracts:write')
        ? undefined
        : extractDatasetNames.filter((dataset) => viewer.scopes.has(readScopeOf(dataset)));
      if (readable && query.dataset && !readable.includes(query.dataset)) {
        requireScope(viewer, readScopeOf(query.dataset));
      }
      return sendJobPage(request, reply, deps, 'extract', present, {
        datasets: readable,
        dataset: query.dataset,
      });
    },
  );

  v1.get(
    '/extracts/:id',
    {
      config: { scope: statusScopes },
      schema: {
        tags: ['Extracts'],
        operationId: 'getExtract',
        summary: 'An extract’s status',
        description:
          'queued; running with rows so far and percent; succeeded with the watermark, row count, size, checksum and download link; failed with a problem.',
        security: v1Security(statusScopes),
        params: idParameter,
        response: { 200: extractStatus, ...problemResponses([404]) },
      },
    },
    async (request) =>
      present(await visibleExtract(request, (request.params as { id: string }).id, 'status')),
  );

  v1.get(
    '/extracts/:id/download',
    {
      config: { scope: anyDatasetRead },
      schema: {
        tags: ['Extracts'],
        operationId: 'downloadExtract',
        summary: 'Download an extract’s file',
        description:
          'The file: application/x-ndjson (first line: the watermark) or text/csv (a header row). Resumable with Range (206); the ETag is the checksum, for If-Range. 409 until the extract has succeeded, 410 once it expired. Needs the dataset’s read scope.',
        security: v1Security(anyDatasetRead),
        params: idParameter,
        response: {
          200: z.string().describe('The whole file.'),
          206: z.string().describe('The range asked for.'),
          ...problemResponses([404, 409, 410, 416]),
        },
      },
    },
    async (request, reply) => {
      const row = await visibleExtract(request, (request.params as { id: string }).id, 'file');
      const params = row.params as unknown as ExtractParams;
      const result = (row.result ?? {}) as unknown as ExtractResult;
      const expired = row.status === 'expired' || (row.expires_at !== null && row.expires_at <= new Date());
      if (expired) throw new GoneError(`Extract ${row.id} expired at ${row.expires_at?.toISOString()}`);
      if (row.status !== 'succeeded' || result.size === undefined || result.checksum === undefined) {
        throw new ConflictError(`Extract ${row.id} is ${row.status}: it has no file to download`);
      }
      return sendExtractFile(request, reply, {
        id: row.id,
        store: deps.jobs.store,
        size: result.size,
        checksum: result.checksum,
        contentType: extractContentTypes[params.format],
        filename: `${params.dataset}-${row.id}.${params.format}`,
        eventSequence: result.snapshot?.event_sequence ?? '0',
      });
    },
  );
}
