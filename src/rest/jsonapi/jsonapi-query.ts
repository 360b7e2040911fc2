import { z } from 'zod';
import type { FieldSpec } from '../../domain/resource.js';
import type { FilterValues } from '../../domain/resources/resources.service.js';
import { queryParameterError } from '../route-validation.js';
import { maxIncludeDepth, relatedRenderer } from './compound-documents.js';
import { filterParameter } from './jsonapi-surfaces.js';
import type { ResourceRenderer } from './resource-objects.js';

// The query a JSON:API route takes: the description's filters under their camelCase names (lists
// only), include= and one fields[type]= per type the document can hold. There is no page or sort:
// v2 and v3 answer every matching row up to the row cap. Anything else is refused by name.

export type JsonApiQuery = Record<string, string | undefined>;

/** Every renderer a document of `renderer` can hold: itself and what include= can reach. */
export function reachableRenderers(renderer: ResourceRenderer): Map<string, ResourceRenderer> {
  const found = new Map<string, ResourceRenderer>([[renderer.type, renderer]]);
  let level = [renderer];
  for (let depth = 0; depth < maxIncludeDepth; depth++) {
    const next: ResourceRenderer[] = [];
    for (const from of level) {
      for (const relationship of from.relationships.values()) {
        if (relationship.kind === 'one' && !relationship.url) continue;
        const related = relatedRenderer(from, relationship);
        if (found.has(related.type)) continue;
        found.set(related.type, related);
        next.push(related);
      }
    }
    level = next;
  }
  return found;
}

const includeParameter = z
  .string()
  .optional()
  .describe(
    `Related resources to include, as comma-separated relationship paths (up to ${maxIncludeDepth} deep, e.g. account.depository).`,
  );

function fieldsParameters(renderer: ResourceRenderer): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const type of reachableRenderers(renderer).keys()) {
    shape[`fields[${type}]`] = z
      .string()
      .optional()
      .describe(`Sparse fieldset: the attributes and relationships of ${type} to show, comma-separated.`);
  }
  return shape;
}

/** A single resource's query: include= and fields[type]=. */
export function readQuery(renderer: ResourceRenderer): z.ZodType {
  return z.strictObject({ include: includeParameter, ...fieldsParameters(renderer) });
}

function filterDescription(name: string, spec: FieldSpec): string {
  if (name === 'updated_since') return 'Rows changed at or after this instant.';
  return spec.description;
}

/** A list's query: the filters (less `without`, the parent of a sub-collection), include and fields. */
export function listQuery(renderer: ResourceRenderer, without?: string): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(renderer.resource.filters)) {
    if (name === without) continue;
    shape[filterParameter(renderer.surface, name)] = spec.field.input
      .optional()
      .describe(filterDescription(name, spec.field));
  }
  return z.strictObject({ ...shape, include: includeParameter, ...fieldsParameters(renderer) });
}

/** The description's filter values from a validated list query. */
export function filtersOf(renderer: ResourceRenderer, query: JsonApiQuery): FilterValues {
  const filters: FilterValues = {};
  for (const name of Object.keys(renderer.resource.filters)) {
    const value = query[filterParameter(renderer.surface, name)];
    if (value !== undefined) filters[name] = value;
  }
  return filters;
}

/** fields[type]= as sets of names by type; a name the type does not have is refused. */
export function fieldsetsOf(renderer: ResourceRenderer, query: JsonApiQuery): Map<string, Set<string>> {
  const fieldsets = new Map<string, Set<string>>();
  for (const [type, typeRenderer] of reachableRenderers(renderer)) {
    const parameter = `fields[${type}]`;
    const value = query[parameter];
    if (value === undefined) continue;
    const names = new Set(value === '' ? [] : value.split(',').map((name) => name.trim()));
    for (const name of names) {
      const known =
        typeRenderer.relationships.has(name) ||
        typeRenderer.attributes.some(([attribute]) => attribute === name) ||
        typeRenderer.derived.some(([attribute]) => attribute === name);
      if (!known) throw queryParameterError(parameter, `${type} has no attribute or relationship ${name}`);
    }
    fieldsets.set(type, names);
  }
  return fieldsets;
}
