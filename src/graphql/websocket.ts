import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import { AuthenticationError, type Viewer } from '../auth/viewer.js';
import type { Database } from '../platform/database.js';
import { schema } from './schema.js';

/** connection_init payloads carry the credential as HTTP would: `authorization` or `x-api-key`. */
function credentialHeaders(params: Record<string, unknown> | undefined) {
  const value = (name: string) => {
    const key = Object.keys(params ?? {}).find((k) => k.toLowerCase() === name);
    return key ? params?.[key] : undefined;
  };
  return { authorization: value('authorization'), 'x-api-key': value('x-api-key') };
}

/**
 * GraphQL over WebSocket (graphql-transport-ws) on /graphql. The connection_init payload goes
 * through the same authentication step as every HTTP request; a refused credential closes the
 * socket with 4403 before any operation runs.
 */
export function attachGraphQLWebSocket(
  server: Server,
  deps: { database: Database; authenticator: Authenticator; maxMessageBytes: number },
): { close(): Promise<void> } {
  // A message is a request body by another name: the same limit applies.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: deps.maxMessageBytes });
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://portico').pathname !== '/graphql') {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });
  const server$ = useServer<Record<string, unknown> | undefined, { viewer: Viewer }>(
    {
      schema,
      onConnect: async (context) => {
        try {
          context.extra.viewer = await deps.authenticator.authenticate(
            credentialHeaders(context.connectionParams),
          );
          return true;
        } catch (error) {
          if (error instanceof AuthenticationError) return false;
          throw error;
        }
      },
      context: (context) => ({
        database: deps.database,
        viewer: context.extra.viewer!,
        requestId: randomUUID(),
      }),
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
