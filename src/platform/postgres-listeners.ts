import type { Client, ClientConfig } from 'pg';

type ClientClass = new (config: ClientConfig) => Client;

/**
 * LISTEN on Postgres: one dedicated connection (a pooled one would be handed to queries), opened on
 * the first listener and reopened after a failure, re-LISTENing every channel. Notifications sent
 * while it is down are lost; listeners poll as well.
 */
export class PostgresListeners {
  readonly #handlers = new Map<string, Set<(payload: string) => void>>();
  #client: Promise<Client> | undefined;
  /** The connected client, once #client has resolved. */
  #current: Client | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onError: (error: Error) => void,
    private readonly ClientClass: ClientClass,
  ) {}

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let handlers = this.#handlers.get(channel);
    const first = !handlers;
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(onNotify);
    const client = await this.#connect();
    if (first) await client.query(`listen ${quoted(channel)}`);
    return async () => {
      handlers.delete(onNotify);
      if (handlers.size > 0 || this.#closed) return;
      this.#handlers.delete(channel);
      await client.query(`unlisten ${quoted(channel)}`).catch(() => {});
    };
  }

  #connect(): Promise<Client> {
    this.#client ??= (async () => {
      const client = new this.ClientClass({ connectionString: this.url, application_name: 'portico-listen' });
      client.on('notification', (message) => {
        for (const handler of this.#handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      client.on('error', (error) => this.#lost(client, error));
      client.on('end', () => this.#lost(client));
      await client.connect();
      this.#current = client;
      return client;
    })();
    return this.#client;
  }

  /** Drops a broken connection and, while anyone listens, opens another after a pause. */
  #lost(client: Client | undefined, error?: Error): void {
    if (error) this.onError(error);
    if (client && client !== this.#current) return;
    this.#client = undefined;
    this.#current = undefined;
    if (this.#closed || this.#handlers.size === 0 || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#reconnect();
    }, 1000);
    this.#retry.unref();
  }

  async #reconnect(): Promise<void> {
    try {
      const client = await this.#connect();
      for (const channel of this.#handlers.keys()) await client.query(`listen ${quoted(channel)}`);
    } catch (error) {
      this.#lost(undefined, error as Error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = await this.#client?.catch(() => undefined);
    this.#client = undefined;
    this.#current = undefined;
    await client?.end().catch(() => {});
  }
}

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
