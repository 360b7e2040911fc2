// Custodian connections: a client authorises Portico at its custodian, and the custodian's answer
// leaves an authority (which accounts, until when) and the accounts' raw statements. A flow starts
// pending with a URL at the custodian; the custodian's redirect back (the callback) completes or
// fails it, once. Every change is one write with its events.
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import { hashSecret, randomToken } from '../../auth/secrets.js';
import { clientResource } from '../clients/client.resource.js';
import { depositoryResource } from '../depositories/depository.resource.js';
import { ConflictError, type Issue, isUuid, NotFoundError, ValidationError } from '../errors.js';
import { type Page, type PageRequest, pageOf } from '../pagination.js';
import { publicRecord } from '../resources/resource-record.js';
import type { Row } from '../resources/resources.repository.js';
import { loadResources } from '../resources/resources.service.js';
import { type Emit, type TenantScope, type WriteTx, write } from '../write.js';
import { custodianCallbackUrl } from './custodian-callback.js';
import {
  type AuthorityFilters,
  accountsAtDepository,
  type CustodianAuthFlow,
  type CustodianAuthority,
  completeFlow,
  type FlowFilters,
  failFlow,
  findAuthority,
  findFlow,
  findFlowByStateHash,
  holdLiveAccounts,
  insertAuthority,
  insertFlow,
  insertSnapshots,
  listAuthorities as listAuthorityRows,
  listFlows,
  lockPendingFlow,
  revokeAuthority as revokeAuthorityRow,
} from './custodian-connections.repository.js';
import {
  type ConnectionSubject,
  type CoveredAccount,
  type CustodianConnector,
  custodianNamed,
  custodianNames,
  type RawSnapshot,
} from './custodian-connector.js';
import { custodianSnapshotResource } from './custodian-snapshot.resource.js';

export type { AuthorityFilters, CustodianAuthFlow, CustodianAuthority, FlowFilters };

/** How long a client has to decide at the custodian. */
const flowLifetimeSeconds = 10 * 60;

export const defaultCustodian = 'sandbox';

export interface StartAuthFlowInput {
  depositoryId: string;
  clientId: string;
  redirectUri: string;
  externalReference?: string | null;
  /** Which custodian to connect; the sandbox when not given. */
  custodian?: string;
}

export interface PublicUrl {
  /** Portico's public URL, the base of its callback. */
  publicUrl: string;
}

export type StartedAuthFlow = CustodianAuthFlow & { authorization_url: string };

export interface SettledCallback {
  flow: CustodianAuthFlow;
  /** The flow's redirect URI with `flow` and `status` appended: where the browser goes next. */
  redirectUrl: string;
}

/** An absolute http(s) URL without credentials or fragment (RFC 6749 §3.1.2), or the reason it is not. */
function redirectUriProblem(value: string): string | undefined {
  if (value.length > 2048) return 'must be at most 2048 characters';
  if (!URL.canParse(value)) return 'must be an absolute http or https URL';
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an absolute http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  return undefined;
}

/** The frame's own rule for external references (any description carries the same field). */
function externalReferenceProblem(value: string): string | undefined {
  const checked = custodianSnapshotResource.fields.external_reference?.input.safeParse(value);
  return checked?.success === false ? (checked.error.issues[0]?.message ?? 'is invalid') : undefined;
}

async function visibleRow(
  db: Kysely<DB>,
  resource: typeof clientResource | typeof depositoryResource,
  scope: TenantScope,
  id: string,
): Promise<Row | undefined> {
  const [row] = await loadResources(db, resource, scope, [id]);
  return row;
}

/**
 * Starts a flow: the client and depository must be the caller's live rows, the depository the
 * client's. Returns the flow with the URL to send the client's browser to.
 */
export async function startAuthFlow(
  db: Kysely<DB>,
  scope: TenantScope,
  input: StartAuthFlowInput,
  options: PublicUrl,
): Promise<StartedAuthFlow> {
  const issues: Issue[] = [];
  const custodian = input.custodian ?? defaultCustodian;
  const connector = custodianNamed(custodian);
  if (!connector) {
    issues.push({ field: 'custodian', message: `must be one of ${custodianNames.join(', ')}` });
  }
  const redirectProblem = redirectUriProblem(input.redirectUri);
  if (redirectProblem) issues.push({ field: 'redirect_uri', message: redirectProblem });
  const reference = input.externalReference ?? null;
  const referenceProblem = reference === null ? undefined : externalReferenceProblem(reference);
  if (referenceProblem) issues.push({ field: 'external_reference', message: referenceProblem });
  const client = await visibleRow(db, clientResource, scope, input.clientId);
  if (!client) issues.push({ field: 'client_id', message: 'no client with this id' });
  const depository = await visibleRow(db, depositoryResource, scope, input.depositoryId);
  if (!depository) issues.push({ field: 'depository_id', message: 'no depository with this id' });
  else if (client && depository.client_id !== client.id) {
    issues.push({ field: 'depository_id', message: 'belongs to another client than client_id' });
  }
  if (issues.length > 0 || !connector || !client || !depository) throw ValidationError.of(issues);

  const state = randomToken('', 32);
  const flowScope: TenantScope = {
    tenantId: scope.tenantId,
    whiteLabelId: (client.white_label_id as string | null) ?? null,
  };
  const flow = await write(db, flowScope, async (tx, emit) => {
    const created = await insertFlow(tx, {
      tenant_id: scope.tenantId,
      white_label_id: flowScope.whiteLabelId,
      client_id: client.id,
      depository_id: depository.id,
      custodian,
      redirect_uri: input.redirectUri,
      state_hash: hashSecret(state),
      external_reference: reference,
      lifetimeSeconds: flowLifetimeSeconds,
    });
    emit({ type: 'custodian-auth-flow.created', resourceId: created.id, data: created });
    return created;
  });
  const authorizationUrl = connector.authorizationUrl({
    flowId: flow.id,
    state,
    callbackUrl: custodianCallbackUrl(options.publicUrl, custodian),
    publicUrl: options.publicUrl,
  });
  return { ...flow, authorization_url: authorizationUrl };
}

