// The rules every described resource follows: reads narrowed to the caller, writes validated by the
// description, references checked to be the caller's own (and the same client's), one transaction
// per write with its event, soft deletes. Surfaces call these; none of them touches SQL.
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import type { EventType } from '../../events/event-catalog.js';
import { ConflictError, type Issue, isUuid, NotFoundError, ValidationError } from '../errors.js';
import { type Page, type PageRequest, pageOf } from '../pagination.js';
import { kebab, type ResourceDescription, resourceNamed } from '../resource.js';
import { type Emit, type TenantScope, type WriteTx, write } from '../write.js';
import { domainErrorFor } from './database-errors.js';
import { readInput } from './resource-input.js';
import { publicRecord } from './resource-record.js';
import {
  countChildRows,
  countRows,
  type FilterValues,
  findByIds,
  hasWhiteLabel,
  holdReferences,
  type Include,
  insertRow,
  type ListOptions,
  listChildRows,
  listRows,
  liveReferrer,
  lockByNaturalKey,
  lockRow,
  type ReadShape,
  type Row,
  referencesIn,
  softDeleteRow,
  updateRow,
} from './resources.repository.js';

export { relatedRowOf } from './resources.repository.js';
export type { FilterValues, Include, ListOptions, ReadShape, Row };

const label = (resource: ResourceDescription) => resource.name.replaceAll('_', ' ');

export async function getResource(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
  shape: ReadShape = {},
): Promise<Row> {
  const [row] = await loadResources(db, resource, scope, [id], shape);
  if (!row) throw new NotFoundError(label(resource), id);
  return row;
}

/** Rows by id, for batch loaders: missing, deleted and other tenants' ids are simply absent. */
export async function loadResources(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  ids: readonly string[],
  shape: ReadShape = {},
): Promise<Row[]> {
  return findByIds(db, resource, scope, ids.filter(isUuid), shape);
}

/**
 * The same window of a to-many relation for many parents at once (one statement), and a counter:
 * with `withTotals` the counts come in that statement, else one more statement counts every
 * parent's rows if a count is asked for after all.
 */
