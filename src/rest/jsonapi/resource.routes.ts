import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../../auth/scopes.js';
import type { ResourceDescription } from '../../domain/resource.js';
import {
  createResource,
  deleteResource,
  type FilterValues,
  getResource,
  listResources,
  type Row,
  updateResource,
  upsertResource,
} from '../../domain/resources/resources.service.js';
import type { Database } from '../../platform/database.js';
import { v1Security } from '../v1/v1-openapi.js';
import { idParameter } from '../v1/v1-schemas.js';
import {
  type DocumentResource,
  type IncludeTree,
  parseInclude,
  readIncluded,
  withDerived,
} from './compound-documents.js';
import { DocumentError, pointerOf, type ReadDocument, shapeOf } from './document-reader.js';
import { jsonApiMediaType } from './jsonapi-errors.js';
import { errorResponses, jsonApiRequestTypes, noContent } from './jsonapi-openapi.js';
import { fieldsetsOf, filtersOf, type JsonApiQuery, listQuery, readQuery } from './jsonapi-query.js';
import { documentSchemas } from './jsonapi-schemas.js';
import type { JsonApiSurface } from './jsonapi-surfaces.js';
import { type ResourceRenderer, rendererOf } from './resource-objects.js';

// Every resource a JSON:API surface serves, rendered from its description: list (every matching
// row up to the row cap), get, create (an upsert where the description has a natural key), update,
// delete, and its to-many relations as related collections. Reads need <family>:read, writes
// <family>:write, exactly as on v1.

export interface JsonApiRouteDeps {
  database: Database;
  rowCap: number;
  /** The base of every link (JSON:API links are absolute URLs). */
  publicUrl: string;
}

const words = (path: string) =>
  path
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** The document a read answers with: the primary data, what include= asked for, and links. */
async function documentOf(
  deps: JsonApiRouteDeps,
  request: FastifyRequest,
  renderer: ResourceRenderer,
  rows: Row[] | Row,
  query: JsonApiQuery,
  tree: IncludeTree,
  meta?: { count: number; rowCap: number; capped: boolean },
) {
  const fieldsets = fieldsetsOf(renderer, query);
  const primary: DocumentResource[] = (Array.isArray(rows) ? rows : [rows]).map((row) => ({
    renderer,
    row,
    linkage: new Map(),
  }));
  const { included, capped } = await readIncluded(
    { db: deps.database.db, viewer: request.viewer, rowCap: deps.rowCap },
    primary,
    tree,
  );
  withDerived([...primary, ...included]);
  const show = (resource: DocumentResource) =>
    resource.renderer.present(
      resource.row,
      deps.publicUrl,
      fieldsets.get(resource.renderer.type),
      resource.linkage,
      resource.derived,
    );
  return {
    jsonapi: { version: '1.1' },
    data: Array.isArray(rows) ? primary.map(show) : show(primary[0] as DocumentResource),
    ...(tree.size > 0 ? { included: included.map(show) } : {}),
    // As sent, with the brackets of fields[type]= escaped as a URI requires.
    links: { self: `${deps.publicUrl}${request.url.replaceAll('[', '%5B').replaceAll(']', '%5D')}` },
    ...(meta ? { meta: { ...meta, capped: meta.capped || capped } } : {}),
  };
}

/** Reads what the query asks for before any row: a bad include or fieldset is refused first. */
function readShape(request: FastifyRequest, renderer: ResourceRenderer) {
  const query = request.query as JsonApiQuery;
  const tree = query.include ? parseInclude(renderer, query.include, request.viewer) : new Map();
  fieldsetsOf(renderer, query);
  return { query, tree };
}

const answer = (reply: FastifyReply) => reply.type(jsonApiMediaType);

