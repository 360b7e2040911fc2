// biome-ignore-all lint/suspicious/noExplicitAny: descriptions are data; Pothos' static types cannot follow them, so refs are held loosely here and only here.
// Renders every described resource as GraphQL: a Relay node type loaded through DataLoader, its
// relations (to-one through the target's loader, to-many as connections batched across parents),
// a connection type with totalCount, the list query with the description's filters, and the create,
// update and delete mutations with typed errors. One statement per nesting level, however many
// rows each level returns.
import type { GraphQLResolveInfo } from 'graphql';
import type { Scope } from '../../auth/scopes.js';
import { requireScope } from '../../auth/viewer.js';
import { encodeCursor, type Page } from '../../domain/pagination.js';
import {
  camel,
  describedResources,
  type FieldSpec,
  type FilterSpec,
  pascal,
  type ResourceDescription,
  resourceNamed,
} from '../../domain/resource.js';
import { writable } from '../../domain/resources/resource-input.js';
import {
  countResources,
  createResource,
  deleteResource,
  listChildResources,
  listResources,
  loadResources,
  type Row,
  relatedRowOf,
  updateResource,
} from '../../domain/resources/resources.service.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { mutationErrors } from '../errors.graphql.js';
import { Money } from '../scalars.graphql.js';
import { readFilters, readInputArgument, readPage } from './graphql-arguments.js';
import { withGraphQLFieldNames } from './graphql-errors.js';
import { inputName, localId, relationField, typeName } from './graphql-names.js';
import { selectionFor } from './graphql-selection.js';
import { loaderAtPlace } from './path-loaders.js';

const read = (resource: ResourceDescription) => `${resource.family}:read` as Scope;
const writeScope = (resource: ResourceDescription) => `${resource.family}:write` as Scope;

const nodeRefs = new Map<string, any>();
const connectionRefs = new Map<string, any>();
const enumRefs = new Map<FieldSpec, any>();

const nodeRef = (name: string) => nodeRefs.get(name);

/**
 * A described resource's object type, for fields declared elsewhere (subscriptions). Available once
 * renderDescribedResources ran, which field thunks (called when the schema is built) can rely on.
 */
export function resourceObjectType(name: string): any {
  const ref = nodeRef(name);
  if (!ref) throw new Error(`No GraphQL type for the described resource ${name}`);
  return ref;
}
const connectionRef = (name: string) => connectionRefs.get(name);

/** One enum type per described enum field, shared by the filters that use the same field. */
function enumRef(resource: ResourceDescription, column: string, spec: FieldSpec) {
  let ref = enumRefs.get(spec);
  if (!ref) {
    ref = builder.enumType(`${typeName(resource)}${pascal(column)}`, {
      description: spec.description,
      values: Object.fromEntries(
        (spec.values ?? []).map((value) => [value.toUpperCase(), { value }]),
      ) as Record<string, { value: string }>,
    });
    enumRefs.set(spec, ref);
  }
  return ref;
}

/** The GraphQL type of a value of this kind (references are handled as relations or ids). */
function scalarType(resource: ResourceDescription, column: string, spec: FieldSpec): any {
  switch (spec.type) {
    case 'id':
    case 'reference':
      return 'ID';
    case 'enum':
      return enumRef(resource, column, spec);
    case 'decimal':
    case 'money':
      return 'Decimal';
    case 'integer':
      return 'Int';
    case 'date':
      return 'Date';
    case 'datetime':
      return 'DateTime';
    case 'json':
      return 'JSON';
    default:
      return 'String';
  }
}

/** An edge; its cursor is only encoded when a query selects it. */
class Edge {
  constructor(readonly node: Row) {}
  get cursor(): string {
    return encodeCursor(this.node.id);
  }
}

/** A connection over one page; page info and cursors are only built when a query selects them. */
class ConnectionResult {
  readonly edges: Edge[];
  constructor(
    private readonly page: Page<Row>,
    readonly totalCount: () => Promise<number>,
  ) {
    this.edges = page.rows.map((row) => new Edge(row));
  }
  get pageInfo() {
    return {
      hasNextPage: this.page.hasNext,
      hasPreviousPage: this.page.hasPrevious,
      startCursor: this.edges[0]?.cursor ?? null,
      endCursor: this.edges.at(-1)?.cursor ?? null,
    };
  }
}

const emptyPage: Page<Row> = { rows: [], hasNext: false, hasPrevious: false };

