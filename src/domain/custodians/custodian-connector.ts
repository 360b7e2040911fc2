// What Portico needs from a custodian to connect a client's accounts there: a page at the custodian
// where the client says yes or no (OAuth's authorization-code shape), a reading of the custodian's
// answer when it sends the browser back, and the raw statement of an account it granted. Each
// custodian is one connector, found by the name flows and authorities record.
import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import type { TenantScope } from '../write.js';
import { sandboxCustodian } from './sandbox-custodian.js';

/** Whose accounts a flow connects, at which depository. */
export interface ConnectionSubject {
  /** The tenant and the client's white label. */
  scope: TenantScope;
  clientId: string;
  depositoryId: string;
}

/** An account as the custodian names it: by its own number, or by id when Portico runs the custodian. */
export type GrantedAccount = { accountId: string } | { accountNumber: string };

export type CallbackOutcome =
  | { kind: 'approved'; accounts: readonly GrantedAccount[]; validUntil: Date }
  /** `reason` is the custodian's error code (OAuth's `access_denied`, say), stored as the failure reason. */
  | { kind: 'refused'; reason: string };

/** An account an authority covers, as Portico knows it. */
export interface CoveredAccount {
  id: string;
  accountNumber: string | null;
}

/** A statement exactly as the custodian delivered it, with the day it says it is of. */
export interface RawSnapshot {
  /** YYYY-MM-DD. */
  asOf: string;
  document: Record<string, unknown>;
}

/** The parameters of the custodian's redirect back to Portico, as they arrived. */
export type CallbackQuery = Readonly<Record<string, unknown>>;

export interface CustodianConnector {
  /** Lower-case, as flows and authorities store it and Portico's callback path names it. */
  readonly name: string;
  /**
   * Where to send the client's browser: the custodian's consent page for this flow, which sends
   * the browser on to `callbackUrl` with `state` when the client has decided.
   */
  authorizationUrl(request: {
    flowId: string;
    state: string;
    callbackUrl: string;
    publicUrl: string;
  }): string;
  /**
   * Reads the custodian's answer from its redirect (the state has already found the flow);
   * `callbackUrl` is the redirect URI a code exchange must name again.
   */
  outcome(
    db: Kysely<DB>,
    subject: ConnectionSubject,
    query: CallbackQuery,
    callbackUrl: string,
  ): Promise<CallbackOutcome>;
  /** The raw statement of an account the custodian granted. */
  snapshot(db: Kysely<DB>, subject: ConnectionSubject, account: CoveredAccount): Promise<RawSnapshot>;
}

const connectors: ReadonlyMap<string, CustodianConnector> = new Map(
  [sandboxCustodian].map((connector) => [connector.name, connector]),
);

/** The connector of a custodian by name; undefined for a name no connector has. */
export function custodianNamed(name: string): CustodianConnector | undefined {
  return connectors.get(name);
}

export const custodianNames: readonly string[] = [...connectors.keys()];
