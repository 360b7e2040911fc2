import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { tokensFor } from '../../http/rate-limit.js';
import { defaultLimit } from './pagination.js';

/**
 * What a v1 request draws from its tenant's rate-limit budget: a list — a route whose query takes
 * `limit` — one token per 100 rows it may return, ⌈limit / 100⌉ (1 at the default 100, 10 at the
 * most, 1000); any other request 1. It is priced before validation, from the raw query read by the
 * route's own `limit` schema, so a value validation refuses costs 1 and one it accepts (`1e3`)
 * costs what it returns.
 */
export function v1RequestCost(request: FastifyRequest): number {
  const query = request.routeOptions.schema?.querystring;
  if (!(query instanceof z.ZodObject)) return 1;
  const limit = query.shape.limit;
  if (!(limit instanceof z.ZodType)) return 1;
  const parsed = limit.safeParse((request.query as Record<string, unknown> | undefined)?.limit);
  if (!parsed.success) return 1;
  return tokensFor(typeof parsed.data === 'number' ? parsed.data : defaultLimit);
}