function filterDescription(spec: FilterSpec): string {
  const subject = spec.field.type === 'reference' ? relationField(spec.column) : camel(spec.column);
  if (spec.kind === 'from') return `Only those with ${subject} on or after this.`;
  if (spec.kind === 'to') return `Only those with ${subject} on or before this.`;
  if (spec.kind === 'through')
    return `Only those ${spec.field.description.replace(/^[A-Z][a-z]+ /, '').replace(/\.$/, '')}.`;
  return spec.field.type === 'reference'
    ? `Only those of this ${subject} (a global id).`
    : `Only those with this ${subject}.`;
}

/** Filter arguments from the description; `exclude` drops the parent's column under a relation. */
function filterArgs(t: any, resource: ResourceDescription, exclude?: string) {
  const args: Record<string, any> = {};
  for (const [name, spec] of Object.entries(resource.filters) as [string, FilterSpec][]) {
    if (spec.kind === 'equals' && spec.column === exclude) continue;
    args[camel(name)] = t.arg({
      type: scalarType(resource, spec.column, spec.field),
      required: false,
      description: filterDescription(spec),
    });
  }
  return args;
}

function declare(resource: ResourceDescription): void {
  const ref = builder.loadableNodeRef<Row | Error>(typeName(resource), {
    id: { resolve: (row: Row) => row.id },
    // Every field that returns this type asks for its read scope; node and nodes reach the type
    // only through this loader, so it asks too. (Checked per field, not per object of the type:
    // the compiled executor calls isTypeOf without the request's context.)
    load: (ids: string[], context: GraphQLContext) => {
      requireScope(context.viewer, read(resource));
      return loadResources(context.database.db, resource, context.viewer, ids);
    },
    sort: (row: Row) => row.id,
  } as any);
  nodeRefs.set(resource.name, ref);
  connectionRefs.set(
    resource.name,
    builder.connectionObject(
      {
        type: ref,
        name: `${typeName(resource)}Connection`,
        fields: (t: any) => ({
          totalCount: t.int({
            description: 'How many rows match, all pages together (counted only when asked for).',
            resolve: (connection: ConnectionResult) => connection.totalCount(),
          }),
        }),
      } as any,
      { name: `${typeName(resource)}Edge` },
    ),
  );
}

function implement(resource: ResourceDescription): void {
  nodeRef(resource.name).implement({
    description: resource.description,
    fields: (t: any) => {
      const fields: Record<string, any> = {};
      for (const [column, spec] of Object.entries(resource.fields)) {
        if (spec.type === 'id') continue; // the Node interface's global id
        if (spec.type === 'reference' && spec.references) {
          const target = resourceNamed(spec.references);
          const alongWith = relatedRowOf(column);
          fields[relationField(column)] = t.field({
            type: nodeRef(target.name),
            nullable: spec.nullable,
            description: spec.description,
            authScopes: { scope: read(target) },
            // The row itself when the list read it along, else its id for the target's loader.
            resolve: (row: Row) => alongWith(row) ?? row[column] ?? null,
          });
        } else if (spec.type === 'money' && spec.currency) {
          const currency = spec.currency;
          fields[camel(column)] = t.field({
            type: Money,
            nullable: spec.nullable,
            description: spec.description,
            resolve: (row: Row) =>
              row[column] === null ? null : { amount: String(row[column]), currency: String(row[currency]) },
          });
        } else {
          fields[camel(column)] = t.field({
            type: scalarType(resource, column, spec),
            nullable: spec.nullable,
            description: spec.description,
            resolve: (row: Row) =>
              spec.type === 'integer' && row[column] !== null ? Number(row[column]) : row[column],
          });
        }
      }
      for (const [name, child] of Object.entries(resource.children)) {
        fields[camel(name)] = childConnectionField(
          t,
          resourceNamed(child.resource),
          child.column,
          child.description,
        );
      }
      return fields;
    },
  });
}

/**
 * A to-many relation: the same window for every parent the level holds, in one ranked statement;
 * totalCount, when asked for, one grouped count for them all.
 */
function childConnectionField(t: any, child: ResourceDescription, column: string, description: string) {
  return t.field({
    type: connectionRef(child.name),
    description,
    authScopes: { scope: read(child) },
    args: { ...t.arg.connectionArgs(), ...filterArgs(t, child, column) },
    resolve: (
      parent: Row,
      args: Record<string, unknown>,
      context: GraphQLContext,
      info: GraphQLResolveInfo,
    ) =>
      loaderAtPlace(context, info, async (parentIds) => {
        const { pages, count } = await listChildResources(
          context.database.db,
          child,
          context.viewer,
          column,
          parentIds,
          readFilters(child, args),
          readPage(args),
          selectionFor(child, info),
        );
        return parentIds.map((id) => new ConnectionResult(pages.get(id) ?? emptyPage, () => count(id)));
      }).load(parent.id),
  });
}

