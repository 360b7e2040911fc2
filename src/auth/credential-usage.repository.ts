import { sql } from 'kysely';
import { visibleTo } from '../domain/visibility.js';
import type { ReadDb, TenantScope } from '../domain/write.js';
import type { Viewer } from './viewer.js';

/** What one instance counted for one credential on one UTC day since its last flush. */
export interface UsageCount {
  tenantId: string;
  whiteLabelId: string | null;
  credentialId: string;
  credentialKind: Viewer['credential']['kind'];
  /** YYYY-MM-DD, UTC. */
  day: string;
  requests: number;
  refused: number;
}

const rowsPerStatement = 1_000;

/**
 * Adds counts to the stored sums, one statement per thousand credential-days. Rows are written in
 * key order, so instances flushing at once lock them in the same order. Counts of a tenant or
 * white label deleted meanwhile are dropped rather than failing the rest.
 */
export async function addCredentialUsage(db: ReadDb, counts: readonly UsageCount[]): Promise<void> {
  const sorted = [...counts].sort((a, b) =>
    `${a.tenantId} ${a.credentialId} ${a.day}`.localeCompare(`${b.tenantId} ${b.credentialId} ${b.day}`),
  );
  for (let start = 0; start < sorted.length; start += rowsPerStatement) {
    const values = sorted
      .slice(start, start + rowsPerStatement)
      .map(
        (c) =>
          sql`(${c.tenantId}::uuid, ${c.whiteLabelId}::uuid, ${c.credentialId}, ${c.credentialKind}, ${c.day}::date, ${c.requests}::bigint, ${c.refused}::bigint)`,
      );
    await sql`
      insert into credential_usage
        (tenant_id, white_label_id, credential_id, credential_kind, day, requests, refused)
      select counted.* from (values ${sql.join(values)})
        as counted(tenant_id, white_label_id, credential_id, credential_kind, day, requests, refused)
      where exists (select from tenants where tenants.id = counted.tenant_id)
        and (counted.white_label_id is null
          or exists (select from white_labels where white_labels.id = counted.white_label_id))
      on conflict (tenant_id, credential_id, day) do update
        set requests = credential_usage.requests + excluded.requests,
            refused = credential_usage.refused + excluded.refused`.execute(db);
  }
}

export interface UsageFilter {
  /** First and last day, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  credentialId?: string;
}

/**
 * Requests per credential per day, with what identifies each credential now (public id, name,
 * quota). A caller bound to a white label sees only the credentials of that white label.
 */
export async function listCredentialUsage(db: ReadDb, scope: TenantScope, filter: UsageFilter) {
  let query = visibleTo(db.selectFrom('credential_usage'), scope, 'credential_usage', { whiteLabel: true })
    .leftJoin('api_keys', (join) =>
      join
        .onRef('api_keys.tenant_id', '=', 'credential_usage.tenant_id')
        .on('credential_usage.credential_kind', '=', 'api_key')
        .on((eb) => eb(eb.cast('api_keys.id', 'text'), '=', eb.ref('credential_usage.credential_id'))),
    )
    .leftJoin('oauth_clients', (join) =>
      join
        .onRef('oauth_clients.tenant_id', '=', 'credential_usage.tenant_id')
        .on('credential_usage.credential_kind', '=', 'oauth_client')
        .onRef('oauth_clients.client_id', '=', 'credential_usage.credential_id'),
    )
    .select((eb) => [
      'credential_usage.credential_id',
      'credential_usage.credential_kind',
      'credential_usage.day',
      'credential_usage.requests',
      'credential_usage.refused',
      eb.fn.coalesce('api_keys.public_id', 'oauth_clients.client_id').as('public_id'),
      eb.fn.coalesce('api_keys.name', 'oauth_clients.name').as('name'),
      eb.fn.coalesce('api_keys.daily_quota', 'oauth_clients.daily_quota').as('daily_quota'),
    ])
    .where('credential_usage.day', '>=', filter.from)
    .where('credential_usage.day', '<=', filter.to)
    .orderBy('credential_usage.day')
    .orderBy('credential_usage.credential_id');
  if (filter.credentialId !== undefined) {
    query = query.where('credential_usage.credential_id', '=', filter.credentialId);
  }
  return query.execute();
}
