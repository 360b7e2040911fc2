// All SQL for described resources. Every function takes the caller's scope and narrows by it
// (visibility.ts); every read leaves soft-deleted rows out unless a delta read asks for them.
import { type Kysely, sql } from 'kysely';
import { isUuid } from '../errors.js';
import type { PageRequest } from '../pagination.js';
import { describedResources, type ResourceDescription, resourceNamed } from '../resource.js';
import { joinedVisibleTo, visibleTo } from '../visibility.js';
import type { ReadDb, TenantScope, WriteTx } from '../write.js';
import { fromTemplate, slot } from './statement-templates.js';

export type Row = Record<string, unknown> & { id: string };

/** Validated filter values by filter name (see the description's `filters`). */
export type FilterValues = Record<string, unknown>;

// The tables are chosen at run time from the description, so the builder is used untyped here and
// only here; descriptions are checked against the generated table types when they are defined.
// biome-ignore lint/suspicious/noExplicitAny: see above.
type Untyped = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: see above.
type AnyQuery = any;

/** Client-owned rows and clients themselves carry a white label; reference data does not. */
export function hasWhiteLabel(resource: ResourceDescription): boolean {
  return resource.owner === 'client' || resource.table === 'clients';
}

function visibleRows(db: ReadDb, resource: ResourceDescription, scope: TenantScope, includeDeleted = false) {
  const table = resource.table;
  let query: AnyQuery = visibleTo((db as unknown as Untyped).selectFrom(table), scope, table, {
    whiteLabel: hasWhiteLabel(resource),
  });
  if (!includeDeleted) query = query.where(`${table}.deleted_at`, 'is', null);
  return query;
}

/** The caller's rows that match the filters: every list and count starts here. */
function matchingRows(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
  includeDeleted = false,
): AnyQuery {
  let narrowed = visibleRows(db, resource, scope, includeDeleted);
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === null) continue;
    const spec = resource.filters[name];
    if (!spec) throw new Error(`${resource.name} has no filter ${name}`);
    const column = `${resource.table}.${spec.column}`;
    if (spec.kind === 'equals') narrowed = narrowed.where(column, '=', value);
    else if (spec.kind === 'from') narrowed = narrowed.where(column, '>=', value);
    else if (spec.kind === 'to') narrowed = narrowed.where(column, '<=', value);
    else if (spec.kind === 'through') {
      const path =
        spec.orId && typeof value === 'string' && isUuid(value) ? spec.path.slice(0, -1) : spec.path;
      narrowed =
        path.length > 0
          ? narrowed.where(column, 'in', throughIds(path, scope, value))
          : narrowed.where(column, '=', value);
    }
  }
  return narrowed;
}

/**
 * The caller's live rows that match the filters, as a query to build on: an extract copies them
 * (src/jobs/extracts/extract-snapshot.ts) with the list routes' own narrowing.
 */
export function matchingRowsQuery(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
): AnyQuery {
  return matchingRows(db, resource, scope, filters);
}

/** `select id from a where tenant = ? and a.x in (select id from b where tenant = ? and b.y = value)`. */
function throughIds(path: readonly { table: string; column: string }[], scope: TenantScope, value: unknown) {
  let inner: unknown = value;
  let operator = '=';
  for (const hop of [...path].reverse()) {
    inner = sql`(select id from ${sql.table(hop.table)} where tenant_id = ${scope.tenantId} and deleted_at is null and ${sql.ref(hop.column)} ${sql.raw(operator)} ${inner})`;
    operator = 'in';
  }
  return inner;
}

/**
 * A to-one relation read along with each row, in the same statement (and its own, nested): the
 * row it references, or none when that row is deleted or not the caller's. Read it back with
 * `relatedRowOf`.
 */
export interface Include {
  /** The reference column on the including row. */
  column: string;
  /** The resource it references. */
  resource: ResourceDescription;
  /** The columns to read of it (its id is always read). */
  columns: readonly string[];
  includes: readonly Include[];
}

/** A read's shape: only these columns of each row (always with its id), relations along. */
export interface ReadShape {
  columns?: readonly string[];
  includes?: readonly Include[];
}

