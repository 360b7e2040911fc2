import type { FastifyInstance } from 'fastify';
import { serializeItem } from 'structured-headers';
import { assetAliasIntroduced } from '../../config.js';
import { type JsonApiSurface, toManyPath } from './jsonapi-surfaces.js';

// A deprecated alias answers like its successor and says so on every response, errors included:
// Deprecation (RFC 9745, a Structured Fields date), Sunset (RFC 8594, an HTTP date) and a Link to
// the successor's route (rel="successor-version").

/** The successor of an alias URL: the same route on the surface that replaced it. */
export function successorOf(alias: JsonApiSurface, url: string): string {
  const successor = alias.successor;
  if (!successor) throw new Error('Not an alias');
  const path = url.split('?')[0] ?? url;
  for (const [resource, aliasPath] of Object.entries(alias.paths)) {
    const base = `${alias.prefix}/${aliasPath}`;
    if (path !== base && !path.startsWith(`${base}/`)) continue;
    const [id, relation] = path.slice(base.length + 1).split('/');
    const target = `${successor.prefix}/${successor.paths[resource]}`;
    if (!id) return target;
    if (!relation) return `${target}/${id}`;
    // The alias renames its relations as it renames everything; the successor's are the originals.
    const original = relation.replaceAll('asset', 'instrument');
    return `${target}/${id}/${toManyPath(successor, original.replaceAll('-', '_'))}`;
  }
  return `${successor.prefix}/${Object.values(successor.paths)[0]}`;
}

/** Marks every response under the alias's paths, before authentication so refusals carry it too. */
export function markDeprecatedAlias(surface: FastifyInstance, alias: JsonApiSurface, sunset: Date): void {
  const roots = Object.values(alias.paths).map((path) => `${alias.prefix}/${path}`);
  const deprecation = serializeItem(assetAliasIntroduced);
  const sunsetDate = sunset.toUTCString();
  surface.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (!roots.some((root) => path === root || path.startsWith(`${root}/`))) return;
    reply.header('deprecation', deprecation);
    reply.header('sunset', sunsetDate);
    reply.header('link', `<${successorOf(alias, request.url)}>; rel="successor-version"`);
  });
}
