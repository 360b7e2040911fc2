import type { FieldSpec, ResourceDescription } from '../../domain/resource.js';
import { resourceNamed } from '../../domain/resource.js';
import { publicValue } from '../../domain/resources/resource-record.js';
import type { Row } from '../../domain/resources/resources.service.js';
import { type DerivedAttribute, derivedAttributes } from './derived-attributes.js';
import {
  attributeName,
  collectionUrl,
  type JsonApiSurface,
  toManyName,
  toManyPath,
  toOneName,
  typeOf,
} from './jsonapi-surfaces.js';

// How a JSON:API surface shows a row of a described resource: a resource object with its type,
// id, camelCase attributes, relationships (each reference column to-one, each to-many relation
// the surface serves) and links. Built once per surface and resource.

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export interface ResourceObject extends ResourceIdentifier {
  attributes: Record<string, unknown>;
  relationships?: Record<string, unknown>;
  links: { self: string };
}

export interface ToOne {
  kind: 'one';
  name: string;
  column: string;
  target: ResourceDescription;
  type: string;
  /** Where the related resource is read, when a JSON:API surface serves it. */
  url?: string;
}

export interface ToMany {
  kind: 'many';
  name: string;
  /** The child's column that points at this resource. */
  column: string;
  target: ResourceDescription;
  type: string;
  /** The sub-path of the related collection: /api/v2/users/{id}/role-assignments. */
  path: string;
  description: string;
}

export type Relationship = ToOne | ToMany;

/** To-many linkage read for an include: the related rows' identifiers, by relationship name. */
export type Linkage = ReadonlyMap<string, readonly ResourceIdentifier[]>;

export interface ResourceRenderer {
  surface: JsonApiSurface;
  resource: ResourceDescription;
  type: string;
  /** `/api/v2/accounts`. */
  url: string;
  /** [attribute, column, spec] in the description's order; references are relationships instead. */
  attributes: readonly (readonly [string, string, FieldSpec])[];
  relationships: ReadonlyMap<string, Relationship>;
  /** Attributes computed over a document's rows (derived-attributes.ts). */
  derived: readonly (readonly [string, DerivedAttribute])[];
  /** The row as a resource object; links are absolute, on `base` (the public URL). */
  present(
    row: Row,
    base: string,
    fields?: ReadonlySet<string>,
    linkage?: Linkage,
    derived?: Readonly<Record<string, unknown>>,
  ): ResourceObject;
}

const renderers = new Map<JsonApiSurface, Map<ResourceDescription, ResourceRenderer>>();

/** Whether a field is shown as an attribute: neither the id nor a reference (a relationship). */
const isAttribute = (column: string, spec: FieldSpec) => column !== 'id' && spec.type !== 'reference';

export function rendererOf(surface: JsonApiSurface, resource: ResourceDescription): ResourceRenderer {
  let bySurface = renderers.get(surface);
  if (!bySurface) {
    bySurface = new Map();
    renderers.set(surface, bySurface);
  }
  const cached = bySurface.get(resource);
  if (cached) return cached;
  const url = collectionUrl(surface, resource);
  if (!url) throw new Error(`No JSON:API surface serves ${resource.name}`);
  const type = typeOf(surface, resource);
  const attributes = Object.entries(resource.fields)
    .filter(([column, spec]) => isAttribute(column, spec))
    .map(([column, spec]) => [attributeName(surface, column), column, spec] as const);
  const relationships = new Map<string, Relationship>();
  for (const [column, spec] of Object.entries(resource.fields)) {
    if (spec.type !== 'reference' || !spec.references) continue;
    const target = resourceNamed(spec.references);
    const targetUrl = collectionUrl(surface, target);
    const name = toOneName(surface, column);
    relationships.set(name, {
      kind: 'one',
      name,
      column,
      target,
      type: typeOf(surface, target),
      ...(targetUrl ? { url: targetUrl } : {}),
    });
  }
  for (const [relation, child] of Object.entries(resource.children)) {
    const target = resourceNamed(child.resource);
    // Only what this surface serves: the related link is one of its own routes.
    if (!surface.paths[target.name]) continue;
    const name = toManyName(surface, relation);
    relationships.set(name, {
      kind: 'many',
      name,
      column: child.column,
      target,
      type: typeOf(surface, target),
      path: toManyPath(surface, relation),
      description: child.description,
    });
  }
  const relationshipList = [...relationships.values()];

  const renderer: ResourceRenderer = {
    surface,
    resource,
    type,
    url,
    attributes,
    relationships,
    derived: Object.entries(derivedAttributes[resource.name] ?? {}),
    present(row, base, fields, linkage, derived) {
      const self = `${base}${url}/${row.id}`;
      const shownAttributes: Record<string, unknown> = {};
      for (const [name, column, spec] of attributes) {
        if (!fields || fields.has(name)) shownAttributes[name] = publicValue(spec, row[column]);
      }
      for (const [name, value] of Object.entries(derived ?? {})) {
        if (!fields || fields.has(name)) shownAttributes[name] = value;
      }
      const shownRelationships: Record<string, unknown> = {};
      for (const relationship of relationshipList) {
        if (fields && !fields.has(relationship.name)) continue;
        if (relationship.kind === 'one') {
          const id = row[relationship.column] as string | null | undefined;
          shownRelationships[relationship.name] = {
            data: id ? { type: relationship.type, id } : null,
            ...(id && relationship.url ? { links: { related: `${base}${relationship.url}/${id}` } } : {}),
          };
        } else {
          const data = linkage?.get(relationship.name);
          shownRelationships[relationship.name] = {
            links: { related: `${self}/${relationship.path}` },
            ...(data ? { data } : {}),
          };
        }
      }
      return {
        type,
        id: row.id,
        attributes: shownAttributes,
        ...(Object.keys(shownRelationships).length > 0 ? { relationships: shownRelationships } : {}),
        links: { self },
      };
    },
  };
  bySurface.set(resource, renderer);
  return renderer;
}
