import type { FastifyInstance, FastifyReply } from 'fastify';
import { jwtBearerGrantType } from '../auth/client-assertion.js';
import { OAuthError } from '../auth/oauth-error.js';
import { allScopes } from '../auth/scopes.js';
import type { SigningKeyring } from '../auth/signing-keys.js';
import {
  BasicAuthError,
  handleTokenRequest,
  type TokenEndpointDeps,
  tokenEndpointUrl,
} from '../auth/token-endpoint.js';
import { BrokerFallback } from '../platform/broker-fallback.js';
import type { Logger } from '../platform/logger.js';
import { classifyError } from './error-classification.js';

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error instanceof BasicAuthError)
    reply.header('www-authenticate', 'Basic realm="portico", charset="UTF-8"');
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(error.status).send({ error: error.error, error_description: error.description });
}

/** The token endpoint (RFC 6749, RFC 7523), server metadata (RFC 8414) and the public keys. */
export function registerOAuthRoutes(
  app: FastifyInstance,
  deps: Omit<TokenEndpointDeps, 'throttles'> & { keyring: SigningKeyring; logger: Logger },
): void {
  const throttles = new BrokerFallback({
    broker: deps.broker,
    logger: deps.logger,
    what: 'token-endpoint throttles',
  });
  app.addHook('onClose', () => throttles.close());
  app.register(async (oauth) => {
    // Token responses and errors must never be cached (RFC 6749 §5.1).
    oauth.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    });
    oauth.setErrorHandler((error: Error, request, reply) => {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      const problem = classifyError(error, request);
      if (problem.internal) {
        request.log.error({ err: error }, 'token request failed');
        return reply.status(500).send({ error: 'server_error', error_description: problem.detail });
      }
      // RFC 6749 has one code for a request it cannot take (400); an oversized body keeps its 413
      // so that the caller knows resending it will not help.
      return reply
        .status(problem.status === 413 ? 413 : 400)
        .send({ error: 'invalid_request', error_description: problem.detail });
    });
    oauth.post('/oauth/token', async (request) =>
      handleTokenRequest(
        { ...deps, throttles },
        {
          body: request.body,
          authorization: request.headers.authorization,
          ip: request.ip,
        },
      ),
    );
  });

  const metadata = {
    issuer: deps.issuer,
    token_endpoint: tokenEndpointUrl(deps.issuer),
    jwks_uri: `${deps.issuer}/.well-known/jwks.json`,
    grant_types_supported: ['client_credentials', jwtBearerGrantType],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['ES256'],
    response_types_supported: [],
    scopes_supported: allScopes,
    service_documentation: `${deps.issuer}/docs`,
  };
  app.get('/.well-known/oauth-authorization-server', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(metadata),
  );
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    // Short: a rotation publishes a new key, and verifiers that cache it should see it soon.
    reply.header('cache-control', 'public, max-age=60').send(await deps.keyring.jwks()),
  );
}
