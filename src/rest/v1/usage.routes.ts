import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listCredentialUsage } from '../../auth/credential-usage.repository.js';
import type { Scope } from '../../auth/scopes.js';
import type { DailyQuota } from '../../http/daily-quota.js';
import { utcDay } from '../../http/usage-recorder.js';
import type { Database } from '../../platform/database.js';
import { queryParameterError } from '../route-validation.js';
import { named } from '../schema-names.js';
import { problemResponses, v1Security } from './v1-openapi.js';

// GET /v1/usage: requests per credential per UTC day, for the portal to show next to each
// credential's quota. Scope keys:manage, like the credentials themselves.

const dayMs = 24 * 60 * 60 * 1000;
/** The default reading: the last 30 days, today included. */
const defaultDays = 30;
/** The longest reading one request may ask for. */
const maxDays = 366;

const usageDay = named(
  z.object({
    credential_id: z
      .string()
      .describe('The API key’s id, or the OAuth client’s client_id: what usage is kept by.'),
    credential_kind: z.enum(['api_key', 'oauth_client']),
    public_id: z
      .string()
      .nullable()
      .describe('The API key’s public id, or the client_id (null if the credential is gone).'),
    name: z.string().nullable(),
    day: z.iso.date().describe('The UTC day.'),
    requests: z
      .int()
      .describe('Authenticated requests (GraphQL operations over WebSocket included) the quota admitted.'),
    refused: z.int().describe('Requests refused because the daily quota was spent.'),
    daily_quota: z.int().nullable().describe('The credential’s quota now; null: none.'),
  }),
  'CredentialUsage',
  'What one credential asked for on one UTC day.',
);

const usageList = named(
  z.object({ data: z.array(usageDay) }),
  'CredentialUsageList',
  'Every credential-day with requests in the range, by day then credential.',
);

const usageQuery = z.strictObject({
  from: z.iso
    .date({ error: 'must be a date, YYYY-MM-DD' })
    .optional()
    .describe(`The first day (UTC), included; ${defaultDays} days before \`to\` when absent.`),
  to: z.iso
    .date({ error: 'must be a date, YYYY-MM-DD' })
    .optional()
    .describe('The last day (UTC), included; today when absent.'),
  credential_id: z
    .string()
    .min(1, 'must not be empty')
    .optional()
    .describe('One credential: an API key’s id or an OAuth client’s client_id.'),
});

/** `from` and `to` as given, or their defaults; refused when they do not make a range. */
function readRange(query: z.infer<typeof usageQuery>, now: number): { from: string; to: string } {
  const to = query.to ?? utcDay(now);
  const from = query.from ?? utcDay(Date.parse(to) - (defaultDays - 1) * dayMs);
  const days = (Date.parse(to) - Date.parse(from)) / dayMs + 1;
  if (days < 1) throw queryParameterError('from', 'must not be after to');
  if (days > maxDays) throw queryParameterError('from', `must be at most ${maxDays} days before to`);
  return { from, to };
}

export function registerUsageRoutes(
  v1: FastifyInstance,
  deps: { database: Database; dailyQuota: DailyQuota },
): void {
  const scope: Scope = 'keys:manage';
  v1.get(
    '/usage',
    {
      config: { scope },
      schema: {
        tags: ['Usage'],
        operationId: 'getUsage',
        summary: 'Requests per credential per day',
        description:
          'Authenticated requests per credential (API key or OAuth client) per UTC day, with each credential’s daily quota. A credential bound to a white label sees only that white label’s credentials. An instance adds its counts every few seconds (and before answering this), so with several instances the current day may trail by that much.',
        security: v1Security(scope),
        querystring: usageQuery,
        response: { 200: usageList, ...problemResponses([400]) },
      },
    },
    async (request) => {
      const query = request.query as z.infer<typeof usageQuery>;
      const range = readRange(query, Date.now());
      // This instance's counts so far, this request included, are stored before the reading.
      await deps.dailyQuota.usage.flush();
      const rows = await listCredentialUsage(deps.database.db, request.viewer, {
        ...range,
        ...(query.credential_id !== undefined ? { credentialId: query.credential_id } : {}),
      });
      return {
        data: rows.map((row) => ({
          credential_id: row.credential_id,
          credential_kind: row.credential_kind as 'api_key' | 'oauth_client',
          public_id: row.public_id,
          name: row.name,
          day: row.day,
          requests: Number(row.requests),
          refused: Number(row.refused),
          daily_quota: row.daily_quota,
        })),
      };
    },
  );
}
