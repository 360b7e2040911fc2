// The one description of a resource family, which every surface renders: GraphQL types and
// mutations, the v1 and v2/v3 routes, the OpenAPI document. A description names its table, scope
// family and owner, and for each column the type, whether and when a client may write it, and the
// schema that validates what a client writes. Nothing outside this file re-lists fields, filters or
// validation rules; surfaces derive their names from the column names (snake_case for v1, camelCase
// for GraphQL and JSON:API).
import { z } from 'zod';
import type { DB } from '../../db/types.js';
import type { ResourceFamily } from '../auth/scopes.js';

export type ValueType =
  | 'id'
  | 'reference'
  | 'string'
  | 'enum'
  | 'decimal'
  | 'money'
  | 'integer'
  | 'date'
  | 'datetime'
  | 'json';

/** When a client may write a field: never (system-set), at creation only, or at creation and update. */
export type Writability = 'never' | 'create' | 'always';

export interface FieldSpec {
  type: ValueType;
  description: string;
  nullable: boolean;
  write: Writability;
  /** Must be given at creation (writable, not nullable, no database default). */
  required: boolean;
  /** Validates a written value (null is handled by `nullable`). */
  input: z.ZodType;
  /** An enum's values, as stored. */
  values?: readonly string[];
  /** The resource a reference points at, by name. */
  references?: string;
  /** A money amount's currency column. */
  currency?: string;
}

export type FilterSpec =
  /** column = value (references take an id of the referenced resource). */
  | { kind: 'equals'; column: string; field: FieldSpec }
  /** column >= value, or column <= value: date and time ranges. */
  | { kind: 'from' | 'to'; column: string; field: FieldSpec }
  /**
   * column in (select id from <hop table> where <hop column> = value), hop after hop: positions by
   * issuer go through instruments, by industry through instruments and issuers. With `orId`, a UUID
   * value names the last hop's row by id instead (an industry by its code, or by its id).
   */
  | {
      kind: 'through';
      column: string;
      path: readonly { table: string; column: string }[];
      field: FieldSpec;
      orId?: boolean;
    };

export type DomainTable = Exclude<
  keyof DB,
  | 'api_keys'
  | 'custodian_auth_flows'
  | 'custodian_authorities'
  | 'events'
  | 'kysely_migration'
  | 'kysely_migration_lock'
  | 'oauth_client_keys'
  | 'oauth_clients'
  | 'signing_keys'
  | 'tenants'
  | 'white_labels'
> &
  string;

type Columns<T extends DomainTable> = Exclude<
  keyof DB[T] & string,
  'id' | 'tenant_id' | 'white_label_id' | 'external_reference' | 'created_at' | 'updated_at' | 'deleted_at'
>;

export interface ResourceDescription<T extends DomainTable = DomainTable> {
  /** Singular snake_case: the event prefix (`position.created`) and the base of every type name. */
  name: string;
  /** Plural snake_case: the GraphQL list field, and in kebab-case the v1 path unless `path` says otherwise. */
  plural: string;
  /** The v1 collection path, where partners know the resource by a shorter name (holdings, limits). */
  path?: string;
  table: T;
  family: ResourceFamily;
  /** Client-owned rows carry client_id and the client's white label; tenant-owned rows do not. */
  owner: 'tenant' | 'client';
  description: string;
  /** Every column a surface shows, in order, keyed by column name; the common frame included. */
  fields: Record<string, FieldSpec>;
  filters: Record<string, FilterSpec>;
  /** To-many relations: children pointing here by a reference column. */
  children: Record<string, { resource: string; column: string; description: string }>;
  /** Keyset order: (tenant_id, id), and ids are time-ordered, so creation order. */
  sortKey: 'id';
  /** Produced by calculations, never written by clients. */
  readOnly: boolean;
  /**
   * The columns that identify a row by what it is rather than by id (an account's snapshot of a
   * day): a create that names an existing key changes that row instead, so a retried upload is safe.
   */
  naturalKey?: readonly string[];
  /**
   * Moments partners subscribe to beside created/updated/deleted: `<name>.<moment>` is emitted when
   * a write leaves `column` at `value` and it was not before (a cashflow created or moved to posted).
   */
  moments: Record<string, { column: string; value: string; description: string }>;
  /**
   * Rules the database enforces across fields (check constraints, by name), with the field and
   * reason a refused write reports.
   */
  rules: Record<string, { field: string; message: string }>;
}

