import type { Scope } from '../auth/scopes.js';
import { cashflowResource } from '../domain/cashflows/cashflow.resource.js';
import { describedResources, kebab } from '../domain/resource.js';
import '../domain/resources/described-resources.js';

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
  ...lifecycle('white-label', 'white label'),
  ...lifecycle('client', 'client'),
  ...lifecycle('user', 'user'),
  ...lifecycle('role-assignment', 'role assignment'),
  ...lifecycle('legal-entity', 'legal entity'),
  ...lifecycle('legal-entity-ownership', 'ownership edge between legal entities'),
  ...lifecycle('reporting-entity', 'reporting entity'),
  ...lifecycle('depository', 'depository (custodian)'),
  ...lifecycle('account', 'account'),
  ...lifecycle('portfolio', 'portfolio'),
  ...lifecycle('position', 'position'),
  ...lifecycle('account-holding', 'account-level holdings snapshot'),
  ...lifecycle('instrument-holding', 'instrument-level holdings snapshot'),
  ...lifecycle('lot', 'lot'),
  ...lifecycle('cashflow', 'cashflow'),
  'cashflow.posted': cashflowResource.moments.posted?.description ?? '',
  ...lifecycle('transaction', 'ledger transaction'),
  ...lifecycle('industry', 'industry'),
  ...lifecycle('issuer', 'issuer'),
  ...lifecycle('instrument', 'instrument'),
  ...lifecycle('instrument-price', 'instrument price'),
  ...lifecycle('performance-result', 'performance result'),
  ...lifecycle('investment-limit', 'investment-policy limit'),
  ...lifecycle('custodian-snapshot', 'raw custodian snapshot'),
  'custodian-auth-flow.created': 'A custodian authorisation flow was started; it waits for the custodian.',
  'custodian-auth-flow.completed': 'The custodian approved an authorisation flow; it left an authority.',
  'custodian-auth-flow.failed':
    'An authorisation flow failed: refused at the custodian, or expired; failure_reason says which.',
  'custodian-authority.created':
    'A custodian authority was granted: which accounts Portico may read, until when.',
  'custodian-authority.revoked': 'A custodian authority was revoked; Portico reads nothing more under it.',
  'oauth-client.created': 'An OAuth client was registered.',
  'oauth-client.key-added': 'A public key was registered for an OAuth client.',
  'oauth-client.revoked': 'An OAuth client was revoked.',
  'api-key.created': 'An API key was created (the event never carries the secret).',
  'api-key.updated': 'An API key was renamed, re-described or given another daily quota.',
  'api-key.revoked': 'An API key was revoked.',
  'webhook-endpoint.created': 'A webhook endpoint was registered (the event never carries its secret).',
  'webhook-endpoint.updated':
    'A webhook endpoint changed (or was enabled); changed_fields lists which attributes.',
  'webhook-endpoint.deleted': 'A webhook endpoint was deleted; nothing more is delivered to it.',
  'webhook-endpoint.disabled':
    'A webhook endpoint was disabled, by a person or after failing deliveries; disabled_reason says which.',
  'webhook-endpoint.secret-rotated':
    'A webhook endpoint got a new secret; the previous one keeps signing for the overlap the rotation asked for.',
  'dataset.imported':
    'A bulk import (demo data, historical upload) committed; data counts the rows per table.',
  'extract.completed': 'An extract finished: its file is ready to download until it expires.',
  'extract.failed': 'An extract failed; data.object carries the problem.',
  'calculation.completed': 'A valuation or performance calculation finished; data.object carries its result.',
  'calculation.failed': 'A valuation or performance calculation failed; data.object carries the problem.',
} as const satisfies Record<string, string>;

export type EventType = keyof typeof eventCatalog;

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalog, value);
}

/** `position.updated` → `position`. */
export function resourceOf(type: EventType): string {
  return type.slice(0, type.lastIndexOf('.'));
}

/** Every event type, in catalog order. */
export const eventTypes = Object.keys(eventCatalog) as EventType[];

/**
 * The scope a reader needs to see an event besides events:read: the read scope of the resource's
 * family for domain events, keys:manage for credentials and tenancy, the scope that starts a job
 * for its outcome, none for the rest.
 */
export function scopeForEvent(type: EventType): Scope | undefined {
  const resource = resourceOf(type);
  const described = describedResources().find((candidate) => kebab(candidate.name) === resource);
  if (described) return `${described.family}:read`;
  if (resource.startsWith('custodian-')) return 'accounts:read';
  // Job outcomes: whoever may ask for the job may hear how it ended.
  if (resource === 'extract') return 'extracts:write';
  if (resource === 'calculation') return 'performance:read';
  if (['api-key', 'oauth-client', 'tenant', 'white-label'].includes(resource)) return 'keys:manage';
  if (resource === 'webhook-endpoint') return 'webhooks:manage';
  return undefined;
}
