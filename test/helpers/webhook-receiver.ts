import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A webhook receiver on 127.0.0.1 for tests: it records every request (path, headers, raw body)
// and answers what the test told it for that path — a status, headers such as Retry-After or a
// redirect's Location, a delay, or holding the request until the test releases it. Answers queued
// for a path are used one per request, in order; after them the path's standing answer (200).

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: Date;
  /** True when the sender went away before an answer was written (timeout, killed worker). */
  abandoned: boolean;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Waits this long before answering. */
  delayMs?: number;
  /** Holds the request until release() is called. */
  hold?: boolean;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  port: number;
  /** Every request so far, or those to one path. */
  received(path?: string): ReceivedRequest[];
  /** Queues answers for the next requests to `path`. */
  answer(path: string, ...answers: Answer[]): void;
  /** The answer for `path` once its queue is empty (default: 200). */
  standing(path: string, answer: Answer): void;
  /** Resolves when `path` has received `count` requests in all. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Answers every held request (with what its answer said, or 200). */
  release(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const queues = new Map<string, Answer[]>();
  const standing = new Map<string, Answer>();
  const held = new Set<() => void>();
  const waiters = new Set<() => void>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      const record: ReceivedRequest = {
        path,
        method: request.method ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: new Date(),
        abandoned: false,
      };
      requests.push(record);
      for (const waiter of [...waiters]) waiter();
      const answer = queues.get(path)?.shift() ?? standing.get(path) ?? {};
      const respond = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status ?? 200, answer.headers ?? {});
        response.end(answer.body ?? '');
      };
      response.on('close', () => {
        if (!response.writableFinished) record.abandoned = true;
      });
      if (answer.hold) held.add(respond);
      else if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => (path === undefined ? [...requests] : requests.filter((r) => r.path === path)),
    answer(path, ...answers) {
      queues.set(path, [...(queues.get(path) ?? []), ...answers]);
    },
    standing(path, answer) {
      standing.set(path, answer);
    },
    waitFor(path, count, timeoutMs = 15_000) {
      const mine = () => requests.filter((r) => r.path === path);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (mine().length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(mine());
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${path} received ${mine().length} of ${count} requests in ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    release() {
      for (const respond of [...held]) {
        held.delete(respond);
        respond();
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
