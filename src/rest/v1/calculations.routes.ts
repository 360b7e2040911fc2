import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { portfolioResource } from '../../domain/portfolios/portfolio.resource.js';
import { getResource } from '../../domain/resources/resources.service.js';
import { type CalculationParams, calculationRecord } from '../../jobs/calculations/calculation-record.js';
import type { JobDeps } from '../../jobs/job-deps.js';
import { findJob, type JobRow } from '../../jobs/jobs.repository.js';
import { enqueueJob } from '../../jobs/jobs.service.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { jobListQuery, jobPageSchema, sendJobPage } from './job-routes.js';
import { calculationStatus } from './job-schemas.js';
import { problemResponses, v1Security } from './v1-openapi.js';
import { idParameter } from './v1-schemas.js';

// Asynchronous calculations (seed 004's eventually consistent operations): a valuation or a
// performance calculation answers 202 with its status URL, runs on a worker, and ends with
// calculation.completed (the whole result in the event) or calculation.failed (the problem).
// performance:write starts one, performance:read reads it.

const day = (what: string) => z.iso.date({ error: 'must be a date, YYYY-MM-DD' }).describe(what);

const valuationRequest = z
  .strictObject({ as_of: day('The day to value the portfolio on, at the prices valid that day.') })
  .meta({ id: 'ValuationRequest' });

const performanceRequest = z
  .strictObject({
    from: day('The first day: the period starts at its valuation.'),
    to: day('The last day: the period ends at its valuation.'),
    method: z
      .enum(['twr'], { error: 'must be twr' })
      .default('twr')
      .describe('twr: time-weighted return, chained over the days with external flows.'),
  })
  .meta({ id: 'PerformanceCalculationRequest' });

const portfolioParameter = z.object({
  id: z.string().meta({ format: 'uuid' }).describe('The portfolio’s id.'),
});

export function registerCalculationRoutes(
  v1: FastifyInstance,
  deps: { database: Database; secrets: ServerSecrets; jobs: JobDeps },
): void {
  const write: Scope = 'performance:write';
  const read: Scope = 'performance:read';
  const present = (row: JobRow) => calculationRecord(row, deps.jobs.publicUrl);

  const start = (type: CalculationParams['type'], path: string, operationId: string, summary: string) =>
    v1.post(
      `/portfolios/:id/${path}`,
      {
        config: { scope: write },
        schema: {
          tags: ['Calculations'],
          operationId,
          summary,
          description:
            'Answers 202 with the calculation’s status resource (Location); calculation.completed or calculation.failed follows by webhook and subscription, carrying the result or the problem.',
          security: v1Security(write),
          params: portfolioParameter,
          body: type === 'valuation' ? valuationRequest : performanceRequest,
          response: { 202: calculationStatus, ...problemResponses([400, 404]) },
        },
      },
      async (request, reply) => {
        const portfolioId = (request.params as { id: string }).id;
        const body = request.body as Record<string, string>;
        if (type === 'performance' && body.from && body.to && body.from >= body.to) {
          throw new ValidationError('to', 'must be after from');
        }
        // Another tenant's portfolio, or none: 404 now rather than a failed job later.
        await getResource(deps.database.db, portfolioResource, request.viewer, portfolioId);
        const params = { type, portfolio_id: portfolioId, ...body } as CalculationParams;
        const row = await enqueueJob(deps.database, deps.jobs.broker, request.viewer, {
          kind: 'calculation',
          dataset: type,
          subjectId: portfolioId,
          params,
        });
        return reply.code(202).header('location', `/v1/calculations/${row.id}`).send(present(row));
      },
    );
  start('valuation', 'valuations', 'createValuation', 'Value a portfolio on a day');
  start(
    'performance',
    'performance-calculations',
    'createPerformanceCalculation',
    'Calculate a portfolio’s return',
  );

  v1.get(
    '/calculations',
    {
      config: { scope: read },
      schema: {
        tags: ['Calculations'],
        operationId: 'listCalculations',
        summary: 'List calculations',
        description: 'The tenant’s valuations and performance calculations, oldest first.',
        security: v1Security(read),
        querystring: jobListQuery({
          portfolio_id: z.uuid({ error: 'must be a UUID' }).optional().describe('Only this portfolio’s.'),
          type: z
            .enum(['valuation', 'performance'], { error: 'must be valuation or performance' })
            .optional()
            .describe('Only valuations, or only performance calculations.'),
        }),
        response: { 200: jobPageSchema(calculationStatus, 'CalculationPage'), ...problemResponses([400]) },
      },
    },
    async (request, reply) => {
      const query = request.query as { portfolio_id?: string; type?: string };
      return sendJobPage(request, reply, deps, 'calculation', present, {
        subjectId: query.portfolio_id,
        dataset: query.type,
      });
    },
  );

  v1.get(
    '/calculations/:id',
    {
      config: { scope: read },
      schema: {
        tags: ['Calculations'],
        operationId: 'getCalculation',
        summary: 'A calculation’s status and result',
        security: v1Security(read),
        params: idParameter,
        response: { 200: calculationStatus, ...problemResponses([404]) },
      },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      const row = await findJob(deps.database.db, request.viewer, 'calculation', id);
      if (!row) throw new NotFoundError('calculation', id);
      return present(row);
    },
  );
}
