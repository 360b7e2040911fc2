import { spawn } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { write } from '../src/domain/write.js';
import { secretBox } from '../src/platform/secret-box.js';
import { retrySchedule } from '../src/webhooks/delivery-schedule.js';
import { newEndpointSecret } from '../src/webhooks/signing.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../src/webhooks/worker.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { childEnv, freePort, type Running, root, waitForHttp } from './helpers/processes.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

// The delivery worker against a real receiver on 127.0.0.1: Standard Webhooks headers and
// signatures (checked with the `standardwebhooks` package and node:crypto), retries on the
// schedule with the same webhook-id, 3xx as failure, 410 and five failing days disabling the
// endpoint, Retry-After, strict ordering, XML bodies, a worker killed mid-delivery, and two
// workers sharing the work. The app's own worker is stopped after the first test; the others
// drive workers of their own, most with a clock they move.

const box = secretBox(undefined);
const second = 1000;

/** Portico's server entry point in a single process that SIGKILL really kills. */
function startWorkerProcess(env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data) => {
    output += data;
  });
  child.stderr.on('data', (data) => {
    output += data;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe.each(engines)('webhook delivery on %s', (engine) => {
  let app: TestApp;
  let receiver: WebhookReceiver;
  let tenantId: string;
  let token: string;
  let paths = 0;

  /** A new path on the receiver, so each endpoint's requests are its own. */
  const newPath = () => `/hook-${++paths}`;

  /** An endpoint inserted directly (with its v1 secret), hearing industry.created. */
  async function endpoint(
    options: {
      path?: string;
      url?: string;
      contentType?: string;
      signatures?: 'v1' | 'v1a' | 'both';
      strictOrdering?: boolean;
      headers?: Record<string, string>;
    } = {},
  ) {
    const path = options.path ?? newPath();
    const secret = newEndpointSecret();
    const row = await app.database.db
      .insertInto('webhook_endpoints')
      .values({
        tenant_id: tenantId,
        name: `Endpoint ${path}`,
        url: options.url ?? receiver.url(path),
        event_types: ['industry.created'],
        content_type: options.contentType ?? 'application/json',
        headers: JSON.stringify(options.headers ?? {}),
        signatures: options.signatures ?? 'v1',
        strict_ordering: options.strictOrdering ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await app.database.db
      .insertInto('webhook_secrets')
      .values({
        tenant_id: tenantId,
        endpoint_id: row.id,
        secret: box.seal(secret),
        encryption: box.encryption,
      })
      .execute();
    return { id: row.id, path, secret };
  }

  /** Appends industry.created events and lets the dispatcher number them and queue deliveries. */
  async function events(count = 1): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const id = crypto.randomUUID();
      ids.push(id);
      await write(app.database.db, { tenantId, whiteLabelId: null }, async (_tx, emit) => {
        emit({ type: 'industry.created', resourceId: id, data: { id, code: `C${index}`, name: 'Industry' } });
      });
    }
    app.dispatcher!.wake(tenantId);
    await app.dispatcher!.settled();
    return ids;
  }

  const deliveriesOf = (endpointId: string) =>
    app.database.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .orderBy('sequence')
      .execute();

  const attemptsOf = (deliveryId: string) =>
    app.database.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', '=', deliveryId)
      .orderBy('id')
      .execute();

  const endpointRow = (id: string) =>
    app.database.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  /** A worker of the test's own, not started: tests call runOnce. */
  function worker(options: Partial<DeliveryWorkerOptions> = {}) {
    return new DeliveryWorker({
      database: app.database,
      broker: app.broker,
      box,
      logger: app.logger,
      allowPrivateTargets: true,
      ...options,
    });
  }

  /** A clock the test moves. */
  function clock(start = new Date()) {
    let now = start;
    return {
      now: () => now,
      set: (at: Date) => {
        now = at;
      },
      advance: (ms: number) => {
        now = new Date(now.getTime() + ms);
      },
    };
  }

  const headerOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startTestApp({
      database: await isolatedDatabase(engine),
      env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    });
    const tenant = await tenantWithClient(app, ['instruments:read', 'instruments:write', 'webhooks:manage']);
    tenantId = tenant.tenantId;
    token = await accessToken(app, tenant.client);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
  });
  beforeEach(async (context) => {
    // Only the first test uses the app's own worker (and stops it); the rest drive their own.
    if (!context.task.name.startsWith('delivers a change')) await app.deliveryWorker?.stop();
  });
  afterEach(async () => {
    // Each test's endpoints hear only its own events, and its leftovers are never claimed again.
    await app.database.db
      .updateTable('webhook_endpoints')
      .set({ deleted_at: new Date() })
      .where('deleted_at', 'is', null)
      .execute();
  });

  it('delivers a change made through /v1, signed with v1 and v1a, woken by the dispatcher', async () => {
    try {
      await deliversThroughTheApp();
    } finally {
      // The rest of the file drives workers of its own.
      await app.deliveryWorker!.stop();
    }
  });

  async function deliversThroughTheApp() {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
      return JSON.parse(text);
    };
    const symmetricPath = newPath();
    const asymmetricPath = newPath();
    const symmetric = await call('POST', '/v1/webhooks', {
      name: 'Symmetric',
      url: receiver.url(symmetricPath),
      event_types: ['industry.created'],
      headers: { 'x-partner': 'acme' },
    });
    await call('POST', '/v1/webhooks', {
      name: 'Asymmetric',
      url: receiver.url(asymmetricPath),
      event_types: ['industry.created'],
      signatures: 'v1a',
    });
    const industry = await call('POST', '/v1/industries', { code: 'WHK', name: 'Hooks', sector: 'Testing' });

    // No test hand here: the dispatcher numbers the event, queues the deliveries and wakes the worker.
    const [first] = await receiver.waitFor(symmetricPath, 1);
    const body = new Webhook(symmetric.secret).verify(first!.body, first!.headers as Record<string, string>);
    expect(body).toMatchObject({
      event_id: expect.stringMatching(/^evt_\d+$/),
      event_type: 'industry.created',
      sequence: expect.any(Number),
      data: { industry_id: industry.id, object: { id: industry.id, code: 'WHK' } },
    });
    expect(first!.headers['webhook-id']).toBe((body as { event_id: string }).event_id);
    expect(Number(first!.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['x-partner']).toBe('acme');
    expect(first!.headers.host).toBe(`127.0.0.1:${receiver.port}`);

    // v1a: Ed25519 over {id}.{timestamp}.{body}, checked against the published JWK set only.
    const [signed] = await receiver.waitFor(asymmetricPath, 1);
    const { keys } = await call('GET', '/v1/webhooks/signing-keys');
    const entries = headerOf(signed!.headers['webhook-signature']).split(' ');
    expect(entries.every((entry) => entry.startsWith('v1a,'))).toBe(true);
    const content = Buffer.from(
      `${headerOf(signed!.headers['webhook-id'])}.${headerOf(signed!.headers['webhook-timestamp'])}.${signed!.body}`,
    );
    const verified = entries.some((entry) =>
      keys.some((jwk: Record<string, string>) =>
        verify(
          null,
          content,
          createPublicKey({ key: jwk, format: 'jwk' }),
          Buffer.from(entry.slice('v1a,'.length), 'base64'),
        ),
      ),
    );
    expect(verified).toBe(true);
    expect(JSON.parse(signed!.body).event_id).toBe(first!.headers['webhook-id']);
  }

  it('retries with the same webhook-id and a fresh timestamp, on the schedule, until dead', async () => {
    const target = await endpoint();
    receiver.standing(target.path, { status: 500, body: 'down for maintenance' });
    await events();
    const time = clock();
    const start = time.now();
    const deliveryWorker = worker({ clock: time.now });
    const [delivery] = await deliveriesOf(target.id);

    const due: Date[] = [];
    for (let attempt = 1; attempt <= retrySchedule.length + 1; attempt++) {
      expect(await deliveryWorker.runOnce()).toBe(1);
      const [row] = await deliveriesOf(target.id);
      expect(row!.attempts).toBe(attempt);
      if (attempt <= retrySchedule.length) {
        expect(row!.status).toBe('failed');
        due.push(row!.next_attempt_at);
        // Before it is due nothing is claimed; then the clock moves to it.
        time.set(new Date(row!.next_attempt_at.getTime() - 1));
        if (row!.next_attempt_at.getTime() > time.now().getTime())
          expect(await deliveryWorker.runOnce()).toBe(0);
        time.set(row!.next_attempt_at);
      } else {
        expect(row!.status).toBe('dead');
      }
    }
    // Each wait is the schedule's, within ±10 %.
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts).toHaveLength(retrySchedule.length + 1);
    retrySchedule.forEach((wait, index) => {
      const waited = due[index]!.getTime() - attempts[index]!.attempted_at.getTime();
      expect(waited).toBeGreaterThanOrEqual(Math.floor(wait * 0.9));
      expect(waited).toBeLessThanOrEqual(Math.ceil(wait * 1.1));
    });
    expect(attempts[0]).toMatchObject({ status_code: 500, response_body: 'down for maintenance' });

    const requests = receiver.received(target.path);
    expect(requests).toHaveLength(retrySchedule.length + 1);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([delivery!.message_id]),
    );
    const timestamps = requests.map((request) => Number(request.headers['webhook-timestamp']));
    expect(timestamps).toEqual(attempts.map((attempt) => Math.floor(attempt.attempted_at.getTime() / 1000)));
    expect(new Set(timestamps).size).toBe(timestamps.length - 1); // the immediate retry shares a second
    // A signature is made for its own timestamp.
    expect(new Set(requests.map((request) => request.headers['webhook-signature'])).size).toBe(
      timestamps.length - 1,
    );
    // About 75 hours of failing: not yet the five days that disable an endpoint.
    expect(await endpointRow(target.id)).toMatchObject({ enabled: true, failing_since: start });
  });

  it('counts a redirect as a failure and does not follow it; a success clears failing_since', async () => {
    const target = await endpoint();
    const elsewhere = newPath();
    receiver.answer(target.path, { status: 302, headers: { location: receiver.url(elsewhere) } });
    const deliveryWorker = worker();
    await events();
    expect(await deliveryWorker.runOnce()).toBe(1);
    const [delivery] = await deliveriesOf(target.id);
    expect(delivery).toMatchObject({ status: 'failed', last_status_code: 302 });
    expect(receiver.received(elsewhere)).toHaveLength(0);
    expect((await endpointRow(target.id)).failing_since).toBeInstanceOf(Date);

    // The immediate retry succeeds (the receiver's standing answer is 200).
    expect(await deliveryWorker.runOnce()).toBe(1);
    expect((await deliveriesOf(target.id))[0]).toMatchObject({ status: 'succeeded', last_status_code: 200 });
    expect((await endpointRow(target.id)).failing_since).toBeNull();
    const requests = receiver.received(target.path);
    expect(requests.map((request) => request.headers['webhook-id'])).toEqual([
      delivery!.message_id,
      delivery!.message_id,
    ]);
  });

  it('disables the endpoint on 410 Gone and says so in an event', async () => {
    const target = await endpoint();
    receiver.standing(target.path, { status: 410 });
    await events(2);
    expect(await worker({ concurrency: 1 }).runOnce()).toBe(1);
    expect(await endpointRow(target.id)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    const deliveries = await deliveriesOf(target.id);
    expect(deliveries.map((delivery) => delivery.status)).toEqual(['dead', 'pending']);
    // Nothing more goes to a disabled endpoint.
    expect(await worker().runOnce()).toBe(0);
    const disabled = await app.database.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'webhook-endpoint.disabled')
      .where('resource_id', '=', target.id)
      .execute();
    expect(disabled).toHaveLength(1);
    expect(disabled[0]!.data).toMatchObject({ id: target.id, enabled: false, disabled_reason: 'gone' });
  });

  it('honours Retry-After on 429 (seconds) and 503 (a date)', async () => {
    const target = await endpoint();
    await events();
    const time = clock();
    const deliveryWorker = worker({ clock: time.now });
    const later = new Date(time.now().getTime() + 600 * second);
    receiver.answer(
      target.path,
      { status: 429, headers: { 'retry-after': '120' } },
      { status: 503, headers: { 'retry-after': later.toUTCString() } },
    );
    expect(await deliveryWorker.runOnce()).toBe(1);
    let [delivery] = await deliveriesOf(target.id);
    // The schedule says "immediately"; the receiver said two minutes.
    expect(delivery!.next_attempt_at.getTime() - time.now().getTime()).toBe(120 * second);
    time.advance(119 * second);
    expect(await deliveryWorker.runOnce()).toBe(0);
    time.advance(1 * second);
    expect(await deliveryWorker.runOnce()).toBe(1);
    [delivery] = await deliveriesOf(target.id);
    // The schedule says 5 s; the receiver named a time ten minutes after the start (to the second).
    expect(Math.abs(delivery!.next_attempt_at.getTime() - later.getTime())).toBeLessThan(second);
    time.set(delivery!.next_attempt_at);
    expect(await deliveryWorker.runOnce()).toBe(1);
    expect((await deliveriesOf(target.id))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('disables an endpoint that has failed for five days, with a webhook-endpoint.disabled event', async () => {
    const target = await endpoint();
    receiver.standing(target.path, { status: 500 });
    await events();
    const time = clock();
    const start = time.now();
    const deliveryWorker = worker({ clock: time.now, concurrency: 1 });
    expect(await deliveryWorker.runOnce()).toBe(1);
    expect((await endpointRow(target.id)).failing_since).toEqual(start);

    time.advance(5 * 24 * 3600 * second - second);
    expect(await deliveryWorker.runOnce()).toBe(1);
    expect((await endpointRow(target.id)).enabled).toBe(true);
    // The next retry falls due a few seconds past the five days.
    time.set((await deliveriesOf(target.id))[0]!.next_attempt_at);
    expect(await deliveryWorker.runOnce()).toBe(1);
    expect(await endpointRow(target.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'failing for 5 days',
      failing_since: start,
    });
    const disabled = await app.database.db
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'webhook-endpoint.disabled')
      .where('resource_id', '=', target.id)
      .execute();
    expect(disabled).toHaveLength(1);
    expect(disabled[0]!.data).toMatchObject({ enabled: false, disabled_reason: 'failing for 5 days' });
    time.advance(24 * 3600 * second);
    expect(await deliveryWorker.runOnce()).toBe(0);
  });

  it('keeps one delivery in flight per strict-ordering endpoint, in sequence', async () => {
    const target = await endpoint({ strictOrdering: true });
    receiver.answer(target.path, { status: 500, hold: true });
    await events(2);
    const [first, second] = await deliveriesOf(target.id);
    expect(Number(first!.sequence)).toBeLessThan(Number(second!.sequence));

    const one = worker();
    const other = worker();
    const sending = one.runOnce();
    await receiver.waitFor(target.path, 1);
    // The first is in flight: nothing else of this endpoint may go.
    expect(await other.runOnce()).toBe(0);
    receiver.release();
    expect(await sending).toBe(1);
    // The first failed and is due again at once; the second still waits behind it.
    expect(await other.runOnce()).toBe(1);
    expect(await other.runOnce()).toBe(1);
    expect(await other.runOnce()).toBe(0);
    expect(receiver.received(target.path).map((request) => request.headers['webhook-id'])).toEqual([
      first!.message_id,
      first!.message_id,
      second!.message_id,
    ]);
    expect((await deliveriesOf(target.id)).map((delivery) => delivery.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('sends the same envelope as XML to an application/xml endpoint, signed the same way', async () => {
    const xml = await endpoint({ contentType: 'application/xml' });
    const json = await endpoint();
    const [id] = await events();
    expect(await worker().runOnce()).toBe(2);
    const [xmlRequest] = receiver.received(xml.path);
    const [jsonRequest] = receiver.received(json.path);
    expect(xmlRequest!.headers['content-type']).toBe('application/xml');
    expect(xmlRequest!.body.startsWith('<?xml version="1.0" encoding="UTF-8"?><event>')).toBe(true);
    // v1 covers the raw bytes, whatever their format.
    expect(
      new Webhook(xml.secret).verify(xmlRequest!.body, xmlRequest!.headers as Record<string, string>, {
        jsonParse: false,
      }),
    ).toBeUndefined();
    const envelope = JSON.parse(jsonRequest!.body);
    const parsed = new XMLParser({ parseTagValue: false }).parse(xmlRequest!.body).event;
    expect(parsed).toEqual({
      event_id: envelope.event_id,
      event_type: 'industry.created',
      created_at: envelope.created_at,
      sequence: String(envelope.sequence),
      data: {
        industry_id: id,
        object: { id, code: 'C0', name: 'Industry' },
        changed_fields: '',
      },
    });
    expect(xmlRequest!.headers['webhook-id']).toBe(jsonRequest!.headers['webhook-id']);
  });

  it('gives up on a request after the timeout', async () => {
    const target = await endpoint();
    receiver.answer(target.path, { delayMs: 2000 });
    await events();
    expect(await worker({ timeoutMs: 300, leaseMs: 5000 }).runOnce()).toBe(1);
    const [delivery] = await deliveriesOf(target.id);
    expect(delivery).toMatchObject({ status: 'failed', last_status_code: null });
    expect(delivery!.last_error).toMatch(/timeout/);
    const [attempt] = await attemptsOf(delivery!.id);
    expect(attempt!.duration_ms).toBeGreaterThanOrEqual(250);
    expect(attempt!.duration_ms).toBeLessThan(2000);
  });

  it('connects to the address the guard resolved, once, keeping the URL’s host', async () => {
    // .test never resolves in DNS: if the request looked the name up again, it would fail.
    const host = 'hooks.portico.test';
    const path = newPath();
    const target = await endpoint({ url: `http://${host}:${receiver.port}${path}`, path });
    const lookups: string[] = [];
    const lookup = async (hostname: string) => {
      lookups.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    await events();
    expect(await worker({ lookup }).runOnce()).toBe(1);
    expect(lookups).toEqual([host]);
    const [request] = receiver.received(target.path);
    expect(request!.headers.host).toBe(`${host}:${receiver.port}`);
    expect((await deliveriesOf(target.id))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a private target unless private targets are allowed', async () => {
    const path = newPath();
    const target = await endpoint({ url: `https://127.0.0.1:${receiver.port}${path}`, path });
    await events();
    expect(await worker({ allowPrivateTargets: false }).runOnce()).toBe(1);
    const [delivery] = await deliveriesOf(target.id);
    expect(delivery).toMatchObject({ status: 'failed', last_status_code: null });
    expect(delivery!.last_error).toMatch(/^target refused: .*loopback/);
    expect(receiver.received(target.path)).toHaveLength(0);
  });

  it('sends a delivery’s own payload (a test event) instead of an event', async () => {
    const target = await endpoint();
    const payload = {
      event_id: 'msg_test1',
      event_type: 'webhook-endpoint.test',
      created_at: new Date().toISOString(),
      sequence: 0,
      data: { webhook_endpoint_id: target.id, object: { id: target.id }, changed_fields: [] },
    };
    await app.database.db
      .insertInto('webhook_deliveries')
      .values({
        tenant_id: tenantId,
        endpoint_id: target.id,
        message_id: 'msg_test1',
        payload: JSON.stringify(payload),
      })
      .execute();
    expect(await worker().runOnce()).toBe(1);
    const [request] = receiver.received(target.path);
    expect(request!.headers['webhook-id']).toBe('msg_test1');
    expect(
      new Webhook(target.secret).verify(request!.body, request!.headers as Record<string, string>),
    ).toEqual(payload);
  });

  it('lets a request in flight finish when stopping, and releases one that runs too long', async () => {
    const target = await endpoint();
    receiver.answer(target.path, { delayMs: 200 }, { hold: true });
    const patient = worker({ stopTimeoutMs: 5000 });
    await patient.start();
    await events();
    patient.wake();
    await receiver.waitFor(target.path, 1);
    await patient.stop();
    expect((await deliveriesOf(target.id))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });

    const hasty = worker({ stopTimeoutMs: 100 });
    await hasty.start();
    await events();
    hasty.wake();
    await receiver.waitFor(target.path, 2);
    const started = Date.now();
    await hasty.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    const [, released] = await deliveriesOf(target.id);
    // Due again at once, for any worker; cutting it off says nothing about the endpoint.
    expect(released).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'aborted: the worker stopped',
    });
    expect((await endpointRow(target.id)).failing_since).toBeNull();
    receiver.release();
    expect(await worker().runOnce()).toBe(1);
    expect((await deliveriesOf(target.id))[1]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('shares work between two workers without sending anything twice', async () => {
    const target = await endpoint();
    receiver.standing(target.path, { delayMs: 20 });
    const count = 12;
    await events(count);
    const one = worker({ concurrency: 4 });
    const other = worker({ concurrency: 4 });
    const claimed = [0, 0];
    for (let round = 0; round < count && claimed[0]! + claimed[1]! < count; round++) {
      const [a, b] = await Promise.all([one.runOnce(), other.runOnce()]);
      claimed[0]! += a;
      claimed[1]! += b;
    }
    expect(claimed[0]! + claimed[1]!).toBe(count);
    expect(claimed[0]).toBeGreaterThan(0);
    expect(claimed[1]).toBeGreaterThan(0);
    const ids = receiver.received(target.path).map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    const deliveries = await deliveriesOf(target.id);
    expect(deliveries.every((delivery) => delivery.status === 'succeeded' && delivery.attempts === 1)).toBe(
      true,
    );
  });

  it.runIf(engine === 'postgres')(
    'sends again with the same webhook-id after a worker is killed mid-delivery',
    async () => {
      const target = await endpoint();
      receiver.answer(target.path, { hold: true });
      const port = await freePort();
      // One process (node with tsx's loader, not the tsx wrapper, which would outlive a SIGKILL).
      const child = startWorkerProcess(
        childEnv({
          DATABASE_URL: app.database.url,
          ROLE: 'worker',
          PORT: String(port),
          WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
          LOG_LEVEL: 'warn',
        }),
      );
      try {
        await waitForHttp(`http://127.0.0.1:${port}/healthz`, child);
        await events();
        await receiver.waitFor(target.path, 1, 20_000);
        child.child.kill('SIGKILL');
        await child.exited;
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${child.output()}`);
      } finally {
        child.child.kill('SIGKILL');
      }
      const [delivery] = await deliveriesOf(target.id);
      expect(delivery).toMatchObject({ status: 'delivering', attempts: 1 });

      // Before the lease runs out nobody takes it; after, the next claim sends it again.
      expect(await worker().runOnce()).toBe(0);
      const afterLease = () => new Date(Date.now() + 61 * second);
      expect(await worker({ clock: afterLease }).runOnce()).toBe(1);
      const requests = receiver.received(target.path);
      expect(requests).toHaveLength(2);
      expect(requests[0]!.abandoned).toBe(true);
      expect(requests[1]!.headers['webhook-id']).toBe(requests[0]!.headers['webhook-id']);
      expect(requests[1]!.headers['webhook-id']).toBe(delivery!.message_id);
      expect(Number(requests[1]!.headers['webhook-timestamp'])).toBeGreaterThan(
        Number(requests[0]!.headers['webhook-timestamp']),
      );
      expect((await deliveriesOf(target.id))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    },
    120_000,
  );
});
