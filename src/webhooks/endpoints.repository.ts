import { visibleTo } from '../domain/visibility.js';
import type { ReadDb, TenantScope, WriteTx } from '../domain/write.js';

// Webhook endpoints and their secrets, as a caller manages them: its tenant, its white label when
// its credential has one, never a deleted endpoint. Changes take the write path's WriteTx.

export const endpointColumns = [
  'webhook_endpoints.id',
  'webhook_endpoints.tenant_id',
  'webhook_endpoints.white_label_id',
  'webhook_endpoints.name',
  'webhook_endpoints.description',
  'webhook_endpoints.url',
  'webhook_endpoints.event_types',
  'webhook_endpoints.content_type',
  'webhook_endpoints.headers',
  'webhook_endpoints.enabled',
  'webhook_endpoints.signatures',
  'webhook_endpoints.strict_ordering',
  'webhook_endpoints.disabled_reason',
  'webhook_endpoints.failing_since',
  'webhook_endpoints.external_reference',
  'webhook_endpoints.created_at',
  'webhook_endpoints.updated_at',
] as const;

/** The columns a write may set. */
export interface EndpointValues {
  name: string;
  description: string | null;
  url: string;
  event_types: string[];
  content_type: string;
  headers: Record<string, string>;
  enabled: boolean;
  signatures: string;
  strict_ordering: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  external_reference: string | null;
}

function visibleEndpoints(db: ReadDb, scope: TenantScope) {
  return visibleTo(db.selectFrom('webhook_endpoints'), scope, 'webhook_endpoints', {
    whiteLabel: true,
  }).where('webhook_endpoints.deleted_at', 'is', null);
}

export async function listEndpoints(db: ReadDb, scope: TenantScope, page: { after?: string; limit: number }) {
  let query = visibleEndpoints(db, scope)
    .select(endpointColumns)
    .orderBy('webhook_endpoints.id')
    .limit(page.limit);
  if (page.after) query = query.where('webhook_endpoints.id', '>', page.after);
  return query.execute();
}

export async function findEndpoint(db: ReadDb, scope: TenantScope, id: string) {
  return visibleEndpoints(db, scope)
    .select(endpointColumns)
    .where('webhook_endpoints.id', '=', id)
    .executeTakeFirst();
}

export type EndpointRow = NonNullable<Awaited<ReturnType<typeof findEndpoint>>>;

/** The endpoint, locked until the write's transaction ends (a concurrent change waits). */
export async function lockEndpoint(tx: WriteTx, scope: TenantScope, id: string) {
  return visibleEndpoints(tx, scope)
    .select(endpointColumns)
    .where('webhook_endpoints.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** JSON columns are sent as JSON text (node-postgres would send an object's array as a Postgres array). */
function stored<V extends Partial<EndpointValues>>(values: V): Omit<V, 'headers'> & { headers?: string } {
  const { headers, ...rest } = values;
  return headers === undefined ? rest : { ...rest, headers: JSON.stringify(headers) };
}

export async function insertEndpoint(
  tx: WriteTx,
  scope: TenantScope,
  values: EndpointValues,
): Promise<EndpointRow> {
  return tx
    .insertInto('webhook_endpoints')
    .values({ tenant_id: scope.tenantId, white_label_id: scope.whiteLabelId, ...stored(values) })
    .returning(endpointColumns)
    .executeTakeFirstOrThrow();
}

export async function updateEndpoint(
  tx: WriteTx,
  scope: TenantScope,
  id: string,
  changes: Partial<EndpointValues>,
): Promise<EndpointRow> {
  return visibleTo(tx.updateTable('webhook_endpoints').set(stored(changes)), scope, 'webhook_endpoints', {
    whiteLabel: true,
  })
    .where('webhook_endpoints.id', '=', id)
    .where('webhook_endpoints.deleted_at', 'is', null)
    .returning(endpointColumns)
    .executeTakeFirstOrThrow();
}

export async function softDeleteEndpoint(tx: WriteTx, scope: TenantScope, id: string) {
  return visibleTo(
    tx.updateTable('webhook_endpoints').set({ deleted_at: new Date() }),
    scope,
    'webhook_endpoints',
    { whiteLabel: true },
  )
    .where('webhook_endpoints.id', '=', id)
    .where('webhook_endpoints.deleted_at', 'is', null)
    .returning(endpointColumns)
    .executeTakeFirst();
}

export async function insertSecret(
  tx: WriteTx,
  endpoint: { tenant_id: string; id: string },
  sealed: { secret: string; encryption: string },
): Promise<void> {
  await tx
    .insertInto('webhook_secrets')
    .values({ tenant_id: endpoint.tenant_id, endpoint_id: endpoint.id, ...sealed })
    .execute();
}

/** Every secret of the endpoint stops signing at `until`, unless it was to stop sooner. */
export async function expireSecrets(
  tx: WriteTx,
  endpoint: { tenant_id: string; id: string },
  until: Date,
): Promise<void> {
  await tx
    .updateTable('webhook_secrets')
    .set({ expires_at: until })
    .where('tenant_id', '=', endpoint.tenant_id)
    .where('endpoint_id', '=', endpoint.id)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', until)]))
    .execute();
}
