import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pageOf } from '../../domain/pagination.js';
import { type JobKind, type JobRow, listJobs } from '../../jobs/jobs.repository.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { jobStatuses } from './job-schemas.js';
import { listCursors, readPage, sendPage } from './pagination.js';
import { pageParameters, pageSchema } from './v1-schemas.js';

// What extracts and calculations share on v1: the status resource's common fields, and their lists.

/** A job list's query: its status, the kind's own filters, and the page. */
export function jobListQuery(filters: z.ZodRawShape) {
  return z.strictObject({
    status: z
      .enum(jobStatuses, { error: `must be one of ${jobStatuses.join(', ')}` })
      .optional()
      .describe('Only jobs in this state.'),
    ...filters,
    ...pageParameters,
  });
}

export function jobPageSchema(item: z.ZodType, id: string) {
  return pageSchema(item, id, 'One page of the list, oldest first.');
}

/** Sends one page of the caller's jobs of `kind`, each presented as its status resource. */
export async function sendJobPage(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { database: Database; secrets: ServerSecrets },
  kind: JobKind,
  present: (row: JobRow) => Record<string, unknown>,
  filters: {
    dataset?: string | undefined;
    datasets?: readonly string[] | undefined;
    subjectId?: string | undefined;
  },
) {
  const query = request.query as { status?: string; limit?: number; cursor?: string };
  const bound = { status: query.status, dataset: filters.dataset, subject: filters.subjectId };
  const cursors = await listCursors(request, deps.secrets, bound);
  const page = readPage(query, cursors);
  const rows = await listJobs(
    deps.database.db,
    request.viewer,
    kind,
    { limit: page.limit, cursorId: page.cursorId },
    { ...filters, status: query.status },
  );
  return sendPage(request, reply, pageOf(rows, page), cursors, present);
}
