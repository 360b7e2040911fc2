import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { InsufficientScopeError, type Viewer } from '../auth/viewer.js';
import { type Issue, isUuid, NotFoundError, requireName, ValidationError } from '../domain/errors.js';
import { type Page, type PageRequest, pageOf } from '../domain/pagination.js';
import { requireTenantScope } from '../domain/tenants/tenants.service.js';
import { type TenantScope, write } from '../domain/write.js';
import { type EventType, isEventType, scopeForEvent } from '../events/event-catalog.js';
import { visibleEventTypes } from '../events/event-log.js';
import type { SecretBox } from '../platform/secret-box.js';
import {
  type EndpointRow,
  type EndpointValues,
  expireSecrets,
  findEndpoint,
  insertEndpoint,
  insertSecret,
  listEndpoints as listEndpointRows,
  lockEndpoint,
  softDeleteEndpoint,
  updateEndpoint as updateEndpointRow,
} from './endpoints.repository.js';
import { newEndpointSecret } from './signing.js';
import { ensureSigningKey } from './signing-keys.js';
import { checkWebhookUrl, type TargetOptions } from './target-guard.js';

// Webhook endpoints as partners manage them (the webhook settings page): name, description, URL,
// the event types it hears, content type, custom headers, enabled. Each endpoint has its own
// whsec_ secret, shown on creation and on rotation only and sealed at rest; after a rotation the
// previous secret keeps signing beside the new one for an overlap. Every change goes through the
// write path with its webhook-endpoint.* event; deleting is soft, so delivery history stays.

export const contentTypes = ['application/json', 'application/xml'] as const;
export type ContentType = (typeof contentTypes)[number];
export const signatureModes = ['v1', 'v1a', 'both'] as const;
export type SignatureMode = (typeof signatureModes)[number];

/** Why an endpoint was disabled by a person (the delivery worker records its own reasons). */
export const manualDisableReason = 'manual';
export const defaultOverlapHours = 24;
export const maxOverlapHours = 168;
export const maxHeaders = 20;

export interface EndpointInput {
  name: string;
  description?: string | null;
  url: string;
  event_types: readonly string[];
  content_type?: ContentType;
  headers?: Record<string, string>;
  enabled?: boolean;
  signatures?: SignatureMode;
  strict_ordering?: boolean;
  external_reference?: string | null;
}

export type EndpointChanges = Partial<EndpointInput>;

/** What endpoint writes need besides the database: the secret box and the SSRF rule. */
export interface WebhookSettings {
  box: SecretBox;
  target: TargetOptions;
}

/** An endpoint as v1 shows it and as its events carry it (never a secret). */
export interface EndpointRecord {
  id: string;
  name: string;
  description: string | null;
  url: string;
  event_types: string[];
  content_type: ContentType;
  headers: Record<string, string>;
  enabled: boolean;
  signatures: SignatureMode;
  strict_ordering: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  external_reference: string | null;
  created_at: string;
  updated_at: string;
}