/** Selects what a read needs: the asked-for columns (with those the read itself needs), else all. */
function selectShape(
  query: AnyQuery,
  table: string,
  shape: ReadShape,
  needed: readonly string[] = [],
): AnyQuery {
  if (!shape.columns) return query.selectAll(table);
  return query.select(
    [...new Set(['id', ...needed, ...shape.columns])].map((column) => `${table}.${column}`),
  );
}

// A related row hangs off its owner under a symbol per reference column: no column can collide
// with it and no surface renders it.
const relatedKeys = new Map<string, symbol>();

function relatedKey(column: string): symbol {
  let key = relatedKeys.get(column);
  if (!key) {
    key = Symbol(`related ${column}`);
    relatedKeys.set(column, key);
  }
  return key;
}

/** Reads the row a reference column points at, when an Include read it along. */
export function relatedRowOf(column: string): (row: Row) => Row | undefined {
  const key = relatedKey(column);
  return (row) => (row as unknown as Record<symbol, Row | undefined>)[key];
}

interface Joined {
  /** Index of the joined relation this one hangs off, or -1 for the row itself. */
  parent: number;
  /** Where the related row hangs off its owner. */
  key: symbol;
  idKey: string;
  /** [column, the key it arrives under]. */
  keys: [string, string][];
}

/**
 * Left-joins each included relation (aliases r1, r2 …) under the same tenant, white-label and
 * live-row rules as a read of its own, selecting its columns as `r1__name`; `attach` moves them
 * into related rows.
 */
function withIncludes(
  query: AnyQuery,
  baseAlias: string,
  scope: TenantScope,
  includes: readonly Include[],
): { query: AnyQuery; attach: (rows: Row[]) => void } {
  const joined: Joined[] = [];
  const join = (parentAlias: string, parent: number, list: readonly Include[]) => {
    for (const include of list) {
      const index = joined.length;
      const alias = `r${index + 1}`;
      const table = include.resource.table;
      const keys = [...new Set(['id', ...include.columns])].map((column): [string, string] => [
        column,
        `${alias}__${column}`,
      ]);
      joined.push({
        parent,
        key: relatedKey(include.column),
        idKey: `${alias}__id`,
        keys,
      });
      query = query
        .leftJoin(`${table} as ${alias}`, (on: AnyQuery) =>
          joinedVisibleTo(on.onRef(`${alias}.id`, '=', `${parentAlias}.${include.column}`), scope, alias, {
            whiteLabel: hasWhiteLabel(include.resource),
          }).on(`${alias}.deleted_at`, 'is', null),
        )
        .select(keys.map(([column, key]) => `${alias}.${column} as ${key}`));
      join(alias, index, include.includes);
    }
  };
  join(baseAlias, -1, includes);
  const attach = (rows: Row[]) => {
    if (joined.length === 0) return;
    const built: (Row | undefined)[] = new Array(joined.length);
    for (const row of rows) {
      for (let index = 0; index < joined.length; index++) {
        const { parent, key, idKey, keys } = joined[index] as Joined;
        const owner = parent < 0 ? row : built[parent];
        built[index] = undefined;
        if (!owner || row[idKey] == null) continue;
        const target = { id: row[idKey] } as Row;
        for (const [column, from] of keys) target[column] = row[from];
        built[index] = target;
        (owner as unknown as Record<symbol, Row>)[key] = target;
      }
    }
  };
  return { query, attach };
}

export async function findByIds(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  ids: readonly string[],
  shape: ReadShape = {},
): Promise<Row[]> {
  if (ids.length === 0) return [];
  const values: Record<string, unknown> = { tenant: scope.tenantId, whiteLabel: scope.whiteLabelId };
  ids.forEach((id, index) => {
    values[`id${index}`] = id;
  });
  const key = [
    'find',
    resource.table,
    scope.whiteLabelId ? 'white-label' : '',
    shape.columns?.join(',') ?? '*',
    ids.length,
  ].join(' ');
  const compiled = fromTemplate(
    key,
    () =>
      selectShape(visibleRows(db, resource, slotted(scope)), resource.table, shape).where(
        `${resource.table}.id`,
        'in',
        ids.map((_, index) => slot(`id${index}`)),
      ),
    values,
  );
  return (await (db as unknown as Untyped).executeQuery(compiled)).rows as Row[];
}

/** The caller's scope with slots in place of its values, for building a template. */
function slotted(scope: TenantScope): TenantScope {
  return { tenantId: slot('tenant'), whiteLabelId: scope.whiteLabelId ? slot('whiteLabel') : null };
}