// —— field helpers ——

interface FieldOptions {
  nullable?: boolean;
  write?: Writability;
  /** The database fills it when omitted at creation. */
  defaulted?: boolean;
}

function make(
  type: ValueType,
  description: string,
  input: z.ZodType,
  options: FieldOptions,
  extra = {},
): FieldSpec {
  const nullable = options.nullable ?? false;
  const write = options.write ?? 'always';
  return {
    type,
    description,
    nullable,
    write,
    required: write !== 'never' && !nullable && !options.defaulted,
    input,
    ...extra,
  };
}

const decimalPattern = /^-?\d{1,18}(\.\d{1,10})?$/;

export const field = {
  text: (
    description: string,
    options: FieldOptions & { max?: number; pattern?: RegExp; hint?: string } = {},
  ) => {
    let input = z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(options.max ?? 200, `must be at most ${options.max ?? 200} characters`);
    if (options.pattern) input = input.regex(options.pattern, options.hint ?? 'has the wrong format');
    return make('string', description, input, options);
  },
  enumOf: (values: readonly [string, ...string[]], description: string, options: FieldOptions = {}) =>
    make('enum', description, z.enum(values, { error: `must be one of ${values.join(', ')}` }), options, {
      values,
    }),
  /** An exact decimal, written and shown as a string so no float ever rounds it. */
  decimal: (description: string, options: FieldOptions & { min?: number; max?: number } = {}) => {
    let input = z
      .union([z.string(), z.number()])
      .transform((value) => String(value))
      .refine((value) => decimalPattern.test(value), 'must be a decimal number such as "1234.56"');
    if (options.min !== undefined) {
      const min = options.min;
      input = input.refine((value) => Number(value) >= min, `must be at least ${min}`);
    }
    if (options.max !== undefined) {
      const max = options.max;
      input = input.refine((value) => Number(value) <= max, `must be at most ${max}`);
    }
    return make('decimal', description, input, options);
  },
  /** An amount in the currency held by `currency` (a column of the same row). */
  money: (currency: string, description: string, options: FieldOptions = {}) =>
    make('money', description, field.decimal(description).input, options, { currency }),
  integer: (description: string, values: readonly number[], options: FieldOptions = {}) =>
    make(
      'integer',
      description,
      z
        .number()
        .int()
        .refine((value) => values.includes(value), `must be one of ${values.join(', ')}`),
      options,
    ),
  date: (description: string, options: FieldOptions = {}) =>
    make('date', description, z.iso.date({ error: 'must be a date (YYYY-MM-DD)' }), options),
  datetime: (description: string, options: FieldOptions = {}) =>
    make(
      'datetime',
      description,
      z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }),
      options,
    ),
  currency: (description = 'ISO 4217 currency code.', options: FieldOptions = {}) =>
    field.text(description, {
      ...options,
      max: 3,
      pattern: /^[A-Z]{3}$/,
      hint: 'must be an ISO 4217 code such as EUR',
    }),
  country: (description = 'ISO 3166-1 alpha-2 country code.', options: FieldOptions = {}) =>
    field.text(description, {
      ...options,
      max: 2,
      pattern: /^[A-Z]{2}$/,
      hint: 'must be an ISO 3166-1 code such as NO',
    }),
  reference: (resource: string, description: string, options: FieldOptions = {}) =>
    make(
      'reference',
      description,
      z.uuid({ error: `must be the id of a ${resource.replaceAll('_', ' ')}` }),
      options,
      {
        references: resource,
      },
    ),
  json: (description: string, input: z.ZodType, options: FieldOptions = {}) =>
    make('json', description, input, options),
};

/** The frame every domain row shares (see the 0002 migration). */
const frame = {
  id: make('id', 'Identifier, time-ordered.', z.uuid(), { write: 'never' }),
  external_reference: field.text(
    'Your own reference for this record (letters, digits, spaces, dashes, underscores).',
    {
      nullable: true,
      max: 256,
      pattern: /^[A-Za-z0-9 _-]*$/,
      hint: 'may hold only letters, digits, spaces, dashes and underscores',
    },
  ),
  created_at: field.datetime('When it was created.', { write: 'never' }),
  updated_at: field.datetime('When it last changed.', { write: 'never' }),
};

