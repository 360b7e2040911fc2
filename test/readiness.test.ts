import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { redisUrl } from './helpers/environment.js';

/** A TCP relay in front of Redis that the test can cut and restore, like a network partition. */
async function relay(
  target: URL,
): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 6379), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  await listen();
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return { url: url.toString(), cut, restore: listen, close: cut };
}

describe.runIf(redisUrl)('readiness with Redis', () => {
  let app: TestApp | undefined;
  let proxy: Awaited<ReturnType<typeof relay>> | undefined;
  afterAll(async () => {
    await app?.close();
    await proxy?.close().catch(() => {});
  });

  it('is not ready while Redis is unreachable, and ready again when it returns', async () => {
    proxy = await relay(new URL(redisUrl!));
    app = await startTestApp({ env: { REDIS_URL: proxy.url } });
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    await proxy.cut();
    const down = await fetch(`${app.url}/readyz`);
    expect(down.status).toBe(503);
    const body = await down.json();
    expect(body.status).toBe('not ready');
    expect(body.checks.redis.status).not.toBe('ok');
    expect(body.checks.database.status).toBe('ok');
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200); // alive, just not ready

    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await fetch(`${app.url}/readyz`)).status;
    }
    expect(status).toBe(200);
  });
});
