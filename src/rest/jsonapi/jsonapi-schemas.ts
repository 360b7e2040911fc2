import { z } from 'zod';
import { pascal } from '../../domain/resource.js';
import { writable } from '../../domain/resources/resource-input.js';
import { validateWith } from '../route-validation.js';
import { named } from '../schema-names.js';
import { shownField } from '../shown-values.js';
import { readDocument, shapeOf } from './document-reader.js';
import { reachableRenderers } from './jsonapi-query.js';
import type { ResourceRenderer } from './resource-objects.js';

// The JSON:API documents of each route, as zod schemas derived from the renderers: what the OpenAPI
// document publishes (and tests hold every response to). Write bodies are read by
// document-reader.ts, whose refusals point into the document; their schemas here describe them.

export interface DocumentSchemas {
  object: z.ZodType;
  single: z.ZodType;
  collection: z.ZodType;
  create: z.ZodType;
  update: z.ZodType;
}

const cache = new WeakMap<ResourceRenderer, DocumentSchemas>();
const objects = new WeakMap<ResourceRenderer, z.ZodType>();

/** `V2LegalEntity`, `V2Asset`: component names, one set per surface. */
const componentName = (renderer: ResourceRenderer) =>
  `${renderer.surface.tag.toUpperCase()}${pascal(renderer.type.replaceAll('-', '_'))}`;

const identifier = (type: string) => z.strictObject({ type: z.literal(type), id: z.uuid() });
const link = z.url().describe('An absolute URL on this server (PUBLIC_URL).');

export const jsonApiVersion = z.strictObject({ version: z.literal('1.1') });

function resourceObject(renderer: ResourceRenderer): z.ZodType {
  const cached = objects.get(renderer);
  if (cached) return cached;
  const attributes: Record<string, z.ZodType> = {};
  for (const [name, , spec] of renderer.attributes) attributes[name] = shownField(spec).optional();
  for (const [name, derived] of renderer.derived) attributes[name] = derived.schema.optional();
  const relationships: Record<string, z.ZodType> = {};
  for (const relationship of renderer.relationships.values()) {
    relationships[relationship.name] = (
      relationship.kind === 'one'
        ? z.strictObject({
            data: identifier(relationship.type).nullable(),
            links: z.strictObject({ related: link }).optional(),
          })
        : z.strictObject({
            links: z.strictObject({ related: link }),
            data: z
              .array(identifier(relationship.type))
              .optional()
              .describe('Present when the relationship is included.'),
          })
    )
      .optional()
      .describe(
        (relationship.kind === 'one'
          ? renderer.resource.fields[relationship.column]?.description
          : relationship.description) ?? relationship.name,
      );
  }
  const object = named(
    z.strictObject({
      type: z.literal(renderer.type),
      id: z.uuid(),
      attributes: z.strictObject(attributes).describe('Every attribute, or those fields[type]= asks for.'),
      relationships: z.strictObject(relationships).optional(),
      links: z.strictObject({ self: link }),
    }),
    componentName(renderer),
    renderer.resource.description,
  );
  objects.set(renderer, object);
  return object;
}

const topLinks = z.strictObject({ self: link });

function writeDocument(renderer: ResourceRenderer, mode: 'create' | 'update'): z.ZodType {
  const attributes: Record<string, z.ZodType> = {};
  for (const [name, , spec] of renderer.attributes) {
    if (!writable(spec, mode)) continue;
    const value = shownField(spec);
    attributes[name] = mode === 'create' && spec.required ? value : value.optional();
  }
  const relationships: Record<string, z.ZodType> = {};
  for (const relationship of renderer.relationships.values()) {
    const spec = renderer.resource.fields[relationship.column];
    if (relationship.kind !== 'one' || !spec || !writable(spec, mode)) continue;
    const data = identifier(relationship.type);
    const value = z.strictObject({ data: spec.nullable ? data.nullable() : data });
    relationships[relationship.name] = mode === 'create' && spec.required ? value : value.optional();
  }
  return z.strictObject({
    data: z.strictObject({
      type: z.literal(renderer.type),
      ...(mode === 'update' ? { id: z.uuid() } : {}),
      attributes: z.strictObject(attributes).optional(),
      relationships: z.strictObject(relationships).optional(),
    }),
  });
}

export function documentSchemas(renderer: ResourceRenderer): DocumentSchemas {
  const cached = cache.get(renderer);
  if (cached) return cached;
  const name = componentName(renderer);
  const object = resourceObject(renderer);
  const reachable = [...reachableRenderers(renderer).values()].map(resourceObject);
  const included = z
    .array(reachable.length === 1 ? (reachable[0] as z.ZodType) : z.union(reachable))
    .optional()
    .describe('The resources include= asked for, each once.');
  const schemas: DocumentSchemas = {
    object,
    single: named(
      z.strictObject({ jsonapi: jsonApiVersion, data: object, included, links: topLinks }),
      `${name}Document`,
    ),
    collection: named(
      z.strictObject({
        jsonapi: jsonApiVersion,
        data: z.array(object),
        included,
        links: topLinks,
        meta: z.strictObject({
          count: z.int().describe('Rows in data.'),
          rowCap: z.int().describe('The most rows one response holds (ROW_CAP).'),
          capped: z
            .boolean()
            .describe('True when more rows matched than the cap: narrow the filters to see them all.'),
        }),
      }),
      `${name}Collection`,
      'Every matching row, up to the row cap: there is no pagination on v2 and v3.',
    ),
    create: validateWith(named(writeDocument(renderer, 'create'), `${name}Create`), (body) =>
      readDocument(shapeOf(renderer), 'create', body),
    ),
    update: validateWith(named(writeDocument(renderer, 'update'), `${name}Update`), (body) =>
      readDocument(shapeOf(renderer), 'update', body),
    ),
  };
  cache.set(renderer, schemas);
  return schemas;
}

export const errorsDocument = named(
  z.strictObject({
    jsonapi: jsonApiVersion,
    errors: z.array(
      z.strictObject({
        status: z.string().describe('The HTTP status, as a string.'),
        code: z.string().describe('A stable code, e.g. client_not_found or invalid_attribute.'),
        title: z.string(),
        detail: z.string(),
        source: z
          .strictObject({
            pointer: z.string().optional().describe('JSON pointer (RFC 6901) into the request document.'),
            parameter: z.string().optional().describe('The query parameter at fault.'),
            header: z.string().optional().describe('The request header at fault.'),
          })
          .optional(),
        meta: z
          .strictObject({
            quota: z.int().describe('The credential’s requests a day.'),
            resetsAt: z.iso.datetime().describe('When the quota resets (the next midnight, UTC).'),
          })
          .optional()
          .describe('For daily_quota_exceeded: the quota and when it resets.'),
      }),
    ),
    meta: z.strictObject({ requestId: z.string() }),
  }),
  'JsonApiErrors',
  'JSON:API errors: one entry per problem found.',
);
