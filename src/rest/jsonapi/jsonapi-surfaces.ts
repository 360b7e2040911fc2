import {
  camel,
  kebab,
  type ResourceDescription,
  relationName,
  resourceNamed,
} from '../../domain/resource.js';
import '../../domain/resources/described-resources.js';

// Which described resources v2 and v3 serve, and under which paths: the legacy platform's own
// names, as partners know them. Everything else a JSON:API route shows — types, attributes,
// relationships, filters — is derived from the description by the naming rules below.

export interface JsonApiSurface {
  /** What the OpenAPI document tags its routes with. */
  tag: 'v2' | 'v3';
  prefix: '/api/v2' | '/api/v3';
  /** Collection path (under the prefix) of each resource served, by resource name. */
  paths: Readonly<Record<string, string>>;
  /** The names this surface knows things by: the asset alias says asset where v3 says instrument. */
  rename: (name: string) => string;
  /** An old name kept answering: every response says it is deprecated and names its successor. */
  successor?: JsonApiSurface;
}

const same = (name: string) => name;

export const v2: JsonApiSurface = {
  tag: 'v2',
  prefix: '/api/v2',
  paths: {
    client: 'clients',
    user: 'users',
    role_assignment: 'role-assignments',
    legal_entity: 'legal-entities',
    legal_entity_ownership: 'legal-entity-ownerships',
    reporting_entity: 'reporting-entities',
    depository: 'depositories',
    account: 'accounts',
    portfolio: 'portfolios',
    transaction: 'transactions',
    performance_result: 'performance',
    investment_limit: 'limits',
    account_holding: 'account-holdings',
    // The raw custodian snapshot: statements as custodian connections (v3) delivered them.
    custodian_snapshot: 'custodian-snapshots',
  },
  rename: same,
};

export const v3: JsonApiSurface = {
  tag: 'v3',
  prefix: '/api/v3',
  paths: {
    instrument: 'instruments',
    instrument_holding: 'instrument-holdings',
    // The lot-level holding endpoint was renamed with the move to v3 (v2 called it asset-lots).
    lot: 'lot-holdings',
    instrument_price: 'price-series',
    issuer: 'issuers',
    industry: 'industries',
  },
  rename: same,
};

/** /api/v2/asset*: the v3 instrument family under its old names, until the sunset. */
export const assetAlias: JsonApiSurface = {
  tag: 'v2',
  prefix: '/api/v2',
  paths: {
    instrument: 'assets',
    instrument_holding: 'asset-holdings',
    lot: 'asset-lots',
    instrument_price: 'asset-prices',
  },
  rename: (name) => name.replaceAll('instrument', 'asset').replaceAll('Instrument', 'Asset'),
  successor: v3,
};

export const jsonApiSurfaces: readonly JsonApiSurface[] = [v2, v3, assetAlias];

/** Where a resource lives when another surface links to it: v2 or v3 (never the alias). */
function homeOf(resource: ResourceDescription): JsonApiSurface | undefined {
  return [v2, v3].find((surface) => surface.paths[resource.name]);
}

/** The surface that shows `resource` to a reader of `surface`: itself if it serves it, else its home. */
export function surfaceShowing(
  surface: JsonApiSurface,
  resource: ResourceDescription,
): JsonApiSurface | undefined {
  return surface.paths[resource.name] ? surface : homeOf(resource);
}

/** `legal-entity`, `instrument-holding` (`asset-holding` on the alias). */
export function typeOf(surface: JsonApiSurface, resource: ResourceDescription): string {
  return (surfaceShowing(surface, resource) ?? surface).rename(kebab(resource.name));
}

/** `/api/v2/legal-entities`; undefined when no JSON:API surface serves the resource. */
export function collectionUrl(surface: JsonApiSurface, resource: ResourceDescription): string | undefined {
  const showing = surfaceShowing(surface, resource);
  return showing && `${showing.prefix}/${showing.paths[resource.name]}`;
}

/** `market_value` → `marketValue`. */
export const attributeName = (surface: JsonApiSurface, column: string) => surface.rename(camel(column));

/** A reference column's relationship: `legal_entity_id` → `legalEntity`. */
export const toOneName = (surface: JsonApiSurface, column: string) =>
  surface.rename(camel(relationName(column)));

/** A to-many relation's relationship and sub-path: `role_assignments` → `roleAssignments`, `role-assignments`. */
export const toManyName = (surface: JsonApiSurface, relation: string) => surface.rename(camel(relation));
export const toManyPath = (surface: JsonApiSurface, relation: string) => surface.rename(kebab(relation));

/** A filter's query parameter: `account_id` → `accountId`, `from_date` → `fromDate`. */
export const filterParameter = (surface: JsonApiSurface, filter: string) => surface.rename(camel(filter));

/** The resources a surface serves, in the order its table lists them. */
export function servedBy(surface: JsonApiSurface): ResourceDescription[] {
  return Object.keys(surface.paths).map(resourceNamed);
}
