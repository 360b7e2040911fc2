import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PreconditionFailedError } from '../../domain/errors.js';

// Conditional requests (RFC 9110 §13): every successful GET carries a strong ETag — a digest of
// the exact bytes sent — so If-None-Match answers 304 without a body; PATCH and DELETE honour
// If-Match against the ETag of the resource as it is when the write locks it, so a stale writer
// gets 412 and changes nothing. One digest serves both, so the tag a GET gave is the tag a write
// compares.

/** The strong entity tag of a representation. */
export function entityTag(body: string): string {
  return `"${hash('sha256', body, 'base64url').slice(0, 32)}"`;
}

/** The tags of an If-Match / If-None-Match header; `*` stands for any. */
function tagsOf(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** If-None-Match uses the weak comparison: W/"x" matches "x". */
function noneMatch(header: string, tag: string): boolean {
  return tagsOf(header).some((candidate) => candidate === '*' || candidate.replace(/^W\//, '') === tag);
}

/** Adds ETags to a surface's successful GETs, and answers a matching If-None-Match with 304. */
export function entityTags(surface: FastifyInstance): void {
  surface.addHook('onSend', async (request, reply, payload) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string') return payload;
    const tag = entityTag(payload);
    reply.header('etag', tag);
    const condition = request.headers['if-none-match'];
    if (typeof condition === 'string' && noneMatch(condition, tag)) {
      reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      return '';
    }
    return payload;
  });
}

/**
 * The If-Match condition of a write, as a precondition on the row it locks: the row's
 * representation must still have one of the given tags (strong comparison). Undefined without
 * If-Match.
 */
export function ifMatch<R>(
  request: FastifyRequest,
  represent: (row: R) => unknown,
): ((current: R) => void) | undefined {
  const header = request.headers['if-match'];
  if (typeof header !== 'string') return undefined;
  const tags = tagsOf(header);
  return (current) => {
    if (tags.includes('*')) return;
    const tag = entityTag(JSON.stringify(represent(current)));
    if (!tags.includes(tag)) {
      throw new PreconditionFailedError(
        `If-Match: the resource has changed since it was read (its ETag is now ${tag}); read it again and retry`,
      );
    }
  };
}
