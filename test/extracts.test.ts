import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedTenant } from '../db/seed/seed-tenant.js';
import { allScopes, type Scope } from '../src/auth/scopes.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { engines, isolatedDatabase } from './helpers/database.js';
import { type Json, type V1Call, v1As, walk } from './helpers/v1.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

// Extracts end to end, on each engine: 202 and Location, 409 while one runs, the file equal to the
// list as it stood at the recorded watermark (writes made while it runs are left out, and are in
// /v1/events after the watermark), CSV, Range, the completion webhook, scopes and isolation, expiry.

describe.each(engines)('extracts on %s', (engine) => {
  let app: TestApp;
  let api: V1Call;
  let tenantId: string;
  let receiver: WebhookReceiver;
  let secret: string;
  let dir: string;
  const hookPath = '/extracts';
  const as = async (scopes: readonly Scope[], options: { tenantId?: string } = {}) => {
    const tenant = await tenantWithClient(app, scopes, options);
    return v1As(app, bearer(await accessToken(app, tenant.client)));
  };
  const until = async (id: string, done: (extract: Json) => boolean, call = api) => {
    let last: Json;
    await vi.waitFor(
      async () => {
        last = (await call('GET', `/v1/extracts/${id}`)).body;
        expect(done(last), JSON.stringify(last)).toBe(true);
      },
      { timeout: 60_000, interval: 20 },
    );
    return last;
  };
  const download = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers: { ...headers, ...bearerHeaders } });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  let bearerHeaders: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'portico-extracts-'));
    app = await startTestApp({
      database: await isolatedDatabase(engine),
      env: {
        EXTRACTS_DIR: dir,
        // Small batches with a pause, so a test can act while an extract runs.
        EXTRACT_BATCH_ROWS: '20',
        EXTRACT_BATCH_DELAY_MS: '50',
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      },
    });
    const tenant = await tenantWithClient(app, allScopes);
    tenantId = tenant.tenantId;
    const token = await accessToken(app, tenant.client);
    bearerHeaders = bearer(token);
    api = v1As(app, bearerHeaders);
    await seedTenant(app.database.db, tenantId, { size: 'small' });
    receiver = await startWebhookReceiver();
    const endpoint = await api('POST', '/v1/webhooks', {
      name: 'Extracts',
      url: receiver.url(hookPath),
      event_types: ['extract.completed', 'extract.failed'],
    });
    expect(endpoint.status, endpoint.text).toBe(201);
    secret = endpoint.body.secret;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 202 with Location, refuses a second one with 409, and pins the file to the event log', async () => {
    const before = await walk(api, '/v1/positions', 1000);
    expect(before.length).toBeGreaterThan(100);

    const created = await api('POST', '/v1/extracts', { dataset: 'positions' });
    expect(created.status, created.text).toBe(202);
    expect(created.headers.get('location')).toBe(`/v1/extracts/${created.body.id}`);
    expect(created.body).toMatchObject({ status: 'queued', dataset: 'positions', format: 'ndjson' });
    const id = created.body.id as string;

    const second = await api('POST', '/v1/extracts', { dataset: 'positions', format: 'csv' });
    expect(second.status, second.text).toBe(409);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(second.body.detail).toContain(id);
    // Another dataset is not held up.
    const [account] = (await api('GET', '/v1/accounts?limit=1')).body.data;
    const cashflows = await api('POST', '/v1/extracts', {
      dataset: 'cashflows',
      format: 'csv',
      filters: { account_id: account.id },
    });
    expect(cashflows.status, cashflows.text).toBe(202);

    // Once rows are being written the snapshot is taken: these writes land after it.
    const running = await until(id, (extract) => extract.status === 'running' && extract.progress?.rows > 0);
    expect(running.progress.total_rows).toBe(before.length);
    expect(running.progress.percent).toBeLessThan(100);
    const [first, second2] = before as Json[];
    const patched = await api('PATCH', `/v1/positions/${first.id}`, {
      external_reference: 'After watermark',
    });
    expect(patched.status, patched.text).toBe(200);
    const also = await api('PATCH', `/v1/positions/${second2.id}`, { external_reference: 'Also after' });
    expect(also.status, also.text).toBe(200);

    const done = await until(id, (extract) => extract.status === 'succeeded');
    expect(done).toMatchObject({
      row_count: before.length,
      progress: { rows: before.length, total_rows: before.length, percent: 100 },
      download_url: `${app.url}/v1/extracts/${id}/download`,
      checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      problem: null,
    });
    const watermark = done.event_sequence as string;
    expect(Number(watermark)).toBeGreaterThan(0);

    const file = await download(done.download_url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/x-ndjson');
    expect(Number(file.headers.get('content-length'))).toBe(done.size);
    expect(file.headers.get('portico-event-sequence')).toBe(watermark);
    const [header, ...lines] = file.text.trimEnd().split('\n');
    expect(JSON.parse(header!).extract).toMatchObject({
      extract_id: id,
      dataset: 'positions',
      event_sequence: watermark,
      row_count: before.length,
    });
    // Exactly the list as it stood at the watermark: neither write is in it.
    expect(lines.map((line) => JSON.parse(line))).toEqual(before);

    // And both writes are in the log right after it, none before.
    const after = await api('GET', `/v1/events?after=${watermark}&limit=100`);
    const changes = (after.body.data as Json[]).filter((event) => event.event_type.startsWith('position.'));
    expect(changes.map((event) => [event.event_type, event.data.position_id])).toEqual([
      ['position.updated', first.id],
      ['position.updated', second2.id],
    ]);
    const upTo = await api('GET', `/v1/events?after=${Number(watermark) - 1}&limit=1`);
    expect(upTo.body.data[0].event_type).not.toMatch(/^position\./);

    // Resumable: a range, and If-Range with the checksum.
    const etag = file.headers.get('etag')!;
    const part = await download(done.download_url, { range: 'bytes=100-299', 'if-range': etag });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-299/${done.size}`);
    expect(part.text).toBe(Buffer.from(file.text).subarray(100, 300).toString());
    const rest = await download(done.download_url, { range: `bytes=${done.size - 10}-` });
    expect(rest.status).toBe(206);
    expect(rest.text).toBe(
      Buffer.from(file.text)
        .subarray(done.size - 10)
        .toString(),
    );

    // The completion went out as a signed webhook carrying the status resource.
    // Two extracts completed (positions and cashflows), in either order.
    const delivery = (await receiver.waitFor(hookPath, 2)).find((request) => request.body.includes(id));
    const event = new Webhook(secret).verify(
      delivery!.body,
      delivery!.headers as Record<string, string>,
    ) as Json;
    expect(event.event_type).toBe('extract.completed');
    expect(event.data.object).toMatchObject({ id, status: 'succeeded', event_sequence: watermark });

    const csvJob = await until(cashflows.body.id, (extract) => extract.status === 'succeeded');
    const csv = await download(csvJob.download_url);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
    const listed = await walk(api, `/v1/cashflows?account_id=${account.id}`, 1000);
    expect(listed.length).toBeGreaterThan(0);
    expect(rows).toEqual(
      listed.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? '']))),
    );
    expect(csv.text.split('\r\n')[0]).toBe(Object.keys(listed[0]!).join(','));

    const list = await api('GET', '/v1/extracts?dataset=positions');
    expect(list.body.data.map((extract: Json) => extract.id)).toEqual([id]);
  });

  it('filters like the list, needs its dataset’s read scope to download, and is invisible to other tenants', async () => {
    const [account] = (await api('GET', '/v1/accounts?limit=1')).body.data;
    const created = await api('POST', '/v1/extracts', {
      dataset: 'transactions',
      format: 'ndjson',
      filters: { account_id: account.id, from: '2000-01-01' },
    });
    expect(created.status, created.text).toBe(202);
    const done = await until(created.body.id, (extract) => extract.status === 'succeeded');
    const file = await download(done.download_url);
    const rows = file.text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(await walk(api, `/v1/transactions?account_id=${account.id}&from=2000-01-01`, 1000));

    const badFilter = await api('POST', '/v1/extracts', { dataset: 'positions', filters: { colour: 'red' } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.detail).toContain('filters/colour');
    const badDataset = await api('POST', '/v1/extracts', { dataset: 'secrets' });
    expect(badDataset.status).toBe(400);
    expect(badDataset.body.detail).toContain('dataset');

    const writer = await as(['extracts:write'], { tenantId });
    expect((await writer('GET', `/v1/extracts/${done.id}`)).status).toBe(200);
    expect((await writer('GET', `/v1/extracts/${done.id}/download`)).status).toBe(403);
    const otherReader = await as(['positions:read'], { tenantId });
    expect((await otherReader('GET', `/v1/extracts/${done.id}/download`)).status).toBe(403);
    expect((await otherReader('GET', `/v1/extracts/${done.id}`)).status).toBe(404);
    expect((await otherReader('POST', '/v1/extracts', { dataset: 'positions' })).status).toBe(403);
    const reader = await tenantWithClient(app, ['transactions:read'], { tenantId });
    const readerDownload = await fetch(done.download_url, {
      headers: bearer(await accessToken(app, reader.client)),
    });
    expect(readerDownload.status).toBe(200);
    expect(await readerDownload.text()).toBe(file.text);

    const stranger = await as(allScopes);
    expect((await stranger('GET', `/v1/extracts/${done.id}`)).status).toBe(404);
    expect((await stranger('GET', `/v1/extracts/${done.id}/download`)).status).toBe(404);
    expect((await stranger('GET', '/v1/extracts')).body.data).toEqual([]);
    expect((await api('GET', '/v1/extracts/not-a-uuid')).status).toBe(404);
  });
});

describe.each(engines)('extract expiry on %s', (engine) => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'portico-extracts-'));
    app = await startTestApp({
      database: await isolatedDatabase(engine),
      env: { EXTRACTS_DIR: dir, EXTRACT_STORAGE: 'directory', EXTRACT_TTL_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 410 once the file expired, and upkeep removes it', async () => {
    const tenant = await tenantWithClient(app, allScopes);
    const api = v1As(app, bearer(await accessToken(app, tenant.client)));
    const created = await api('POST', '/v1/extracts', { dataset: 'cashflows', format: 'csv' });
    expect(created.status, created.text).toBe(202);
    let done: Json;
    await vi.waitFor(async () => {
      done = (await api('GET', `/v1/extracts/${created.body.id}`)).body;
      expect(done.status).toBe('succeeded');
    });
    expect(done.row_count).toBe(0);
    expect(Date.parse(done.expires_at) - Date.parse(done.finished_at)).toBeLessThanOrEqual(1100);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Date.parse(done.expires_at) - Date.now() + 50)),
    );
    const gone = await api('GET', `/v1/extracts/${created.body.id}/download`);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('content-type')).toContain('application/problem+json');
    await app.jobRunner?.upkeep();
    expect((await api('GET', `/v1/extracts/${created.body.id}`)).body.status).toBe('expired');
    expect(existsSync(path.join(dir, created.body.id))).toBe(false);
  });
});