const headersOf = (value: unknown): Record<string, string> =>
  (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, string>;

export function endpointRecord(row: EndpointRow): EndpointRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    url: row.url,
    event_types: [...row.event_types],
    content_type: row.content_type as ContentType,
    headers: headersOf(row.headers),
    enabled: row.enabled,
    signatures: row.signatures as SignatureMode,
    strict_ordering: row.strict_ordering,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since?.toISOString() ?? null,
    external_reference: row.external_reference,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

// --- Validation --------------------------------------------------------------------------------

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, spaces, tabs and obs-text: no CR, LF or other control characters.
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Headers Portico sets itself, or that would change how the request travels. */
const reservedHeaders = new Set([
  'host',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);
const reservedPrefixes = ['webhook-', 'proxy-'];

/** The refusals of a custom header map, each on `headers/<name>`. */
export function headerIssues(headers: Record<string, string>): Issue[] {
  const issues: Issue[] = [];
  const names = Object.keys(headers);
  if (names.length > maxHeaders)
    issues.push({ field: 'headers', message: `must have at most ${maxHeaders} headers` });
  const seen = new Set<string>();
  for (const name of names) {
    const field = `headers/${name}`;
    const lower = name.toLowerCase();
    const value = headers[name];
    if (!headerName.test(name) || name.length > 256) {
      issues.push({ field, message: 'is not a valid header name' });
    } else if (reservedHeaders.has(lower) || reservedPrefixes.some((prefix) => lower.startsWith(prefix))) {
      issues.push({ field, message: 'is set by Portico and cannot be overridden' });
    } else if (seen.has(lower)) {
      issues.push({ field, message: 'is given twice (header names are case-insensitive)' });
    } else if (typeof value !== 'string' || !headerValue.test(value) || value.length > 4096) {
      issues.push({
        field,
        message: 'must be a header value of at most 4096 characters without line breaks',
      });
    }
    seen.add(lower);
  }
  return issues;
}

const referencePattern = /^[A-Za-z0-9 _-]*$/;

function fieldIssues(input: EndpointChanges): Issue[] {
  const issues: Issue[] = [];
  const attempt = (check: () => void) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  };
  if (input.name !== undefined) attempt(() => requireName('name', input.name as string));
  if (input.description && input.description.length > 2000) {
    issues.push({ field: 'description', message: 'must be at most 2000 characters' });
  }
  if (input.external_reference != null) {
    const reference = input.external_reference;
    if (reference.length > 256 || !referencePattern.test(reference)) {
      issues.push({
        field: 'external_reference',
        message: 'must be at most 256 letters, digits, spaces, dashes or underscores',
      });
    }
  }
  if (input.url !== undefined && input.url.length > 2048) {
    issues.push({ field: 'url', message: 'must be at most 2048 characters' });
  }
  if (input.event_types !== undefined) {
    if (input.event_types.length === 0) {
      issues.push({ field: 'event_types', message: 'must name at least one event type' });
    }
    input.event_types.forEach((type, index) => {
      if (!isEventType(type))
        issues.push({ field: `event_types/${index}`, message: `unknown event type ${type}` });
    });
  }
  if (input.headers !== undefined) issues.push(...headerIssues(input.headers));
  return issues;
}

/**
 * Validates what a create or update sets: every refused field in one ValidationError (the URL
 * checked against the SSRF rule too), then the event types against the caller's scopes — a
 * credential cannot subscribe to events it could not read (403, naming the scope).
 */
async function validate(
  viewer: Pick<Viewer, 'scopes'>,
  input: EndpointChanges,
  settings: WebhookSettings,
): Promise<void> {
  const issues = fieldIssues(input);
  if (input.url !== undefined && !issues.some((issue) => issue.field === 'url')) {
    try {
      await checkWebhookUrl(input.url, settings.target);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw ValidationError.of(issues);
  if (input.event_types) {
    const visible = new Set<string>(visibleEventTypes(viewer));
    const hidden = input.event_types.find((type) => !visible.has(type));
    const scope = hidden ? scopeForEvent(hidden as EventType) : undefined;
    if (scope) throw new InsufficientScopeError(scope);
  }
}

const unique = (types: readonly string[]) => [...new Set(types)];

// --- Reads -------------------------------------------------------------------------------------

export async function listEndpoints(
  db: Kysely<DB>,
  scope: TenantScope,
  page: PageRequest,
): Promise<Page<EndpointRow>> {
  const rows = await listEndpointRows(db, scope, { after: page.cursorId, limit: page.limit + 1 });
  return pageOf(rows, page);
}

/** A live endpoint the caller may see; another tenant's id is as unknown as an id that never was. */
export async function getEndpoint(db: Kysely<DB>, scope: TenantScope, id: string): Promise<EndpointRow> {
  const endpoint = isUuid(id) ? await findEndpoint(db, scope, id) : undefined;
  if (!endpoint) throw new NotFoundError('webhook endpoint', id);
  return endpoint;
}

// --- Writes ------------------------------------------------------------------------------------

/** Creates an endpoint and its first secret; the secret is returned this once. */
export async function createEndpoint(
  db: Kysely<DB>,
  viewer: Pick<Viewer, 'tenantId' | 'whiteLabelId' | 'scopes'>,
  input: EndpointInput,
  settings: WebhookSettings,
): Promise<{ endpoint: EndpointRow; secret: string }> {
  await requireTenantScope(db, viewer.tenantId, viewer.whiteLabelId);
  await validate(viewer, input, settings);
  const enabled = input.enabled ?? true;
  const values: EndpointValues = {
    name: requireName('name', input.name),
    description: input.description ?? null,
    url: input.url,
    event_types: unique(input.event_types),
    content_type: input.content_type ?? 'application/json',
    headers: input.headers ?? {},
    enabled,
    signatures: input.signatures ?? 'v1',
    strict_ordering: input.strict_ordering ?? false,
    disabled_reason: enabled ? null : manualDisableReason,
    failing_since: null,
    external_reference: input.external_reference ?? null,
  };
  const secret = newEndpointSecret();
  const scope = { tenantId: viewer.tenantId, whiteLabelId: viewer.whiteLabelId };
  const endpoint = await write(db, scope, async (tx, emit) => {
    const row = await insertEndpoint(tx, scope, values);
    await insertSecret(tx, row, { secret: settings.box.seal(secret), encryption: settings.box.encryption });
    emit({ type: 'webhook-endpoint.created', resourceId: row.id, data: { ...endpointRecord(row) } });
    return row;
  });
  if (endpoint.signatures !== 'v1') await ensureSigningKey(db, settings.box, endpoint.tenant_id);
  return { endpoint, secret };
}

class Unchanged {
  constructor(readonly row: EndpointRow) {}
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));
function sortedKeys(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Changes an endpoint (a JSON merge patch of its record). Enabling clears why it was disabled;
 * disabling records that a person did it, and is the webhook-endpoint.disabled event. A patch that
 * changes nothing writes nothing and emits nothing.
 */
export async function updateEndpoint(
  db: Kysely<DB>,
  viewer: Pick<Viewer, 'tenantId' | 'whiteLabelId' | 'scopes'>,
  id: string,
  changes: EndpointChanges,
  settings: WebhookSettings,
): Promise<EndpointRow> {
  if (!isUuid(id)) throw new NotFoundError('webhook endpoint', id);
  await validate(viewer, changes, settings);
  const scope = { tenantId: viewer.tenantId, whiteLabelId: viewer.whiteLabelId };
  const wanted: Partial<EndpointValues> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    (wanted as Record<string, unknown>)[field] = value;
  }
  if (changes.name !== undefined) wanted.name = requireName('name', changes.name);
  if (changes.event_types !== undefined) wanted.event_types = unique(changes.event_types);
  if (Object.keys(wanted).length === 0) return getEndpoint(db, scope, id);
  try {
    const endpoint = await write(db, scope, async (tx, emit) => {
      const before = await lockEndpoint(tx, scope, id);
      if (!before) throw new NotFoundError('webhook endpoint', id);
      const set: Partial<EndpointValues> = {};
      for (const [field, value] of Object.entries(wanted)) {
        const current = (before as Record<string, unknown>)[field];
        const shown = field === 'headers' ? headersOf(current) : current;
        if (!sameValue(shown, value)) (set as Record<string, unknown>)[field] = value;
      }
      if (set.enabled === true) Object.assign(set, { disabled_reason: null, failing_since: null });
      if (set.enabled === false) set.disabled_reason = manualDisableReason;
      const changed = Object.keys(set).filter(
        (field) =>
          !sameValue((before as Record<string, unknown>)[field], (set as Record<string, unknown>)[field]),
      );
      if (changed.length === 0) throw new Unchanged(before);
      const row = await updateEndpointRow(tx, scope, id, set);
      emit({
        type: set.enabled === false ? 'webhook-endpoint.disabled' : 'webhook-endpoint.updated',
        resourceId: row.id,
        data: { ...endpointRecord(row) },
        changedFields: changed,
        whiteLabelId: row.white_label_id,
      });
      return row;
    });
    if (endpoint.signatures !== 'v1') await ensureSigningKey(db, settings.box, endpoint.tenant_id);
    return endpoint;
  } catch (error) {
    if (error instanceof Unchanged) return error.row;
    throw error;
  }
}

/** Enables or disables an endpoint (the settings page's status switch). */
export async function setEndpointEnabled(
  db: Kysely<DB>,
  viewer: Pick<Viewer, 'tenantId' | 'whiteLabelId' | 'scopes'>,
  id: string,
  enabled: boolean,
  settings: WebhookSettings,
): Promise<EndpointRow> {
  return updateEndpoint(db, viewer, id, { enabled }, settings);
}

/** Soft-deletes an endpoint: it answers 404 from now on, and its delivery history stays. */
export async function deleteEndpoint(db: Kysely<DB>, scope: TenantScope, id: string): Promise<void> {
  if (!isUuid(id)) throw new NotFoundError('webhook endpoint', id);
  await write(db, scope, async (tx, emit) => {
    const row = await softDeleteEndpoint(tx, scope, id);
    if (!row) throw new NotFoundError('webhook endpoint', id);
    emit({
      type: 'webhook-endpoint.deleted',
      resourceId: row.id,
      data: { ...endpointRecord(row) },
      whiteLabelId: row.white_label_id,
    });
  });
}

/**
 * A new secret for the endpoint, returned this once. Every earlier secret keeps signing beside it
 * for `overlapHours` (0: it stops at once), so receivers can switch without missing a delivery.
 */
export async function rotateEndpointSecret(
  db: Kysely<DB>,
  scope: TenantScope,
  id: string,
  overlapHours: number,
  box: SecretBox,
): Promise<{ endpoint: EndpointRow; secret: string; previousExpiresAt: Date }> {
  if (!isUuid(id)) throw new NotFoundError('webhook endpoint', id);
  if (!Number.isFinite(overlapHours) || overlapHours < 0 || overlapHours > maxOverlapHours) {
    throw new ValidationError('overlap_hours', `must be from 0 to ${maxOverlapHours} hours`);
  }
  const secret = newEndpointSecret();
  const previousExpiresAt = new Date(Date.now() + overlapHours * 3_600_000);
  const endpoint = await write(db, scope, async (tx, emit) => {
    const row = await lockEndpoint(tx, scope, id);
    if (!row) throw new NotFoundError('webhook endpoint', id);
    await expireSecrets(tx, row, previousExpiresAt);
    await insertSecret(tx, row, { secret: box.seal(secret), encryption: box.encryption });
    emit({
      type: 'webhook-endpoint.secret-rotated',
      resourceId: row.id,
      data: { ...endpointRecord(row) },
      whiteLabelId: row.white_label_id,
    });
    return row;
  });
  return { endpoint, secret, previousExpiresAt };
}
