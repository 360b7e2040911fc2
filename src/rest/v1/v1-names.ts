import { kebab, type ResourceDescription } from '../../domain/resource.js';

// v1's names for what the descriptions name: collections in kebab-case (or the shorter path a
// description gives), fields and filters in snake_case as described — except date ranges, which
// partners know as `from` and `to`.

/** `/positions`, `/legal-entities`, `/holdings`. */
export function collectionPath(resource: ResourceDescription): string {
  return `/${resource.path ?? kebab(resource.plural)}`;
}

/** `from_date` → `from`, `to_date` → `to`; every other filter keeps its described name. */
export function v1FilterName(filter: string): string {
  return filter.replace(/_date$/, '');
}

/** `Positions`, `Legal entities`: the OpenAPI tag of a resource's routes. */
export function tagOf(resource: ResourceDescription): string {
  const words = (resource.path ?? resource.plural).replaceAll(/[_-]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
