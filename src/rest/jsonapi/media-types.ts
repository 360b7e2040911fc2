import { safeParse } from 'fast-content-type-parse';
import type { FastifyInstance } from 'fastify';
import { errorCodes } from 'fastify';
import Negotiator from 'negotiator';
import { jsonApiMediaType } from './jsonapi-errors.js';
import { jsonApiRequestTypes } from './jsonapi-openapi.js';

// JSON:API 1.1 content negotiation. A request body's media type may carry no parameter but
// `profile` (Portico supports no extension, so `ext` is refused too): otherwise 415. An Accept
// header that names the JSON:API media type only with parameters is 406. Other Accept values (*/*,
// JSON) are answered with the JSON:API media type, as the specification allows.

export class NotAcceptableError extends Error {
  readonly statusCode = 406;
  constructor() {
    super(`Accept ${jsonApiMediaType} without media type parameters other than profile`);
    this.name = 'NotAcceptableError';
  }
}

const onlyProfile = (parameters: Record<string, string>) =>
  Object.keys(parameters).every((name) => name === 'profile');

export function negotiateJsonApi(surface: FastifyInstance): void {
  surface.addHook('onRequest', async (request) => {
    const contentType = request.headers['content-type'];
    if (contentType) {
      const { type, parameters } = safeParse(contentType);
      if (jsonApiRequestTypes.includes(type) && !onlyProfile(parameters)) {
        throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(contentType);
      }
    }
    // Negotiator matches a range's parameters exactly: one that carries any is not the bare type.
    const accept = request.headers.accept;
    if (accept?.toLowerCase().includes(jsonApiMediaType)) {
      const negotiated = new Negotiator({ headers: { accept } }).mediaTypes([jsonApiMediaType]);
      if (negotiated.length === 0) throw new NotAcceptableError();
    }
  });
}
