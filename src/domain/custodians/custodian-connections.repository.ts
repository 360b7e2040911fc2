// All SQL of custodian connections: flows, authorities, the snapshots a completed flow stores, and
// the accounts a flow can cover. Every query a caller reaches is narrowed to its tenant and white
// label (visibility.ts); the one exception, finding a flow by its state, says why.
import { type Selectable, type SelectQueryBuilder, sql, type UpdateObject } from 'kysely';
import type { CustodianAuthFlows, CustodianAuthorities, CustodianSnapshots, DB } from '../../../db/types.js';
import type { PageRequest } from '../pagination.js';
import { visibleTo } from '../visibility.js';
import type { ReadDb, TenantScope, WriteTx } from '../write.js';

export const flowColumns = [
  'id',
  'white_label_id',
  'client_id',
  'depository_id',
  'custodian',
  'state',
  'redirect_uri',
  'failure_reason',
  'expires_at',
  'completed_at',
  'authority_id',
  'external_reference',
  'created_at',
  'updated_at',
] as const;

/** A flow as callers see it: never its tenant (theirs) nor its state hash. */
export type CustodianAuthFlow = Pick<Selectable<CustodianAuthFlows>, (typeof flowColumns)[number]>;

/** A flow found by its state, with what the callback needs to settle it. */
export type StatedFlow = CustodianAuthFlow & { tenant_id: string; expired: boolean };

export const authorityColumns = [
  'id',
  'white_label_id',
  'client_id',
  'depository_id',
  'flow_id',
  'custodian',
  'account_ids',
  'valid_until',
  'status',
  'revoked_at',
  'created_at',
  'updated_at',
] as const;

export type CustodianAuthority = Omit<
  Pick<Selectable<CustodianAuthorities>, (typeof authorityColumns)[number]>,
  'account_ids'
> & { account_ids: string[] };

export interface FlowFilters {
  client_id?: string;
  depository_id?: string;
  state?: string;
}

export interface AuthorityFilters {
  client_id?: string;
  depository_id?: string;
  status?: string;
}

const clientOwned = { whiteLabel: true };

type ListedTable = 'custodian_auth_flows' | 'custodian_authorities';

function visibleFlows(db: ReadDb, scope: TenantScope) {
  return visibleTo(db.selectFrom('custodian_auth_flows'), scope, 'custodian_auth_flows', clientOwned);
}

function visibleAuthorities(db: ReadDb, scope: TenantScope) {
  return visibleTo(db.selectFrom('custodian_authorities'), scope, 'custodian_authorities', clientOwned);
}

/** account_ids is a JSON array of account ids (the table's check holds it to an array). */
type AccountIds = { account_ids: string[] };

const expired = sql<boolean>`expires_at <= now()`.as('expired');

export interface NewFlow {
  tenant_id: string;
  white_label_id: string | null;
  client_id: string;
  depository_id: string;
  custodian: string;
  redirect_uri: string;
  state_hash: string;
  external_reference: string | null;
  /** How long the client has to decide at the custodian. */
  lifetimeSeconds: number;
}

export async function insertFlow(tx: WriteTx, flow: NewFlow): Promise<CustodianAuthFlow> {
  const { lifetimeSeconds, ...values } = flow;
  return tx
    .insertInto('custodian_auth_flows')
    .values({ ...values, expires_at: sql<Date>`now() + make_interval(secs => ${lifetimeSeconds})` })
    .returning(flowColumns)
    .executeTakeFirstOrThrow();
}

export async function findFlow(db: ReadDb, scope: TenantScope, id: string) {
  return visibleFlows(db, scope).select(flowColumns).where('id', '=', id).executeTakeFirst();
}

/**
 * One keyset window of a list narrowed by equality filters (undefined ones skipped), one row more
 * than asked for, in the window's direction.
 */
function filteredWindow<Q extends SelectQueryBuilder<DB, ListedTable, object>>(
  query: Q,
  filters: Record<string, string | undefined>,
  page: PageRequest,
): Q {
  const forward = page.direction === 'forward';
  let narrowed = query;
  for (const [column, value] of Object.entries(filters)) {
    if (value !== undefined) narrowed = narrowed.where(sql.ref(column), '=', value) as Q;
  }
  if (page.cursorId !== undefined) narrowed = narrowed.where('id', forward ? '>' : '<', page.cursorId) as Q;
  return narrowed.orderBy('id', forward ? 'asc' : 'desc').limit(page.limit + 1) as Q;
}

export async function listFlows(
  db: ReadDb,
  scope: TenantScope,
  filters: FlowFilters,
  page: PageRequest,
): Promise<CustodianAuthFlow[]> {
  return filteredWindow(visibleFlows(db, scope).select(flowColumns), { ...filters }, page).execute();
}

/**
 * The callback's lookup: the state is the secret that proves the browser came from this flow, so
 * it finds the flow on its own, before any tenant is known (as an API key's public id does).
 */
