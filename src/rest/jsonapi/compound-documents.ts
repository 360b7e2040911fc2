import type { Kysely } from 'kysely';
import type { DB } from '../../../db/types.js';
import { requireScope, type Viewer } from '../../auth/viewer.js';
import { listChildResources, loadResources, type Row } from '../../domain/resources/resources.service.js';
import { queryParameterError } from '../route-validation.js';
import { surfaceShowing } from './jsonapi-surfaces.js';
import {
  type Relationship,
  type ResourceIdentifier,
  type ResourceRenderer,
  rendererOf,
} from './resource-objects.js';

// include=: the related resources a client asks for along with the primary data, each once, read
// one statement per relationship and level whatever the number of rows.

/** How deep an include path may go (account.depository.client). */
export const maxIncludeDepth = 3;

export type IncludeTree = Map<string, { relationship: Relationship; children: IncludeTree }>;

/** The renderer of a related resource: on this surface, or on the one that serves it. */
export function relatedRenderer(from: ResourceRenderer, relationship: Relationship): ResourceRenderer {
  const showing = surfaceShowing(from.surface, relationship.target);
  if (!showing) throw new Error(`No JSON:API surface serves ${relationship.target.name}`);
  return rendererOf(showing, relationship.target);
}

/**
 * Parses include= against the resource's relationships; a path that does not exist, goes too deep
 * or reaches a resource no JSON:API surface serves is refused by name. Including a resource needs
 * its family's read scope, as reading it directly would.
 */
export function parseInclude(renderer: ResourceRenderer, value: string, viewer: Viewer): IncludeTree {
  const tree: IncludeTree = new Map();
  for (const path of value.split(',').map((part) => part.trim())) {
    if (path === '')
      throw queryParameterError('include', 'must be a comma-separated list of relationship paths');
    const steps = path.split('.');
    if (steps.length > maxIncludeDepth) {
      throw queryParameterError('include', `${path}: paths go at most ${maxIncludeDepth} relationships deep`);
    }
    let at = renderer;
    let node = tree;
    for (const step of steps) {
      const relationship = at.relationships.get(step);
      if (!relationship)
        throw queryParameterError('include', `${path}: ${at.type} has no relationship ${step}`);
      if (relationship.kind === 'one' && !relationship.url) {
        throw queryParameterError(
          'include',
          `${path}: ${relationship.type} is not served by this API version`,
        );
      }
      requireScope(viewer, `${relationship.target.family}:read`);
      let branch = node.get(step);
      if (!branch) {
        branch = { relationship, children: new Map() };
        node.set(step, branch);
      }
      at = relatedRenderer(at, relationship);
      node = branch.children;
    }
  }
  return tree;
}

/** A resource in the document: its row, how it is shown, and the to-many linkage an include read. */
export interface DocumentResource {
  renderer: ResourceRenderer;
  row: Row;
  linkage: Map<string, ResourceIdentifier[]>;
  /** Its derived attributes' values, once computed over the document (withDerived). */
  derived?: Record<string, unknown>;
}

/** Computes derived attributes over every resource of the same kind in the document. */
export function withDerived(resources: readonly DocumentResource[]): void {
  const byRenderer = new Map<ResourceRenderer, DocumentResource[]>();
  for (const resource of resources) {
    if (resource.renderer.derived.length === 0) continue;
    byRenderer.set(resource.renderer, [...(byRenderer.get(resource.renderer) ?? []), resource]);
  }
  for (const [renderer, group] of byRenderer) {
    for (const [name, attribute] of renderer.derived) {
      const values = attribute.compute(group.map((resource) => resource.row));
      for (const resource of group) {
        resource.derived = { ...resource.derived, [name]: values.get(resource.row.id) ?? null };
      }
    }
  }
}

export interface IncludeContext {
  db: Kysely<DB>;
  viewer: Viewer;
  /** The most related rows one to-many relationship brings per resource. */
  rowCap: number;
}

const keyOf = (renderer: ResourceRenderer, id: string) => `${renderer.type}\u0000${id}`;

/**
 * Reads what `tree` includes for `primary`, level by level: the included resources (none of them
 * primary data, none twice) and whether a to-many relationship had more rows than the cap.
 */
export async function readIncluded(
  context: IncludeContext,
  primary: DocumentResource[],
  tree: IncludeTree,
): Promise<{ included: DocumentResource[]; capped: boolean }> {
  const seen = new Map<string, DocumentResource>();
  for (const resource of primary) seen.set(keyOf(resource.renderer, resource.row.id), resource);
  const included: DocumentResource[] = [];
  let capped = false;

  const adopt = (renderer: ResourceRenderer, row: Row): DocumentResource => {
    const key = keyOf(renderer, row.id);
    let resource = seen.get(key);
    if (!resource) {
      resource = { renderer, row, linkage: new Map() };
      seen.set(key, resource);
      included.push(resource);
    }
    return resource;
  };

  const walk = async (from: DocumentResource[], branches: IncludeTree): Promise<void> => {
    if (from.length === 0) return;
    for (const [name, { relationship, children }] of branches) {
      const [first] = from;
      if (!first) return;
      const renderer = relatedRenderer(first.renderer, relationship);
      const related: DocumentResource[] = [];
      if (relationship.kind === 'one') {
        const ids = [
          ...new Set(from.map((resource) => resource.row[relationship.column]).filter(Boolean)),
        ] as string[];
        const rows = await loadResources(context.db, relationship.target, context.viewer, ids);
        for (const row of rows) related.push(adopt(renderer, row));
      } else {
        const { pages } = await listChildResources(
          context.db,
          relationship.target,
          context.viewer,
          relationship.column,
          from.map((resource) => resource.row.id),
          {},
          { direction: 'forward', limit: context.rowCap },
        );
        for (const resource of from) {
          const page = pages.get(resource.row.id);
          if (page?.hasNext) capped = true;
          const rows = page?.rows ?? [];
          resource.linkage.set(
            name,
            rows.map((row) => ({ type: renderer.type, id: row.id })),
          );
          for (const row of rows) related.push(adopt(renderer, row));
        }
      }
      await walk([...new Set(related)], children);
    }
  };
  await walk(primary, tree);
  return { included, capped };
}
