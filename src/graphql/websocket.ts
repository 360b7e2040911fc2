import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type ExecutionArgs, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { isAsyncIterable, mapAsyncIterator } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import { AuthenticationError, type Viewer } from '../auth/viewer.js';
import type { GraphQLLimits } from '../config.js';
import { type DailyQuota, QuotaExceededError } from '../http/daily-quota.js';
import { RateLimitedError, type RateLimiter, retryAfterSeconds, tokensFor } from '../http/rate-limit.js';
import type { Logger } from '../platform/logger.js';
import type { OperationBudget } from './operation-budget.js';
import { operationCost } from './operation-cost.js';
import { clientError } from './protection.js';
import { watchCredential } from './subscriptions/credential-watch.js';
import type { PorticoYoga } from './yoga.js';

/** connection_init payloads carry the credential as HTTP would: `authorization` or `x-api-key`. */
function credentialHeaders(params: Record<string, unknown> | undefined) {
  const value = (name: string) => {
    const key = Object.keys(params ?? {}).find((k) => k.toLowerCase() === name);
    return key ? params?.[key] : undefined;
  };
  return { authorization: value('authorization'), 'x-api-key': value('x-api-key') };
}

// Yoga's markers for its HTTP responses (status, "unexpected"); Yoga drops them from HTTP bodies.
function formatted(error: GraphQLError): GraphQLFormattedError {
  const { extensions, ...rest } = error.toJSON();
  const { http: _http, unexpected: _unexpected, ...kept } = extensions ?? {};
  return Object.keys(kept).length > 0 ? { ...rest, extensions: kept } : rest;
}

type Enveloped = ReturnType<PorticoYoga['getEnveloped']>;

/** What a connection keeps between messages. */
type Connection = {
  viewer: Viewer;
  /** Stops the credential watch (expiry, revocation) when the socket closes. */
  stopWatching?: () => void;
};

function tooManyOperations(max: number): GraphQLError {
  return new GraphQLError(
    `This connection already runs ${max} operations, the most it may: complete one, or open another connection`,
    { extensions: { code: 'TOO_MANY_OPERATIONS', max } },
  );
}

/**
 * GraphQL over WebSocket (graphql-transport-ws) on /graphql. The connection_init payload goes
 * through the same authentication step as every HTTP request; a refused credential closes the
 * socket with 4403 before any operation runs, and a socket that sends no connection_init in time
 * is closed with 4408. The credential is then watched: its expiry or revocation closes the socket
 * with 4403 and the reason. Operations run through Yoga's envelop, as in Yoga's graphql-ws recipe:
 * the same parser, validation rules, limits and error masking as over HTTP; a connection runs at
 * most `operationsPerConnection` of them at once, and one more gets an `error` message. Each
 * valid operation draws its cost from its tenant's rate-limit budget (operation-budget.ts); over
 * budget, it gets an `error` message with `extensions.code` RATE_LIMITED and `retryAfter` (seconds).
 * Before that, each operation counts against its credential's daily quota (daily-quota.ts); past
 * it, the `error` message says DAILY_QUOTA_EXCEEDED with `quota` and `resetsAt`.
 */