export async function findFlowByStateHash(db: ReadDb, stateHash: string): Promise<StatedFlow | undefined> {
  return db
    .selectFrom('custodian_auth_flows')
    .select([...flowColumns, 'tenant_id', expired])
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
}

/** Takes a pending flow for the rest of the transaction; undefined once it has been settled. */
export async function lockPendingFlow(tx: WriteTx, scope: TenantScope, id: string) {
  return visibleFlows(tx, scope)
    .select([...flowColumns, expired])
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();
}

/** Settles a flow with `changes` (completed or failed) and returns it. */
function settleFlow(
  tx: WriteTx,
  scope: TenantScope,
  id: string,
  changes: UpdateObject<DB, 'custodian_auth_flows'>,
): Promise<CustodianAuthFlow> {
  return visibleTo(
    tx.updateTable('custodian_auth_flows').set(changes),
    scope,
    'custodian_auth_flows',
    clientOwned,
  )
    .where('id', '=', id)
    .returning(flowColumns)
    .executeTakeFirstOrThrow();
}

export function failFlow(
  tx: WriteTx,
  scope: TenantScope,
  id: string,
  reason: string,
): Promise<CustodianAuthFlow> {
  return settleFlow(tx, scope, id, { state: 'failed', failure_reason: reason });
}

export function completeFlow(
  tx: WriteTx,
  scope: TenantScope,
  id: string,
  authorityId: string,
): Promise<CustodianAuthFlow> {
  return settleFlow(tx, scope, id, {
    state: 'completed',
    authority_id: authorityId,
    completed_at: sql<Date>`now()`,
  });
}

export interface NewAuthority {
  tenant_id: string;
  white_label_id: string | null;
  client_id: string;
  depository_id: string;
  flow_id: string;
  custodian: string;
  account_ids: readonly string[];
  valid_until: Date;
}

export async function insertAuthority(tx: WriteTx, authority: NewAuthority): Promise<CustodianAuthority> {
  return (
    tx
      .insertInto('custodian_authorities')
      // JSON text: node-postgres would send an array as a Postgres array literal.
      .values({ ...authority, account_ids: JSON.stringify(authority.account_ids) })
      .returning(authorityColumns)
      .$narrowType<AccountIds>()
      .executeTakeFirstOrThrow()
  );
}

export async function findAuthority(db: ReadDb, scope: TenantScope, id: string) {
  return visibleAuthorities(db, scope)
    .select(authorityColumns)
    .$narrowType<AccountIds>()
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listAuthorities(
  db: ReadDb,
  scope: TenantScope,
  filters: AuthorityFilters,
  page: PageRequest,
): Promise<CustodianAuthority[]> {
  const query = visibleAuthorities(db, scope).select(authorityColumns).$narrowType<AccountIds>();
  return filteredWindow(query, { ...filters }, page).execute();
}

/** Revokes an active authority; undefined when there is none by that id (or it is revoked already). */
export async function revokeAuthority(
  tx: WriteTx,
  scope: TenantScope,
  id: string,
): Promise<CustodianAuthority | undefined> {
  return visibleTo(
    tx.updateTable('custodian_authorities').set({ status: 'revoked', revoked_at: sql<Date>`now()` }),
    scope,
    'custodian_authorities',
    clientOwned,
  )
    .where('id', '=', id)
    .where('status', '=', 'active')
    .returning(authorityColumns)
    .$narrowType<AccountIds>()
    .executeTakeFirst();
}

/** The client's live accounts at a depository: what an authority there can cover. */
export async function accountsAtDepository(
  db: ReadDb,
  scope: TenantScope,
  clientId: string,
  depositoryId: string,
): Promise<{ id: string; account_number: string | null }[]> {
  return visibleTo(db.selectFrom('accounts'), scope, 'accounts', clientOwned)
    .select(['id', 'account_number'])
    .where('client_id', '=', clientId)
    .where('depository_id', '=', depositoryId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .execute();
}

/**
 * Holds the accounts a completion covers until it commits (a delete of one waits, then finds the
 * snapshot that refers to it); returns those still live.
 */
export async function holdLiveAccounts(
  tx: WriteTx,
  scope: TenantScope,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await visibleTo(tx.selectFrom('accounts'), scope, 'accounts', clientOwned)
    .select('id')
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .forShare()
    .execute();
  return new Set(rows.map((row) => row.id));
}

export interface NewSnapshot {
  tenant_id: string;
  white_label_id: string | null;
  client_id: string;
  depository_id: string;
  account_id: string;
  authority_id: string;
  snapshot_date: string;
  payload: Record<string, unknown>;
}

export async function insertSnapshots(
  tx: WriteTx,
  snapshots: readonly NewSnapshot[],
): Promise<Selectable<CustodianSnapshots>[]> {
  if (snapshots.length === 0) return [];
  return tx
    .insertInto('custodian_snapshots')
    .values(
      snapshots.map((snapshot) => ({
        ...snapshot,
        payload: JSON.stringify(snapshot.payload),
        received_at: sql<Date>`now()`,
      })),
    )
    .returningAll()
    .execute();
}
