import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

describe('operations routes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports readiness of the database and the broker', async () => {
    const response = await fetch(`${app.url}/readyz`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('ready');
    expect(body.checks.database).toEqual({ engine: app.database.engine, status: 'ok' });
    expect(body.checks.redis).toEqual({ engine: app.broker.kind, status: 'ok' });
  });

  it('exposes Prometheus metrics whose SQL counter moves with database work', async () => {
    const read = async () => {
      const text = await (await fetch(`${app.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('portico_sql_statements_total{'));
      return Number(line?.split(' ').at(-1));
    };
    const before = await read();
    await fetch(`${app.url}/readyz`); // runs `select 1`
    await fetch(`${app.url}/readyz`);
    const after = await read();
    expect(after - before).toBeGreaterThanOrEqual(2);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(
      /portico_http_request_duration_seconds_bucket\{[^}]*route="\/readyz"[^}]*status="200"/,
    );
    expect(text).toMatch(/portico_db_pool_connections\{engine="(postgres|pglite)"\} \d+/);
    expect(text).toContain('# TYPE portico_sql_statements_total counter');
  });

  it('accepts a safe X-Request-Id, echoes it and writes it on the log line', async () => {
    const response = await fetch(`${app.url}/graphql?query=%7Bversion%7D`, {
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const line = app.logs.find((l) => l.requestId === 'trace-123' && l.msg === 'request');
    expect(line).toMatchObject({ route: '/graphql', status: 401 });
  });

  it('replaces an unsafe X-Request-Id with a generated one', async () => {
    const response = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith tab' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with problem details carrying the request id', async () => {
    const response = await fetch(`${app.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = await response.json();
    expect(body).toMatchObject({
      status: 404,
      title: 'Not Found',
      request_id: response.headers.get('x-request-id'),
    });
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ version }', padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps serving after a malformed body', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('ROLE=worker', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ROLE: 'worker' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves the operations routes only', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${app.url}/graphql?query=%7Bversion%7D`)).status).toBe(404);
  });
});
