// The built-in sandbox custodian: a pretend bank whose consent page Portico serves itself, so the
// whole connection can be tried (and tested) without a real one. Its page approves or refuses on
// request; `decision=approve|refuse` on the page's URL answers at once, for curl and tests. An
// approval grants the client's live accounts at the depository for 90 days, and its statements
// are built from what Portico holds for the account.
import { hashSecret } from '../../auth/secrets.js';
import { ValidationError } from '../errors.js';
import { custodianCallbackUrl } from './custodian-callback.js';
import { accountsAtDepository } from './custodian-connections.repository.js';
import type { CallbackQuery, CustodianConnector } from './custodian-connector.js';
import { statementSource } from './sandbox-custodian.repository.js';
import { sandboxStatement } from './sandbox-statement.js';

const name = 'sandbox';
const validDays = 90;
const dayMs = 24 * 60 * 60 * 1000;

export const sandboxAuthorizePath = '/sandbox-custodian/authorize';

/**
 * The code the sandbox hands out for a state. Derived from the state, so a code cannot be carried
 * over to another flow; the state itself is the secret that finds the flow.
 */
const codeFor = (state: string) => hashSecret(`sandbox-custodian code\u0000${state}`);

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const today = () => new Date().toISOString().slice(0, 10);

export const sandboxCustodian: CustodianConnector = {
  name,

  authorizationUrl({ state, callbackUrl, publicUrl }) {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'portico',
      redirect_uri: callbackUrl,
      state,
    });
    return `${publicUrl}${sandboxAuthorizePath}?${query}`;
  },

  async outcome(db, subject, query) {
    const error = text(query.error);
    if (error !== undefined) return { kind: 'refused', reason: error || 'access_denied' };
    const state = text(query.state) ?? '';
    if (text(query.code) !== codeFor(state)) return { kind: 'refused', reason: 'invalid_grant' };
    const accounts = await accountsAtDepository(db, subject.scope, subject.clientId, subject.depositoryId);
    return {
      kind: 'approved',
      accounts: accounts.map((account) => ({ accountId: account.id })),
      validUntil: new Date(Date.now() + validDays * dayMs),
    };
  },

  async snapshot(db, subject, account) {
    const source = await statementSource(db, subject.scope, account.id);
    if (!source) throw new Error(`The sandbox custodian holds no account ${account.id}`);
    // As of its latest figures; an account without positions, as of today.
    const asOf =
      source.positions.reduce((latest, row) => (row.as_of > latest ? row.as_of : latest), '') || today();
    const document = sandboxStatement({
      accountNumber: source.account.account_number,
      currency: source.account.currency,
      asOf,
      positions: source.positions.map((row) => ({
        isin: row.isin,
        name: row.name,
        quantity: (row.quantity ?? row.par) as string,
        faceAmount: row.quantity === null,
        price: row.mark_price,
        marketValue: row.market_value,
        currency: row.currency,
      })),
      cash: source.cash,
    });
    return { asOf, document };
  },
};

/** What the sandbox's consent page answers: the page itself, or the redirect once decided. */
export type SandboxAnswer = { page: string } | { redirect: string };

/**
 * The sandbox's consent page. Without a decision it shows Approve and Refuse; with one it sends
 * the browser back to Portico's callback with a code, or with `error=access_denied`.
 */
export function sandboxAuthorize(query: CallbackQuery, options: { publicUrl: string }): SandboxAnswer {
  const state = text(query.state);
  if (!state) throw new ValidationError('state', 'is required');
  // The one redirect URI registered with the sandbox: Portico's callback.
  const callbackUrl = custodianCallbackUrl(options.publicUrl, name);
  const redirectUri = text(query.redirect_uri);
  // Like any custodian, the sandbox sends codes only to the redirect URI registered with it.
  if (redirectUri !== undefined && redirectUri !== callbackUrl) {
    throw new ValidationError(
      'redirect_uri',
      'is not the redirect URI registered with the sandbox custodian',
    );
  }
  const decision = text(query.decision);
  if (decision === undefined) return { page: consentPage(query) };
  let answer: URLSearchParams;
  if (decision === 'approve') answer = new URLSearchParams({ code: codeFor(state), state });
  else if (decision === 'refuse') {
    answer = new URLSearchParams({
      error: 'access_denied',
      error_description: 'The account holder refused at the sandbox custodian',
      state,
    });
  } else throw new ValidationError('decision', 'must be approve or refuse');
  return { redirect: `${callbackUrl}?${answer}` };
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function consentPage(query: CallbackQuery): string {
  const link = (decision: string) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (typeof value === 'string') params.set(key, value);
    params.set('decision', decision);
    return escapeHtml(`?${params}`);
  };
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox custodian</title></head>
<body>
<h1>Sandbox custodian</h1>
<p>Portico asks to read the accounts you hold here, for ${validDays} days.</p>
<p>This is a test bank: nothing leaves Portico.</p>
<p><a href="${link('approve')}">Approve</a> &middot; <a href="${link('refuse')}">Refuse</a></p>
</body>
</html>
`;
}
