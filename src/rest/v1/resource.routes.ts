import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../auth/scopes.js';
import { pascal, type ResourceDescription, resourceNamed } from '../../domain/resource.js';
import { publicRecord } from '../../domain/resources/resource-record.js';
import {
  createResource,
  deleteResource,
  type FilterValues,
  getResource,
  listResources,
  type Row,
  updateResource,
} from '../../domain/resources/resources.service.js';
import type { Database } from '../../platform/database.js';
import type { ServerSecrets } from '../../platform/server-secrets.js';
import { queryParameterError } from '../route-validation.js';
import { ifMatch } from './conditional-requests.js';
import { listCursors, readPage, sendPage } from './pagination.js';
import { collectionPath, tagOf, v1FilterName } from './v1-names.js';
import { noContent, problemResponses, v1Security } from './v1-openapi.js';
import { idParameter, listQuery, resourceSchemas } from './v1-schemas.js';

// Every described resource's v1 routes, rendered from its description: list (with its filters,
// delta reads and cursor), get, create, update and delete, and its to-many relations as
// sub-collections (/v1/portfolios/{id}/positions). Reads need <family>:read, writes <family>:write.

export interface RouteDeps {
  database: Database;
  secrets: ServerSecrets;
}

/** How v1 reads and shows one resource: the columns it selects and the presenter of a row. */
interface View {
  resource: ResourceDescription;
  /** What v1 shows, not the row's bookkeeping (tenant, white label, deleted_at). */
  columns: string[];
  /** The public record, or a tombstone for a deleted row. */
  present: (row: Row) => Record<string, unknown>;
}

function viewOf(resource: ResourceDescription): View {
  return {
    resource,
    columns: Object.keys(resource.fields),
    present: (row) => {
      if (!row.deleted_at) return publicRecord(resource, row);
      return {
        id: row.id,
        external_reference: row.external_reference ?? null,
        deleted: true,
        deleted_at: (row.deleted_at as Date).toISOString(),
        updated_at: (row.updated_at as Date).toISOString(),
      };
    },
  };
}

const label = (resource: ResourceDescription) => resource.name.replaceAll('_', ' ');
const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

type ListQuery = Record<string, string | number | undefined> & { limit?: number; cursor?: string };

/** The description's filter values from a list's v1 query (already validated by its schema). */
function filtersOf(resource: ResourceDescription, query: ListQuery): FilterValues {
  const filters: FilterValues = {};
  for (const name of Object.keys(resource.filters)) {
    const value = query[v1FilterName(name)];
    if (value !== undefined) filters[name] = value;
  }
  return filters;
}

/** Lists rows of `resource` for a v1 list route, in id order or, with updated_since, change order. */
async function listPage(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  { resource, columns, present }: View,
  filters: FilterValues,
  parent?: { column: string; id: string },
) {
  const query = request.query as ListQuery;
  const changeOrder = filters.updated_since !== undefined;
  const includeDeleted = query.include_deleted === 'true';
  if (includeDeleted && !changeOrder) {
    throw queryParameterError('include_deleted', 'needs updated_since: tombstones are part of a delta read');
  }
  const cursors = await listCursors(
    request,
    deps.secrets,
    {
      ...filters,
      include_deleted: includeDeleted,
      ...(parent ? { [`parent:${parent.column}`]: parent.id } : {}),
    },
    changeOrder ? 'updated_at' : 'id',
  );
  const page = readPage(query, cursors);
  const rows = await listResources(deps.database.db, resource, request.viewer, filters, page, {
    columns: includeDeleted ? [...columns, 'deleted_at'] : columns,
    includeDeleted,
    changeOrder,
    ...(parent ? { parent } : {}),
  });
  return { rows, body: sendPage(request, reply, rows, cursors, present) };
}