/** How a list is read: deleted rows along (delta reads), and in which order. */
export interface ListOptions extends ReadShape {
  includeDeleted?: boolean;
  /** Only the rows of one parent: a sub-collection (/v1/portfolios/{id}/positions). */
  parent?: { column: string; id: string };
  /** Change order, (updated_at, id), through the (tenant_id, updated_at, id) index; else id order. */
  changeOrder?: boolean;
}

/** One window of a list, one row more than asked for, in the window's direction. */
export async function listRows(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
  page: PageRequest,
  options: ListOptions = {},
): Promise<Row[]> {
  const table = resource.table;
  const direction = page.direction === 'forward' ? 'asc' : 'desc';
  if (options.changeOrder && page.direction !== 'forward')
    throw new Error('Change order is read forward only');
  const build = (
    scope: TenantScope,
    filters: FilterValues,
    page: PageRequest,
    limit: unknown,
    parent?: string,
  ) => {
    let query = matchingRows(db, resource, scope, filters, options.includeDeleted);
    if (options.parent) query = query.where(`${table}.${options.parent.column}`, '=', parent);
    if (options.changeOrder) {
      if (page.cursorId && page.cursorUpdatedAt) {
        query = query.where((eb: AnyQuery) =>
          eb(
            eb.refTuple(`${table}.updated_at`, `${table}.id`),
            '>',
            eb.tuple(page.cursorUpdatedAt, page.cursorId),
          ),
        );
      }
      query = query.orderBy(`${table}.updated_at`, 'asc');
    } else if (page.cursorId) {
      query = query.where(`${table}.id`, direction === 'asc' ? '>' : '<', page.cursorId);
    }
    return selectShape(query, table, options).orderBy(`${table}.id`, direction).limit(limit);
  };
  const includes = options.includes ?? [];
  // A list with related rows, or with a filter whose SQL depends on its value, is built each time.
  const fixedShape =
    includes.length === 0 &&
    Object.keys(filters).every(
      (name) => !(resource.filters[name]?.kind === 'through' && resource.filters[name]?.orId),
    );
  if (!fixedShape) {
    const included = withIncludes(
      build(scope, filters, page, page.limit + 1, options.parent?.id),
      table,
      scope,
      includes,
    );
    const rows: Row[] = await included.query.execute();
    included.attach(rows);
    return rows;
  }
  const present = Object.keys(filters).filter(
    (name) => filters[name] !== undefined && filters[name] !== null,
  );
  const values: Record<string, unknown> = {
    tenant: scope.tenantId,
    whiteLabel: scope.whiteLabelId,
    cursorId: page.cursorId,
    cursorUpdatedAt: page.cursorUpdatedAt,
    limit: page.limit + 1,
    parent: options.parent?.id,
  };
  for (const name of present) values[`filter:${name}`] = filters[name];
  const shape = [
    'list',
    table,
    scope.whiteLabelId ? 'white-label' : '',
    present.join(','),
    options.columns?.join(',') ?? '*',
    options.includeDeleted ? 'with-deleted' : '',
    options.changeOrder ? 'change-order' : '',
    options.parent?.column ?? '',
    page.direction,
    page.cursorId ? 'after' : '',
    page.cursorUpdatedAt ? 'after-change' : '',
  ].join(' ');
  const compiled = fromTemplate(
    shape,
    () =>
      build(
        slotted(scope),
        Object.fromEntries(present.map((name) => [name, slot(`filter:${name}`)])),
        {
          direction: page.direction,
          limit: page.limit,
          ...(page.cursorId ? { cursorId: slot('cursorId') } : {}),
          ...(page.cursorUpdatedAt ? { cursorUpdatedAt: slot('cursorUpdatedAt') } : {}),
        },
        slot('limit'),
        slot('parent'),
      ),
    values,
  );
  return (await (db as unknown as Untyped).executeQuery(compiled)).rows as Row[];
}

