// Every event type Portico emits, with one line of doc each. A type is `<resource>.<change>`; the
// resource part is what webhooks filter on and what `resource_type` stores in the log.

const lifecycle = <R extends string>(resource: R, noun: string) =>
  ({
    [`${resource}.created`]: `A ${noun} was created.`,
    [`${resource}.updated`]: `A ${noun} changed; changed_fields lists which attributes.`,
    [`${resource}.deleted`]: `A ${noun} was deleted.`,
  }) as Record<`${R}.${'created' | 'updated' | 'deleted'}`, string>;

export const eventCatalog = {
  ...lifecycle('tenant', 'tenant'),
  ...lifecycle('white_label', 'white label'),
  ...lifecycle('client', 'client'),
  ...lifecycle('user', 'user'),
  ...lifecycle('role_assignment', 'role assignment'),
  ...lifecycle('legal_entity', 'legal entity'),
  ...lifecycle('legal_entity_ownership', 'ownership edge between legal entities'),
  ...lifecycle('reporting_entity', 'reporting entity'),
  ...lifecycle('depository', 'depository (custodian)'),
  ...lifecycle('account', 'account'),
  ...lifecycle('portfolio', 'portfolio'),
  ...lifecycle('position', 'position'),
  ...lifecycle('account_holding', 'account-level holdings snapshot'),
  ...lifecycle('instrument_holding', 'instrument-level holdings snapshot'),
  ...lifecycle('lot', 'lot'),
  ...lifecycle('cashflow', 'cashflow'),
  ...lifecycle('transaction', 'ledger transaction'),
  ...lifecycle('industry', 'industry'),
  ...lifecycle('issuer', 'issuer'),
  ...lifecycle('instrument', 'instrument'),
  ...lifecycle('instrument_price', 'instrument price'),
  ...lifecycle('performance_result', 'performance result'),
  ...lifecycle('investment_limit', 'investment-policy limit'),
  ...lifecycle('custodian_snapshot', 'raw custodian snapshot'),
  'custodian_auth_flow.created': 'A custodian authorisation flow was started; it waits for the custodian.',
  'custodian_auth_flow.completed': 'The custodian approved an authorisation flow; it left an authority.',
  'custodian_auth_flow.failed':
    'An authorisation flow failed: refused at the custodian, or expired; failure_reason says which.',
  'custodian_authority.created':
    'A custodian authority was granted: which accounts Portico may read, until when.',
  'custodian_authority.revoked': 'A custodian authority was revoked; Portico reads nothing more under it.',
  'oauth_client.created': 'An OAuth client was registered.',
  'oauth_client.key_added': 'A public key was registered for an OAuth client.',
  'oauth_client.revoked': 'An OAuth client was revoked.',
  'api_key.created': 'An API key was created (the event never carries the secret).',
  'api_key.updated': 'An API key was renamed or re-described.',
  'api_key.revoked': 'An API key was revoked.',
  'dataset.imported':
    'A bulk import (demo data, historical upload) committed; data counts the rows per table.',
} as const satisfies Record<string, string>;

export type EventType = keyof typeof eventCatalog;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

/** `position.updated` → `position`. */
export function resourceOf(type: EventType): string {
  return type.slice(0, type.lastIndexOf('.'));
}