// —— filter helpers ——

export const filter = {
  equals: (column: string, spec: FieldSpec): FilterSpec => ({ kind: 'equals', column, field: spec }),
  from: (column: string, spec: FieldSpec): FilterSpec => ({ kind: 'from', column, field: spec }),
  to: (column: string, spec: FieldSpec): FilterSpec => ({ kind: 'to', column, field: spec }),
  through: (
    column: string,
    path: { table: string; column: string }[],
    spec: FieldSpec,
    options: { orId?: boolean } = {},
  ): FilterSpec => ({ kind: 'through', column, path, field: spec, ...options }),
};

// —— describing a resource ——

export interface ResourceInput<T extends DomainTable> {
  name: string;
  plural: string;
  path?: string;
  table: T;
  family: ResourceFamily;
  owner: 'tenant' | 'client';
  description: string;
  fields: Partial<Record<Columns<T>, FieldSpec>>;
  /** Extra filters; `external_reference` and `updated_since` come with every resource. */
  filters?: Record<string, FilterSpec>;
  children?: ResourceDescription['children'];
  readOnly?: boolean;
  naturalKey?: readonly Columns<T>[];
  moments?: ResourceDescription['moments'];
  rules?: ResourceDescription['rules'];
}

const registry = new Map<string, ResourceDescription>();

/** Describes a resource family and registers it, so references between descriptions resolve by name. */
export function defineResource<T extends DomainTable>(input: ResourceInput<T>): ResourceDescription<T> {
  const ownerFields: Record<string, FieldSpec> =
    input.owner === 'client'
      ? {
          client_id: field.reference('client', 'The client this belongs to.', {
            write: 'create',
            defaulted: true,
          }),
        }
      : {};
  const fields: Record<string, FieldSpec> = {
    id: frame.id,
    ...ownerFields,
    ...(input.fields as Record<string, FieldSpec>),
    external_reference: frame.external_reference,
    created_at: frame.created_at,
    updated_at: frame.updated_at,
  };
  const description: ResourceDescription<T> = {
    name: input.name,
    plural: input.plural,
    ...(input.path ? { path: input.path } : {}),
    table: input.table,
    family: input.family,
    owner: input.owner,
    description: input.description,
    fields: input.readOnly
      ? Object.fromEntries(
          Object.entries(fields).map(([column, spec]) => [
            column,
            { ...spec, write: 'never', required: false },
          ]),
        )
      : fields,
    filters: {
      ...input.filters,
      external_reference: filter.equals('external_reference', frame.external_reference),
      updated_since: filter.from('updated_at', frame.updated_at),
    },
    children: input.children ?? {},
    sortKey: 'id',
    readOnly: input.readOnly ?? false,
    ...(input.naturalKey ? { naturalKey: input.naturalKey } : {}),
    moments: input.moments ?? {},
    rules: input.rules ?? {},
  };
  if (registry.has(input.name)) throw new Error(`Resource ${input.name} is described twice`);
  registry.set(input.name, description as unknown as ResourceDescription);
  return description;
}

export function resourceNamed(name: string): ResourceDescription {
  const found = registry.get(name);
  if (!found) throw new Error(`No resource is described as ${name}`);
  return found;
}

/**
 * Every description, by name: the order every surface lists them in (routes, the OpenAPI document,
 * the catalog) must not depend on which module happened to import which description first.
 */
export function describedResources(): ResourceDescription[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// —— naming, one rule for every surface ——

/** `market_value` → `marketValue` (GraphQL fields, JSON:API attributes). */
export const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `legal_entity` → `LegalEntity` (GraphQL types). */
export const pascal = (snake: string) => camel(snake).replace(/^[a-z]/, (c) => c.toUpperCase());
/** `legal_entity` → `legal-entity` (JSON:API types). */
export const kebab = (snake: string) => snake.replaceAll('_', '-');
/** A reference column's relation name: `instrument_id` → `instrument`. */
export const relationName = (column: string) => column.replace(/_id$/, '');