export async function countRows(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  filters: FilterValues,
): Promise<number> {
  const { count } = await matchingRows(db, resource, scope, filters)
    .select((eb: AnyQuery) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/**
 * The same window of a child list for many parents in one statement (a nested connection under a
 * list of parents): for each parent, its first `limit + 1` rows in the window's direction through
 * the (tenant, parent, id) index, and with `withTotals` its count of matching rows alongside. Rows
 * come back in the window's direction; `totals` is undefined unless asked for.
 */
export async function listChildRows(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  parentColumn: string,
  parentIds: readonly string[],
  filters: FilterValues,
  page: PageRequest,
  shape: ReadShape & { withTotals?: boolean } = {},
): Promise<{ rows: Row[]; totals: Map<string, number> | undefined }> {
  if (parentIds.length === 0) return { rows: [], totals: shape.withTotals ? new Map() : undefined };
  const table = resource.table;
  const direction = page.direction === 'forward' ? 'asc' : 'desc';
  const untyped = db as unknown as Untyped;
  const ofParent = () =>
    matchingRows(db, resource, scope, filters).whereRef(`${table}.${parentColumn}`, '=', 'parent.id');
  let window = selectShape(ofParent(), table, shape, [parentColumn])
    .orderBy(`${table}.id`, direction)
    .limit(page.limit + 1);
  if (page.cursorId) window = window.where(`${table}.id`, direction === 'asc' ? '>' : '<', page.cursorId);
  const parents = untyped.selectFrom(
    sql`(select unnest(${sql.val(parentIds)}::uuid[]) as id)`.as('parent') as AnyQuery,
  );
  const paged: AnyQuery = shape.withTotals
    ? parents
        .innerJoinLateral(
          ofParent()
            .select((eb: AnyQuery) => eb.fn.countAll().as('portico_total'))
            .as('counted'),
          (join: AnyQuery) => join.onTrue(),
        )
        .leftJoinLateral(window.as('window'), (join: AnyQuery) => join.onTrue())
        .selectAll('window')
        .select(['parent.id as portico_parent', 'counted.portico_total'])
    : parents.innerJoinLateral(window.as('window'), (join: AnyQuery) => join.onTrue()).selectAll('window');
  // Related rows are joined to the windows once they are cut (a materialized CTE, or the planner
  // may join them inside the per-parent loop); their columns come first in each row.
  const included = withIncludes(
    untyped
      .with(
        (cte: AnyQuery) => cte('page').materialized(),
        () => paged,
      )
      .selectFrom('page'),
    'page',
    scope,
    shape.includes ?? [],
  );
  const query = included.query.selectAll('page').orderBy('page.id', direction);
  const all = (await query.execute()) as Row[];
  let rows = all;
  let totals: Map<string, number> | undefined;
  if (shape.withTotals) {
    // A parent without rows in its window still has its row here, with its count and no id.
    totals = new Map();
    for (const row of all) totals.set(row.portico_parent as string, Number(row.portico_total));
    rows = all.filter((row) => row.id != null);
  }
  included.attach(rows);
  return { rows, totals };
}

/** Child counts for many parents in one statement. */
export async function countChildRows(
  db: ReadDb,
  resource: ResourceDescription,
  scope: TenantScope,
  parentColumn: string,
  parentIds: readonly string[],
  filters: FilterValues,
): Promise<Map<string, number>> {
  if (parentIds.length === 0) return new Map();
  const column = `${resource.table}.${parentColumn}`;
  const rows: { parent: string; count: string | number }[] = await matchingRows(db, resource, scope, filters)
    .where(column, 'in', parentIds)
    .select([`${column} as parent`, (eb: AnyQuery) => eb.fn.countAll().as('count')])
    .groupBy(column)
    .execute();
  return new Map(rows.map((row) => [row.parent, Number(row.count)]));
}

/**
 * Values as the driver must receive them: JSON columns as JSON text, since node-postgres sends a
 * JavaScript array as a Postgres array literal (PGlite would take either).
 */
function stored(resource: ResourceDescription, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const [column, value] of Object.entries(values)) {
    if (resource.fields[column]?.type === 'json' && value !== null && value !== undefined) {
      out[column] = JSON.stringify(value);
    }
  }
  return out;
}

export async function insertRow(tx: WriteTx, resource: ResourceDescription, values: Record<string, unknown>) {
  return (tx as unknown as Untyped)
    .insertInto(resource.table)
    .values(stored(resource, values))
    .returningAll()
    .executeTakeFirstOrThrow() as Promise<Row>;
}

export async function updateRow(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
  values: Record<string, unknown>,
): Promise<Row | undefined> {
  const table = resource.table;
  return visibleTo(
    (tx as unknown as Untyped).updateTable(table).set(stored(resource, values)),
    scope,
    table,
    {
      whiteLabel: hasWhiteLabel(resource),
    },
  )
    .where(`${table}.id`, '=', id)
    .where(`${table}.deleted_at`, 'is', null)
    .returningAll()
    .executeTakeFirst() as Promise<Row | undefined>;
}

/** The references a write names: each reference column given an id, with the resource it points at. */
export function referencesIn(
  resource: ResourceDescription,
  values: Record<string, unknown>,
): { column: string; id: string; target: ResourceDescription }[] {
  const references: { column: string; id: string; target: ResourceDescription }[] = [];
  for (const [column, spec] of Object.entries(resource.fields)) {
    const id = values[column];
    if (spec.type !== 'reference' || typeof id !== 'string' || !spec.references) continue;
    references.push({ column, id, target: resourceNamed(spec.references) });
  }
  return references;
}

/** Every (resource, reference column) that can point at a row of this resource. */
function referrersOf(resource: ResourceDescription): { resource: ResourceDescription; column: string }[] {
  return describedResources().flatMap((referrer) =>
    Object.entries(referrer.fields)
      .filter(([, spec]) => spec.type === 'reference' && spec.references === resource.name)
      .map(([column]) => ({ resource: referrer, column })),
  );
}

/**
 * The first kind of live row that still points at this one (any white label of the tenant), in
 * one statement of `exists` checks; undefined when none does.
 */
export async function liveReferrer(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
): Promise<{ resource: ResourceDescription; column: string } | undefined> {
  const referrers = referrersOf(resource);
  if (referrers.length === 0) return undefined;
  const tenantWide: TenantScope = { tenantId: scope.tenantId, whiteLabelId: null };
  const found = await (tx as unknown as Untyped)
    .selectNoFrom((eb: AnyQuery) =>
      referrers.map((referrer, index) =>
        eb
          .exists(
            visibleRows(tx, referrer.resource, tenantWide)
              .select(sql.lit(1).as('one'))
              .where(`${referrer.resource.table}.${referrer.column}`, '=', id),
          )
          .as(`r${index}`),
      ),
    )
    .executeTakeFirstOrThrow();
  return referrers.find((_, index) => found[`r${index}`]);
}

/** Soft delete: the row keeps its id with deleted_at set; deleting it again finds nothing. */
export async function softDeleteRow(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
): Promise<Row | undefined> {
  return updateRow(tx, resource, scope, id, { deleted_at: sql`now()` });
}

/**
 * Holds the live rows a write refers to until it commits (a delete of one waits, then sees the
 * new reference); returns the reference columns whose row is gone meanwhile.
 */
export async function holdReferences(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  values: Record<string, unknown>,
): Promise<string[]> {
  const gone: string[] = [];
  for (const { column, id, target } of referencesIn(resource, values)) {
    const held = await visibleRows(tx, target, { tenantId: scope.tenantId, whiteLabelId: null })
      .select(`${target.table}.id`)
      .where(`${target.table}.id`, '=', id)
      .forShare()
      .executeTakeFirst();
    if (!held) gone.push(column);
  }
  return gone;
}

/** Locks a live row for the rest of the transaction and returns it (updates compare against it). */
export async function lockRow(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  id: string,
): Promise<Row | undefined> {
  return visibleRows(tx, resource, scope)
    .selectAll(resource.table)
    .where(`${resource.table}.id`, '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Takes a natural key for the rest of the transaction (an advisory lock on its value, which holds
 * even while no row has it yet), then locks its live row if there is one: two writes of one key
 * run one after the other, and the second finds what the first created.
 */
export async function lockByNaturalKey(
  tx: WriteTx,
  resource: ResourceDescription,
  scope: TenantScope,
  key: Record<string, unknown>,
): Promise<Row | undefined> {
  const table = resource.table;
  const text = [table, scope.tenantId, ...Object.values(key).map(String)].join('|');
  await sql`select pg_advisory_xact_lock(hashtextextended(${text}, 0))`.execute(tx);
  let query = visibleRows(tx, resource, { tenantId: scope.tenantId, whiteLabelId: null }).selectAll(table);
  for (const [column, value] of Object.entries(key)) query = query.where(`${table}.${column}`, '=', value);
  return query.forUpdate().executeTakeFirst();
}