function addListQuery(resource: ResourceDescription): void {
  builder.queryField(camel(resource.plural), (t: any) =>
    t.field({
      type: connectionRef(resource.name),
      description: `${resource.description} Newest last; filters combine with AND.`,
      authScopes: { scope: read(resource) },
      args: { ...t.arg.connectionArgs(), ...filterArgs(t, resource) },
      resolve: async (
        _root: unknown,
        args: Record<string, unknown>,
        context: GraphQLContext,
        info: GraphQLResolveInfo,
      ) => {
        const page = readPage(args);
        const filters = readFilters(resource, args);
        const { db } = context.database;
        const result = await listResources(
          db,
          resource,
          context.viewer,
          filters,
          page,
          selectionFor(resource, info),
        );
        return new ConnectionResult(result, () => countResources(db, resource, context.viewer, filters));
      },
    }),
  );
}

function inputType(resource: ResourceDescription, mode: 'create' | 'update') {
  const name = `${mode === 'create' ? 'Create' : 'Update'}${typeName(resource)}Input`;
  return builder.inputType(name, {
    description: `${mode === 'create' ? 'A new' : 'Changes to a'} ${resource.name.replaceAll('_', ' ')}; ${mode === 'update' ? 'omitted fields stay as they are, null clears a nullable one.' : 'fields marked required must be given.'}`,
    fields: (t: any) => {
      const fields: Record<string, any> = {};
      for (const [column, spec] of Object.entries(resource.fields)) {
        if (!writable(spec, mode)) continue;
        fields[inputName(column, spec)] = t.field({
          type: scalarType(resource, column, spec),
          required: mode === 'create' && spec.required,
          description: spec.type === 'reference' ? `${spec.description} (a global id)` : spec.description,
        });
      }
      return fields;
    },
  });
}

function addMutations(resource: ResourceDescription): void {
  const Type = typeName(resource);
  const ref = nodeRef(resource.name);
  const result = (verb: string) => ({
    types: mutationErrors,
    union: { name: `${verb}${Type}Result` },
    result: { name: `${verb}${Type}Success` },
    dataField: { name: camel(resource.name) },
  });
  const createInput = inputType(resource, 'create');
  const updateInput = inputType(resource, 'update');
  const idOf = (id: string) => localId(id, resource.name, 'id');

  builder.mutationField(`create${Type}`, (t: any) =>
    t.field({
      type: ref,
      description: `Creates a ${resource.name.replaceAll('_', ' ')}.`,
      authScopes: { scope: writeScope(resource) },
      errors: result('Create'),
      args: { input: t.arg({ type: createInput, required: true }) },
      resolve: (_root: unknown, args: { input: Record<string, unknown> }, context: GraphQLContext) =>
        withGraphQLFieldNames(resource, () =>
          createResource(
            context.database.db,
            resource,
            context.viewer,
            readInputArgument(resource, args.input),
          ),
        ),
    }),
  );
  builder.mutationField(`update${Type}`, (t: any) =>
    t.field({
      type: ref,
      description: `Changes a ${resource.name.replaceAll('_', ' ')}; its event lists the fields that changed.`,
      authScopes: { scope: writeScope(resource) },
      errors: result('Update'),
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: updateInput, required: true }) },
      resolve: (
        _root: unknown,
        args: { id: string; input: Record<string, unknown> },
        context: GraphQLContext,
      ) =>
        withGraphQLFieldNames(
          resource,
          () =>
            updateResource(
              context.database.db,
              resource,
              context.viewer,
              idOf(args.id),
              readInputArgument(resource, args.input),
            ),
          args.id,
        ),
    }),
  );
  builder.mutationField(`delete${Type}`, (t: any) =>
    t.field({
      type: ref,
      description: `Deletes a ${resource.name.replaceAll('_', ' ')}: it disappears from every read; deleting it again is not found.`,
      authScopes: { scope: writeScope(resource) },
      errors: result('Delete'),
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root: unknown, args: { id: string }, context: GraphQLContext) =>
        withGraphQLFieldNames(
          resource,
          () => deleteResource(context.database.db, resource, context.viewer, idOf(args.id)),
          args.id,
        ),
    }),
  );
}

/** Renders every described resource; called once, when the schema is built. */
export function renderDescribedResources(): void {
  const resources = describedResources();
  for (const resource of resources) declare(resource);
  for (const resource of resources) implement(resource);
  for (const resource of resources) {
    addListQuery(resource);
    if (!resource.readOnly) addMutations(resource);
  }
}