export function registerResourceRoutes(
  v1: FastifyInstance,
  deps: RouteDeps,
  resource: ResourceDescription,
): void {
  const { db } = deps.database;
  const path = collectionPath(resource);
  const schemas = resourceSchemas(resource);
  const view = viewOf(resource);
  const { present } = view;
  const type = pascal(resource.name);
  const plural = pascal(resource.path ?? resource.plural);
  const one = label(resource);
  const read: Scope = `${resource.family}:read`;
  const write: Scope = `${resource.family}:write`;
  const tags = [tagOf(resource)];
  const documented = (scope: Scope, operationId: string, summary: string) => ({
    tags,
    operationId,
    summary,
    security: v1Security(scope),
  });

  v1.get(
    path,
    {
      config: { scope: read },
      schema: {
        ...documented(read, `list${plural}`, `List ${resource.plural.replaceAll('_', ' ')}`),
        description: `${resource.description} In creation order; with updated_since, in change order (a delta read).`,
        querystring: listQuery(resource),
        response: { 200: schemas.page, ...problemResponses([400]) },
      },
    },
    async (request, reply) =>
      (await listPage(deps, request, reply, view, filtersOf(resource, request.query as ListQuery))).body,
  );

  v1.get<{ Params: { id: string } }>(
    `${path}/:id`,
    {
      config: { scope: read },
      schema: {
        ...documented(read, `get${type}`, `Get ${article(one)} ${one}`),
        params: idParameter,
        response: { 200: schemas.record, ...problemResponses([404]) },
      },
    },
    async (request) => present(await getResource(db, resource, request.viewer, request.params.id, view)),
  );

  for (const [relation, child] of Object.entries(resource.children)) {
    const target = resourceNamed(child.resource);
    const targetSchemas = resourceSchemas(target);
    const targetView = viewOf(target);
    v1.get<{ Params: { id: string } }>(
      `${path}/:id/${relation.replaceAll('_', '-')}`,
      {
        config: { scope: `${target.family}:read` },
        schema: {
          ...documented(
            `${target.family}:read`,
            `list${pascal(relation)}Of${type}`,
            `List ${article(one)} ${one}’s ${relation.replaceAll('_', ' ')}`,
          ),
          description: child.description,
          params: idParameter,
          querystring: listQuery(target, child.column),
          response: { 200: targetSchemas.page, ...problemResponses([400, 404]) },
        },
      },
      async (request, reply) => {
        const { rows, body } = await listPage(
          deps,
          request,
          reply,
          targetView,
          filtersOf(target, request.query as ListQuery),
          { column: child.column, id: request.params.id },
        );
        // An empty page may be an unknown parent (or another tenant's): that answers 404.
        if (rows.rows.length === 0) await getResource(db, resource, request.viewer, request.params.id);
        return body;
      },
    );
  }

  if (resource.readOnly) return;

  v1.post(
    path,
    {
      config: { scope: write },
      schema: {
        ...documented(write, `create${type}`, `Create ${article(one)} ${one}`),
        body: schemas.create,
        response: { 201: schemas.record, ...problemResponses([400, 409, 415]) },
      },
    },
    async (request, reply) => {
      const created = await createResource(
        db,
        resource,
        request.viewer,
        request.body as Record<string, unknown>,
      );
      return reply.status(201).header('location', `/v1${path}/${created.id}`).send(present(created));
    },
  );

  v1.patch<{ Params: { id: string } }>(
    `${path}/:id`,
    {
      config: { scope: write },
      schema: {
        ...documented(write, `update${type}`, `Update ${article(one)} ${one}`),
        description:
          'Changes the fields given; the others keep their values. With If-Match, only if the resource still has that ETag.',
        params: idParameter,
        body: schemas.update,
        response: { 200: schemas.record, ...problemResponses([400, 404, 409, 412, 415]) },
      },
    },
    async (request) => {
      const updated = await updateResource(
        db,
        resource,
        request.viewer,
        request.params.id,
        request.body as Record<string, unknown>,
        ifMatch(request, present),
      );
      return present(updated);
    },
  );

  v1.delete<{ Params: { id: string } }>(
    `${path}/:id`,
    {
      config: { scope: write },
      schema: {
        ...documented(write, `delete${type}`, `Delete ${article(one)} ${one}`),
        description:
          'Deletes it (delta reads report it as a tombstone). With If-Match, only if the resource still has that ETag.',
        params: idParameter,
        response: { 204: noContent, ...problemResponses([404, 409, 412]) },
      },
    },
    async (request, reply) => {
      await deleteResource(db, resource, request.viewer, request.params.id, ifMatch(request, present));
      return reply.status(204).send();
    },
  );
}