/** What a completion needs once the custodian approved: the accounts it covers, and their statements. */
interface Approval {
  validUntil: Date;
  statements: { account: CoveredAccount; snapshot: RawSnapshot }[];
}

type Settlement = { kind: 'failed'; reason: string } | ({ kind: 'approved' } & Approval);

/** A failure reason as the table keeps it: the custodian's code, within bounds. */
const reasonOf = (reason: string) => reason.trim().slice(0, 200) || 'refused';

/**
 * The custodian's redirect back to Portico: finds the flow by its state (unauthenticated: the
 * state is the secret), settles it once, and says where to send the browser. A flow that expired
 * fails; a used or unknown state is refused without changing anything.
 */
export async function completeAuthFlow(
  db: Kysely<DB>,
  custodianName: string,
  callbackQuery: Readonly<Record<string, unknown>>,
  options: PublicUrl,
): Promise<SettledCallback> {
  const connector = custodianNamed(custodianName);
  if (!connector) throw new NotFoundError('custodian', custodianName);
  const state = callbackQuery.state;
  if (typeof state !== 'string' || state === '') throw new ValidationError('state', 'is required');
  const found = await findFlowByStateHash(db, hashSecret(state));
  // Never echo the state: it is a secret, and errors end up in logs.
  if (!found || found.custodian !== connector.name) {
    throw new NotFoundError('custodian auth flow', 'for this state');
  }
  if (found.state !== 'pending')
    throw new ConflictError(`this authorisation flow has already ${found.state}`);
  const scope: TenantScope = { tenantId: found.tenant_id, whiteLabelId: found.white_label_id };
  const subject: ConnectionSubject = {
    scope,
    clientId: found.client_id,
    depositoryId: found.depository_id,
  };
  const settlement: Settlement = found.expired
    ? { kind: 'failed', reason: 'expired' }
    : await settlementOf(
        db,
        connector,
        subject,
        callbackQuery,
        custodianCallbackUrl(options.publicUrl, connector.name),
      );
  const flow = await settle(db, scope, found, settlement);
  const back = new URL(flow.redirect_uri);
  back.searchParams.append('flow', flow.id);
  back.searchParams.append('status', flow.state);
  return { flow, redirectUrl: back.toString() };
}

/**
 * Turns the custodian's answer into what the flow becomes. Asking the custodian happens here,
 * before the write, so no transaction waits on a custodian.
 */
async function settlementOf(
  db: Kysely<DB>,
  connector: CustodianConnector,
  subject: ConnectionSubject,
  callbackQuery: Readonly<Record<string, unknown>>,
  callbackUrl: string,
): Promise<Settlement> {
  const outcome = await connector.outcome(db, subject, callbackQuery, callbackUrl);
  if (outcome.kind === 'refused') return { kind: 'failed', reason: reasonOf(outcome.reason) };
  // Only accounts Portico knows for this client at this depository: a custodian may grant others.
  const known = await accountsAtDepository(db, subject.scope, subject.clientId, subject.depositoryId);
  const covered = known
    .filter((account) =>
      outcome.accounts.some((granted) =>
        'accountId' in granted
          ? granted.accountId === account.id
          : granted.accountNumber === account.account_number,
      ),
    )
    .map((account): CoveredAccount => ({ id: account.id, accountNumber: account.account_number }));
  if (covered.length === 0) return { kind: 'failed', reason: 'no_known_accounts' };
  const statements = [];
  for (const account of covered) {
    statements.push({ account, snapshot: await connector.snapshot(db, subject, account) });
  }
  return { kind: 'approved', validUntil: outcome.validUntil, statements };
}