export function attachGraphQLWebSocket(
  server: Server,
  deps: {
    yoga: PorticoYoga;
    authenticator: Authenticator;
    dailyQuota: DailyQuota;
    rateLimiter: RateLimiter;
    maxMessageBytes: number;
    limits: Pick<GraphQLLimits, 'connectionInitTimeoutMs' | 'operationsPerConnection'>;
    logger: Logger;
  },
): { close(): Promise<void> } {
  const log = deps.logger.child({ surface: 'graphql', transport: 'websocket' });
  // A message is a request body by another name: the same limit applies.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: deps.maxMessageBytes });
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://portico').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });
  // Each operation's envelop, from onSubscribe to execute/subscribe (graphql-ws hands the same args).
  const operations = new WeakMap<ExecutionArgs, Enveloped>();
  const envelopedFor = (args: ExecutionArgs) => {
    const enveloped = operations.get(args);
    if (!enveloped) throw new Error('GraphQL WebSocket operation without its envelop');
    return enveloped;
  };
  const server$ = useServer<Record<string, unknown> | undefined, Connection>(
    {
      connectionInitWaitTimeout: deps.limits.connectionInitTimeoutMs,
      onConnect: async (context) => {
        const headers = credentialHeaders(context.connectionParams);
        try {
          context.extra.viewer = await deps.authenticator.authenticate(headers);
        } catch (error) {
          if (error instanceof AuthenticationError) return false;
          throw error;
        }
        const { socket } = context.extra;
        context.extra.stopWatching = watchCredential({
          authenticator: deps.authenticator,
          headers,
          viewer: context.extra.viewer,
          logger: log,
          onEnd: (error) => socket.close(CloseCode.Forbidden, error.message),
        });
        // Closed while authenticating: nothing will call onClose for a watch started after it.
        if (socket.readyState !== socket.OPEN) context.extra.stopWatching();
        return true;
      },
      onClose: (context) => context.extra.stopWatching?.(),
      onSubscribe: async (context, _id, payload) => {
        // This operation is listed already (graphql-ws adds it before asking).
        const max = deps.limits.operationsPerConnection;
        if (Object.keys(context.subscriptions).length > max) return [tooManyOperations(max)];
        // One id per operation: it names the operation's log lines and any masked error.
        const requestId = randomUUID();
        // (graphql-ws asks only after connection_init, so the viewer is known.)
        const tenantId = context.extra.viewer?.tenantId;
        if (tenantId === undefined) throw new Error('GraphQL WebSocket operation before authentication');
        // Each operation counts against the credential's daily quota, as an HTTP request does.
        try {
          if (context.extra.viewer) await deps.dailyQuota.admit(context.extra.viewer);
        } catch (error) {
          if (error instanceof QuotaExceededError)
            return [clientError(error, requestId, { details: false, log })];
          throw error;
        }
        const enveloped = deps.yoga.getEnveloped({
          requestId,
          viewer: context.extra.viewer,
          params: payload,
        });
        try {
          const document = enveloped.parse(payload.query);
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return errors;
          // The operation's whole cost in one draw, as over HTTP (less the door's token: a socket
          // is authenticated once, not per message).
          const cost = operationCost(enveloped.schema, document, payload.operationName);
          const decision = await deps.rateLimiter.take(tenantId, tokensFor(cost));
          if (!decision.result.allowed) {
            const refused = new RateLimitedError(retryAfterSeconds(decision.result));
            return [clientError(refused, requestId, { details: false, log })];
          }
          // Paid in full: the envelop's own draw (operation-budget.ts) finds nothing left to take.
          const rateLimit: OperationBudget = {
            limiter: deps.rateLimiter,
            tenantId,
            prepaid: decision.tokens,
            decision,
          };
          const args: ExecutionArgs = {
            schema: enveloped.schema,
            document,
            operationName: payload.operationName ?? null,
            variableValues: payload.variables ?? null,
            contextValue: await enveloped.contextFactory({ rateLimit }),
          };
          operations.set(args, enveloped);
          return args;
        } catch (error) {
          // A refused parse (syntax, token limit) as an `error` message; anything else is a bug.
          return [clientError(error, requestId, { details: false, log })];
        }
      },
      execute: (args) => envelopedFor(args).execute(args),
      subscribe: async (args) => {
        const result = await envelopedFor(args).subscribe(args);
        if (!isAsyncIterable(result)) return result;
        // A source that fails mid-stream ends with a masked error, as it does over SSE.
        const requestId = (args.contextValue as { requestId?: string }).requestId;
        return mapAsyncIterator(
          result,
          (value) => value,
          (error: unknown) => ({ errors: [clientError(error, requestId, { details: false, log })] }),
        );
      },
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(formatted) } : undefined,
      onError: (_context, _id, _payload, errors) => errors.map(formatted),
    },
    sockets,
  );
  return {
    close: async () => {
      await server$.dispose();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