export function registerJsonApiResourceRoutes(
  surface: FastifyInstance,
  deps: JsonApiRouteDeps,
  on: JsonApiSurface,
  resource: ResourceDescription,
): void {
  const { db } = deps.database;
  const renderer = rendererOf(on, resource);
  const document = shapeOf(renderer);
  const schemas = documentSchemas(renderer);
  const path = `/${on.paths[resource.name]}`;
  const plural = words(on.paths[resource.name] as string);
  const singular = words(renderer.type);
  const read: Scope = `${resource.family}:read`;
  const write: Scope = `${resource.family}:write`;
  const what = renderer.type.replaceAll('-', ' ');
  const a = /^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`;
  const documented = (scope: Scope, operation: string, summary: string) => ({
    tags: [on.tag],
    operationId: `${on.tag}${operation}`,
    summary,
    security: v1Security(scope),
    consumes: jsonApiRequestTypes,
    produces: [jsonApiMediaType],
    ...(on.successor ? { deprecated: true } : {}),
  });

  const list = async (
    request: FastifyRequest,
    reply: FastifyReply,
    listed: ResourceRenderer,
    filters: FilterValues,
    parent?: { column: string; id: string },
  ) => {
    const { query, tree } = readShape(request, listed);
    const page = await listResources(
      db,
      listed.resource,
      request.viewer,
      filters,
      { direction: 'forward', limit: deps.rowCap },
      parent ? { parent } : {},
    );
    if (parent && page.rows.length === 0) await getResource(db, resource, request.viewer, parent.id);
    const meta = { count: page.rows.length, rowCap: deps.rowCap, capped: page.hasNext };
    return answer(reply).send(await documentOf(deps, request, listed, page.rows, query, tree, meta));
  };

  surface.get(
    path,
    {
      config: { scope: read, renderer, document },
      schema: {
        ...documented(read, `List${plural}`, `List ${on.paths[resource.name]?.replaceAll('-', ' ')}`),
        description: `${resource.description} Every matching row, up to the row cap (meta.capped says when there were more).`,
        querystring: listQuery(renderer),
        response: { 200: schemas.collection, ...errorResponses([400]) },
      },
    },
    async (request, reply) =>
      list(request, reply, renderer, filtersOf(renderer, request.query as JsonApiQuery)),
  );

  surface.get<{ Params: { id: string } }>(
    `${path}/:id`,
    {
      config: { scope: read, renderer, document },
      schema: {
        ...documented(read, `Get${singular}`, `Get ${a}`),
        params: idParameter,
        querystring: readQuery(renderer),
        response: { 200: schemas.single, ...errorResponses([400, 404]) },
      },
    },
    async (request, reply) => {
      const { query, tree } = readShape(request, renderer);
      const row = await getResource(db, resource, request.viewer, request.params.id);
      return answer(reply).send(await documentOf(deps, request, renderer, row, query, tree));
    },
  );

  for (const relationship of renderer.relationships.values()) {
    if (relationship.kind !== 'many') continue;
    const related = rendererOf(on, relationship.target);
    surface.get<{ Params: { id: string } }>(
      `${path}/:id/${relationship.path}`,
      {
        config: {
          scope: `${relationship.target.family}:read`,
          renderer: related,
          document: shapeOf(related),
        },
        schema: {
          ...documented(
            `${relationship.target.family}:read`,
            `List${words(relationship.path)}Of${singular}`,
            `List ${a}’s ${relationship.path.replaceAll('-', ' ')}`,
          ),
          description: relationship.description,
          params: idParameter,
          querystring: listQuery(related, relationship.column),
          response: { 200: documentSchemas(related).collection, ...errorResponses([400, 404]) },
        },
      },
      async (request, reply) =>
        list(request, reply, related, filtersOf(related, request.query as JsonApiQuery), {
          column: relationship.column,
          id: request.params.id,
        }),
    );
  }

  if (resource.readOnly) return;

  const upsert = resource.naturalKey;
  surface.post(
    path,
    {
      config: { scope: write, renderer, document },
      schema: {
        ...documented(write, `Create${singular}`, upsert ? `Upload ${a}` : `Create ${a}`),
        description: upsert
          ? `Creates the ${what} of (${upsert.map((column) => pointerOf(document, column).split('/').at(-1)).join(', ')}), or overwrites the one that exists: retrying is safe.`
          : 'Not retry-safe (v2 and v3 take no Idempotency-Key): after a timeout, read before retrying.',
        body: schemas.create,
        response: {
          201: schemas.single,
          ...(upsert ? { 200: schemas.single } : {}),
          ...errorResponses([400, 403, 409, 415]),
        },
      },
    },
    async (request, reply) => {
      const { input } = request.body as ReadDocument;
      const { row, created } = upsert
        ? await upsertResource(db, resource, request.viewer, input)
        : { row: await createResource(db, resource, request.viewer, input), created: true };
      const document = await documentOf(deps, request, renderer, row, {}, new Map());
      const self = `${deps.publicUrl}${renderer.url}/${row.id}`;
      document.links.self = self;
      if (created) reply.status(201).header('location', self);
      return answer(reply).send(document);
    },
  );

  surface.patch<{ Params: { id: string } }>(
    `${path}/:id`,
    {
      config: { scope: write, renderer, document },
      schema: {
        ...documented(write, `Update${singular}`, `Update ${a}`),
        description: 'Changes the attributes and relationships given; the others keep their values.',
        params: idParameter,
        body: schemas.update,
        response: { 200: schemas.single, ...errorResponses([400, 404, 409, 415]) },
      },
    },
    async (request, reply) => {
      const { input, id } = request.body as ReadDocument;
      if (id !== request.params.id) {
        throw new DocumentError(409, 'id_mismatch', 'data.id must be the id in the URL', '/data/id');
      }
      const row = await updateResource(db, resource, request.viewer, request.params.id, input);
      return answer(reply).send(await documentOf(deps, request, renderer, row, {}, new Map()));
    },
  );

  surface.delete<{ Params: { id: string } }>(
    `${path}/:id`,
    {
      config: { scope: write, renderer, document },
      schema: {
        ...documented(write, `Delete${singular}`, `Delete ${a}`),
        description: 'Deleting it again answers 404, so a retry loop can stop there.',
        params: idParameter,
        response: { 204: noContent, ...errorResponses([404, 409]) },
      },
    },
    async (request, reply) => {
      await deleteResource(db, resource, request.viewer, request.params.id);
      return reply.status(204).send();
    },
  );
}