/** One write: the flow leaves pending, and an approval leaves its authority and statements. */
async function settle(
  db: Kysely<DB>,
  scope: TenantScope,
  found: CustodianAuthFlow,
  settlement: Settlement,
): Promise<CustodianAuthFlow> {
  return write(db, scope, async (tx, emit) => {
    const pending = await lockPendingFlow(tx, scope, found.id);
    // Another callback with the same state settled it meanwhile.
    if (!pending) throw new ConflictError('this authorisation flow has already been settled');
    // It may have expired while the custodian was asked.
    const outcome: Settlement = pending.expired ? { kind: 'failed', reason: 'expired' } : settlement;
    if (outcome.kind === 'approved') return approve(tx, scope, emit, pending, outcome);
    const failed = await failFlow(tx, scope, found.id, outcome.reason);
    emit({ type: 'custodian-auth-flow.failed', resourceId: failed.id, data: failed });
    return failed;
  });
}

async function approve(
  tx: WriteTx,
  scope: TenantScope,
  emit: Emit,
  flow: CustodianAuthFlow,
  approval: Approval,
): Promise<CustodianAuthFlow> {
  const live = await holdLiveAccounts(
    tx,
    scope,
    approval.statements.map(({ account }) => account.id),
  );
  const statements = approval.statements.filter(({ account }) => live.has(account.id));
  const owner = {
    tenant_id: scope.tenantId,
    white_label_id: scope.whiteLabelId,
    client_id: flow.client_id,
    depository_id: flow.depository_id,
  };
  const authority = await insertAuthority(tx, {
    ...owner,
    flow_id: flow.id,
    custodian: flow.custodian,
    account_ids: statements.map(({ account }) => account.id),
    valid_until: approval.validUntil,
  });
  const completed = await completeFlow(tx, scope, flow.id, authority.id);
  const snapshots = await insertSnapshots(
    tx,
    statements.map(({ account, snapshot }) => ({
      ...owner,
      account_id: account.id,
      authority_id: authority.id,
      snapshot_date: snapshot.asOf,
      payload: snapshot.document,
    })),
  );
  emit({ type: 'custodian-auth-flow.completed', resourceId: completed.id, data: completed });
  emit({ type: 'custodian-authority.created', resourceId: authority.id, data: authority });
  for (const snapshot of snapshots) {
    emit({
      type: 'custodian-snapshot.created',
      resourceId: snapshot.id,
      data: publicRecord(custodianSnapshotResource, snapshot as unknown as Row),
    });
  }
  return completed;
}

export async function getAuthFlow(
  db: Kysely<DB>,
  scope: TenantScope,
  id: string,
): Promise<CustodianAuthFlow> {
  const flow = isUuid(id) ? await findFlow(db, scope, id) : undefined;
  if (!flow) throw new NotFoundError('custodian auth flow', id);
  return flow;
}

const flowStates = ['pending', 'completed', 'failed'];
const authorityStatuses = ['active', 'revoked'];

/** Refuses filter values the table could not compare (a malformed id would be a database error). */
function checkFilters(filters: Record<string, string | undefined>, enumerated: Record<string, string[]>) {
  const issues: Issue[] = [];
  for (const column of ['client_id', 'depository_id'] as const) {
    const value = filters[column];
    if (value !== undefined && !isUuid(value)) {
      issues.push({ field: column, message: `must be the id of a ${column.replace('_id', '')}` });
    }
  }
  for (const [column, values] of Object.entries(enumerated)) {
    const value = filters[column];
    if (value !== undefined && !values.includes(value)) {
      issues.push({ field: column, message: `must be one of ${values.join(', ')}` });
    }
  }
  if (issues.length > 0) throw ValidationError.of(issues);
}

export async function listAuthFlows(
  db: Kysely<DB>,
  scope: TenantScope,
  filters: FlowFilters,
  page: PageRequest,
): Promise<Page<CustodianAuthFlow>> {
  checkFilters({ ...filters }, { state: flowStates });
  return pageOf(await listFlows(db, scope, filters, page), page);
}

export async function getAuthority(
  db: Kysely<DB>,
  scope: TenantScope,
  id: string,
): Promise<CustodianAuthority> {
  const authority = isUuid(id) ? await findAuthority(db, scope, id) : undefined;
  if (!authority) throw new NotFoundError('custodian authority', id);
  return authority;
}

export async function listAuthorities(
  db: Kysely<DB>,
  scope: TenantScope,
  filters: AuthorityFilters,
  page: PageRequest,
): Promise<Page<CustodianAuthority>> {
  checkFilters({ ...filters }, { status: authorityStatuses });
  return pageOf(await listAuthorityRows(db, scope, filters, page), page);
}

/** Revokes an active authority; a revoked, unknown or other tenant's one is not found alike. */
export async function revokeAuthority(
  db: Kysely<DB>,
  scope: TenantScope,
  id: string,
): Promise<CustodianAuthority> {
  if (!isUuid(id)) throw new NotFoundError('custodian authority', id);
  return write(db, scope, async (tx, emit) => {
    const revoked = await revokeAuthorityRow(tx, scope, id);
    if (!revoked) throw new NotFoundError('custodian authority', id);
    emit({
      type: 'custodian-authority.revoked',
      resourceId: revoked.id,
      data: revoked,
      whiteLabelId: revoked.white_label_id,
    });
    return revoked;
  });
}