export async function listChildResources(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  column: string,
  parentIds: readonly string[],
  filters: FilterValues,
  page: PageRequest,
  shape: ReadShape & { withTotals?: boolean } = {},
): Promise<{ pages: Map<string, Page<Row>>; count: (parentId: string) => Promise<number> }> {
  const { rows, totals } = await listChildRows(db, resource, scope, column, parentIds, filters, page, shape);
  const byParent = new Map<string, Row[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(row[column] as string)?.push(row);
  const pages = new Map([...byParent].map(([id, own]) => [id, pageOf(own, page)]));
  let counts: Promise<Map<string, number>> | undefined = totals && Promise.resolve(totals);
  const count = async (parentId: string) => {
    counts ??= countChildRows(db, resource, scope, column, parentIds, filters);
    return (await counts).get(parentId) ?? 0;
  };
  return { pages, count };
}

export async function listResources(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
  page: PageRequest,
  options: ListOptions = {},
): Promise<Page<Row>> {
  return pageOf(await listRows(db, resource, scope, filters, page, options), page);
}

export async function countResources(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
): Promise<number> {
  return countRows(db, resource, scope, filters);
}

/** Inside the write: its references are held until it commits, and still live (see checkReferences). */
async function holdReferenced(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  values: Record<string, unknown>,
): Promise<void> {
  const gone = await holdReferences(tx, resource, scope, values);
  if (gone.length > 0) {
    throw ValidationError.of(
      gone.map((column) => ({ field: column, message: 'was deleted while this write ran' })),
    );
  }
}

/**
 * Every reference a write names must be a live row the caller can see, and a client-owned row's
 * references must all belong to one client: the one it is created for. Returns that client (for a
 * new row; an update keeps the client it has).
 */
async function checkReferences(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  values: Record<string, unknown>,
  current?: Row,
): Promise<Row | undefined> {
  const issues: Issue[] = [];
  let clientId = (current?.client_id as string | undefined) ?? undefined;
  let clientField = 'client_id';
  let client: Row | undefined;
  for (const { column, id, target } of referencesIn(resource, values)) {
    const [row] = await findByIds(db, target, scope, [id]);
    if (!row) {
      issues.push({ field: column, message: `no ${label(target)} with this id` });
      continue;
    }
    if (resource.owner !== 'client') continue;
    if (target.name === 'client') client = row;
    const owner = target.name === 'client' ? row.id : (row.client_id as string | undefined);
    if (!owner) continue;
    if (clientId === undefined) {
      clientId = owner;
      clientField = column;
    } else if (owner !== clientId) {
      issues.push({ field: column, message: `belongs to another client than ${clientField}` });
    }
  }
  if (issues.length > 0) throw ValidationError.of(issues);
  if (resource.owner !== 'client' || current) return undefined;
  if (!clientId) throw new ValidationError('client_id', 'is required');
  if (client) return client;
  const [owner] = await findByIds(db, resourceNamed('client'), scope, [clientId]);
  if (!owner) throw new ValidationError('client_id', 'no client with this id');
  return owner;
}

function eventType(resource: ResourceDescription, change: 'created' | 'updated' | 'deleted'): EventType {
  return `${kebab(resource.name)}.${change}` as EventType;
}

/** The moments a write reached: each column now at its value that was not before (none before: a creation). */
function momentsReached(resource: ResourceDescription, before: Row | undefined, after: Row): EventType[] {
  return Object.entries(resource.moments)
    .filter(([, { column, value }]) => after[column] === value && before?.[column] !== value)
    .map(([moment]) => `${kebab(resource.name)}.${moment}` as EventType);
}

/** A creation's events: created, and any moment the new row is at already. */
function emitCreated(emit: Emit, resource: ResourceDescription, created: Row): void {
  const data = publicRecord(resource, created);
  emit({ type: eventType(resource, 'created'), resourceId: created.id, data });
  for (const type of momentsReached(resource, undefined, created))
    emit({ type, resourceId: created.id, data });
}

/** An update's events: updated with the fields that changed, and any moment it reached. */
function emitUpdated(
  emit: Emit,
  resource: ResourceDescription,
  before: Row,
  after: Row,
  change: { now: Record<string, unknown>; changed: string[] },
): void {
  const event = { resourceId: after.id, data: change.now, changedFields: change.changed };
  emit({ type: eventType(resource, 'updated'), ...event });
  for (const type of momentsReached(resource, before, after)) emit({ type, ...event });
}

/** The white label a row belongs to: its client's, the caller's for a new client, none for reference data. */
function rowScope(resource: ResourceDescription, scope: TenantScope, row: Row): TenantScope {
  const whiteLabelId = hasWhiteLabel(resource) ? ((row.white_label_id as string | null) ?? null) : null;
  return { tenantId: scope.tenantId, whiteLabelId };
}

/** A new row's values: what was written, with its tenant, client and white label. */
function newRow(
  resource: ResourceDescription,
  scope: TenantScope,
  values: Record<string, unknown>,
  client: Row | undefined,
): Record<string, unknown> {
  const row: Record<string, unknown> = { ...values, tenant_id: scope.tenantId };
  if (client) {
    row.client_id = client.id;
    row.white_label_id = client.white_label_id ?? null;
  } else if (resource.table === 'clients') {
    row.white_label_id = scope.whiteLabelId;
  }
  return row;
}

export async function createResource(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  input: Record<string, unknown>,
): Promise<Row> {
  const values = readInput(resource, input, 'create');
  const client = await checkReferences(db, resource, scope, values);
  const row = newRow(resource, scope, values, client);
  try {
    return await write(db, rowScope(resource, scope, row as Row), async (tx, emit) => {
      await holdReferenced(tx, resource, scope, values);
      const created = await insertRow(tx, resource, row);
      emitCreated(emit, resource, created);
      return created;
    });
  } catch (error) {
    throw domainErrorFor(resource, error);
  }
}

/** The written columns whose public value differs after the write, and the record it left. */
function changesOf(resource: ResourceDescription, before: Row, after: Row, values: Record<string, unknown>) {
  const was = publicRecord(resource, before);
  const now = publicRecord(resource, after);
  const changed = Object.keys(values).filter(
    (column) => JSON.stringify(was[column]) !== JSON.stringify(now[column]),
  );
  return { now, changed };
}

/** Rolls a write back when it changed nothing: no event, no new updated_at. */
class Unchanged {
  constructor(readonly row: Row) {}
}

/**
 * A condition on the row as it is when the write takes it (locked, inside the write's transaction):
 * it throws to refuse the write, which then changes nothing. v1's If-Match is one.
 */
export type Precondition = (current: Row) => void;

export async function updateResource(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
  input: Record<string, unknown>,
  precondition?: Precondition,
): Promise<Row> {
  const values = readInput(resource, input, 'update');
  const current = await getResource(db, resource, scope, id);
  if (Object.keys(values).length === 0) {
    precondition?.(current);
    return current;
  }
  await checkReferences(db, resource, scope, values, current);
  try {
    return await write(db, rowScope(resource, scope, current), async (tx, emit) => {
      const before = await lockRow(tx, resource, scope, id);
      if (before) precondition?.(before);
      if (before) await holdReferenced(tx, resource, scope, values);
      const after = before && (await updateRow(tx, resource, scope, id, values));
      if (!before || !after) throw new NotFoundError(label(resource), id);
      const change = changesOf(resource, before, after, values);
      if (change.changed.length === 0) throw new Unchanged(before);
      emitUpdated(emit, resource, before, after, change);
      return after;
    });
  } catch (error) {
    if (error instanceof Unchanged) return error.row;
    throw domainErrorFor(resource, error);
  }
}

/**
 * Creates the row of a natural key (see the description's `naturalKey`), or changes the live row
 * that has it to what was written: a retried upload leaves one row, whose update event (if the
 * retry changed anything) says which fields moved. Returns the row and whether it is new.
 */
export async function upsertResource(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  input: Record<string, unknown>,
): Promise<{ row: Row; created: boolean }> {
  const naturalKey = resource.naturalKey;
  if (!naturalKey) throw new Error(`${resource.name} has no natural key to upsert on`);
  const values = readInput(resource, input, 'create');
  const client = await checkReferences(db, resource, scope, values);
  const row = newRow(resource, scope, values, client);
  const key = Object.fromEntries(naturalKey.map((column) => [column, values[column]]));
  const changes = Object.fromEntries(
    Object.entries(values).filter(([column]) => resource.fields[column]?.write === 'always'),
  );
  try {
    return await write(db, rowScope(resource, scope, row as Row), async (tx, emit) => {
      await holdReferenced(tx, resource, scope, values);
      const before = await lockByNaturalKey(tx, resource, scope, key);
      if (!before) {
        const created = await insertRow(tx, resource, row);
        emitCreated(emit, resource, created);
        return { row: created, created: true };
      }
      const after = await updateRow(tx, resource, scope, before.id, changes);
      if (!after) throw new NotFoundError(label(resource), before.id);
      const change = changesOf(resource, before, after, changes);
      if (change.changed.length === 0) throw new Unchanged(before);
      emitUpdated(emit, resource, before, after, change);
      return { row: after, created: false };
    });
  } catch (error) {
    if (error instanceof Unchanged) return { row: error.row, created: false };
    throw domainErrorFor(resource, error);
  }
}

export async function deleteResource(
  db: Kysely<DB>,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
  precondition?: Precondition,
): Promise<Row> {
  const current = await getResource(db, resource, scope, id);
  return write(db, rowScope(resource, scope, current), async (tx, emit) => {
    // A row that live rows still point at stays: deleting it would leave them referring to a row
    // no read returns. Its dependants go first, each with its own event. Locked first, so a write
    // adding a reference to it (which holds it, holdReferenced) has committed before the check.
    const before = await lockRow(tx, resource, scope, id);
    if (!before) throw new NotFoundError(label(resource), id);
    precondition?.(before);
    const referrer = await liveReferrer(tx, resource, scope, id);
    if (referrer) {
      throw new ConflictError(
        `this ${label(resource)} is still referenced by live ${referrer.resource.plural.replaceAll('_', ' ')} (${referrer.column}); delete those first`,
      );
    }
    const deleted = await softDeleteRow(tx, resource, scope, id);
    if (!deleted) throw new NotFoundError(label(resource), id);
    emit({ type: eventType(resource, 'deleted'), resourceId: id, data: publicRecord(resource, deleted) });
    return deleted;
  });
}
