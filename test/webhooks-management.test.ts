import { createPublicKey, generateKeyPairSync, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../src/auth/scopes.js';
import { ValidationError } from '../src/domain/errors.js';
import { EventDispatcher } from '../src/events/dispatcher.js';
import { createLogger } from '../src/platform/logger.js';
import { MemoryBroker } from '../src/platform/memory-broker.js';
import { secretBox } from '../src/platform/secret-box.js';
import { newEndpointSecret, signatureHeader, signedContent } from '../src/webhooks/signing.js';
import { signingMaterial } from '../src/webhooks/signing-material.js';
import { checkWebhookUrl, refusedAddress, resolveTarget } from '../src/webhooks/target-guard.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import type { TestDatabase } from './helpers/database.js';
import { jsonApiAs } from './helpers/jsonapi.js';
import { type Json, type V1Call, v1As, walk } from './helpers/v1.js';

type Headers = Record<string, string>;

const hours = (n: number) => n * 3_600_000;

describe('webhook signatures', () => {
  it('reproduces the Standard Webhooks test vector for v1', () => {
    expect(
      signatureHeader({
        messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
        secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
        keys: [],
      }),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs once per secret and once per key, space-separated, v1 first', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const input = {
      messageId: 'evt_42',
      timestamp: Math.floor(Date.now() / 1000),
      body: '{"event_type":"position.created"}',
      secrets: [newEndpointSecret(), newEndpointSecret(24)],
      keys: [{ kid: 'k1', privateKey }],
    };
    const entries = signatureHeader(input).split(' ');
    expect(entries.map((entry) => entry.split(',')[0])).toEqual(['v1', 'v1', 'v1a']);
    const asymmetric = Buffer.from(entries[2]?.slice(4) ?? '', 'base64');
    expect(verify(null, Buffer.from(signedContent(input)), publicKey, asymmetric)).toBe(true);
    // A receiver holding either secret accepts the delivery (the spec's own verifier).
    for (const secret of input.secrets) {
      const headers = {
        'webhook-id': input.messageId,
        'webhook-timestamp': String(input.timestamp),
        'webhook-signature': entries.join(' '),
      };
      expect(new Webhook(secret).verify(input.body, headers)).toEqual(JSON.parse(input.body));
    }
  });

  it('makes whsec_ secrets of 24 to 64 random bytes', () => {
    const secret = newEndpointSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newEndpointSecret()).not.toBe(secret);
    expect(() => newEndpointSecret(16)).toThrow();
    expect(() => newEndpointSecret(65)).toThrow();
  });
});

describe('the webhook target guard', () => {
  const strict = { allowPrivate: false };
  const relaxed = { allowPrivate: true };

  async function refusal(url: string, options = strict): Promise<string> {
    try {
      await checkWebhookUrl(url, options);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('url');
      return (error as ValidationError).issues[0]?.message ?? '';
    }
    throw new Error(`${url} was accepted`);
  }

  it.each([
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://127.8.9.10/hook', 'loopback'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://172.16.0.1/hook', 'private'],
    ['https://192.168.1.20:8443/hook', 'private'],
    ['https://169.254.10.1/hook', 'link-local'],
    ['https://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['https://100.64.0.1/hook', 'carrier-grade NAT'],
    ['https://0.0.0.0/hook', 'unspecified'],
    ['https://255.255.255.255/hook', 'broadcast'],
    ['https://224.0.0.1/hook', 'multicast'],
    ['https://240.0.0.1/hook', 'reserved'],
    ['https://0x7f.1/hook', 'loopback'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[::]/hook', 'unspecified'],
    ['https://[fe80::1]/hook', 'link-local'],
    ['https://[fd12:3456::1]/hook', 'unique-local'],
    ['https://[fd00:ec2::254]/hook', 'cloud metadata'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://[::ffff:10.0.0.1]/hook', 'private'],
    ['https://[::ffff:169.254.169.254]/hook', 'cloud metadata'],
    ['https://[64:ff9b::a00:1]/hook', 'special-purpose'],
  ])('refuses %s (%s)', async (url, kind) => {
    expect(await refusal(url)).toContain(kind);
  });

  it('refuses a host name that resolves to a private address, naming both', async () => {
    const message = await refusal('https://localhost/hook');
    expect(message).toContain('loopback');
    expect(message).toContain('localhost resolves to 127.0.0.1');
  });

  it('refuses http, other schemes, credentials, relative URLs and hosts that do not resolve', async () => {
    expect(await refusal('http://93.184.215.14/hook')).toBe('must be an https URL');
    expect(await refusal('ftp://93.184.215.14/hook')).toBe('must be an https URL');
    expect(await refusal('ftp://93.184.215.14/hook', relaxed)).toBe('must be an http or https URL');
    expect(await refusal('https://user:secret@93.184.215.14/hook')).toContain('credentials');
    expect(await refusal('/hooks')).toBe('must be an absolute URL');
    expect(await refusal('https://nothing-here.invalid/hook')).toContain('does not resolve');
  });

  it('accepts public addresses, IPv4 and IPv6', async () => {
    await expect(checkWebhookUrl('https://93.184.215.14/hook', strict)).resolves.toBeUndefined();
    await expect(checkWebhookUrl('https://[2606:4700:4700::1111]/hook', strict)).resolves.toBeUndefined();
    await expect(
      checkWebhookUrl('https://hooks.example.test/in', {
        ...strict,
        lookup: async () => [{ address: '93.184.215.14', family: 4 }],
      }),
    ).resolves.toBeUndefined();
  });

  it('allows http and private targets with WEBHOOK_ALLOW_PRIVATE_TARGETS, never metadata', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'https://10.0.0.1/hook',
      'https://[fd12::1]/hook',
      'https://[::1]/hook',
      'https://169.254.1.1/hook',
    ]) {
      await expect(checkWebhookUrl(url, relaxed), url).resolves.toBeUndefined();
    }
    expect(await refusal('http://169.254.169.254/', relaxed)).toContain('cloud metadata');
    expect(await refusal('http://[fd00:ec2::254]/', relaxed)).toContain('cloud metadata');
    expect(await refusal('http://0.0.0.0/', relaxed)).toContain('unspecified');
    expect(refusedAddress('::ffff:127.0.0.1', relaxed)).toBeUndefined();
  });

  it('resolves once at connect time and returns the address to connect to', async () => {
    expect(await resolveTarget('http://localhost:9/hook', relaxed)).toEqual({
      address: '127.0.0.1',
      family: 4,
    });
    expect(await resolveTarget('https://[2606:4700:4700::1111]/', strict)).toEqual({
      address: '2606:4700:4700::1111',
      family: 6,
    });
    let lookups = 0;
    const lookup = async () => {
      lookups += 1;
      return [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      ];
    };
    expect(await resolveTarget('https://hooks.example.test/', { ...strict, lookup })).toEqual({
      address: '93.184.215.14',
      family: 4,
    });
    expect(lookups).toBe(1);
  });

  it('refuses at connect time when any resolved address is refused (no rebinding window)', async () => {
    const lookup = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await expect(resolveTarget('https://hooks.example.test/', { ...strict, lookup })).rejects.toThrow(
      /private address: hooks.example.test resolves to 10.0.0.7/,
    );
    await expect(resolveTarget('https://[::ffff:a9fe:a9fe]/', relaxed)).rejects.toThrow(/cloud metadata/);
    await expect(resolveTarget('http://93.184.215.14/', strict)).rejects.toThrow(/https/);
  });
});

/** A database that outlives the apps started on it: no app's close() may close it. */
function sharedView(database: TestDatabase): TestDatabase {
  return { ...database, close: async () => {} };
}

describe('/v1/webhooks', () => {
  let app: TestApp;
  let strictApp: TestApp;
  let tenantId: string;
  let manager: V1Call;
  let managerHeaders: Headers;
  let other: V1Call;
  let strictManager: V1Call;
  const encryptionKey = randomBytes(32);
  const box = secretBox(encryptionKey);
  const managerScopes: Scope[] = ['webhooks:manage', 'positions:read', 'clients:read'];
  const target = 'https://127.0.0.1:9/hooks';

  const create = (body: Record<string, unknown>, call: V1Call = manager) =>
    call('POST', '/v1/webhooks', body);
  const valid = (extra: Record<string, unknown> = {}) => ({
    name: 'Portfolio sync',
    url: target,
    event_types: ['position.created', 'position.updated'],
    ...extra,
  });
  const eventsOf = (resourceId: string) =>
    app.database.db
      .selectFrom('events')
      .selectAll()
      .where('resource_id', '=', resourceId)
      .orderBy('id')
      .execute();
  const endpointRow = (id: string) =>
    app.database.db
      .selectFrom('webhook_endpoints')
      .select(['id', 'signatures'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow() as Promise<{ id: string; signatures: 'v1' | 'v1a' | 'both' }>;
  /**
   * Numbers the tenant's events as the dispatcher does. The apps run with ROLE=api (no dispatcher,
   * no delivery worker), so no attempt changes a delivery under a test's feet.
   */
  async function sequenced(): Promise<void> {
    const dispatcher = new EventDispatcher({
      database: app.database,
      broker: new MemoryBroker(),
      logger: createLogger({ logLevel: 'silent' }),
      retentionHours: 72,
    });
    while ((await dispatcher.dispatch(tenantId)) > 0) {}
  }
  const pointers = (body: Json) => body.errors.map((error: { pointer?: string }) => error.pointer);

  beforeAll(async () => {
    const env = { PORTICO_ENCRYPTION_KEY: encryptionKey.toString('base64'), ROLE: 'api' };
    app = await startTestApp({ env: { ...env, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    strictApp = await startTestApp({ env, database: sharedView(app.database) });
    const tenant = await tenantWithClient(app, managerScopes);
    tenantId = tenant.tenantId;
    managerHeaders = bearer(await accessToken(app, tenant.client));
    manager = v1As(app, managerHeaders);
    strictManager = v1As(strictApp, bearer(await accessToken(strictApp, tenant.client)));
    const stranger = await tenantWithClient(app, managerScopes, { name: 'Other tenant' });
    other = v1As(app, bearer(await accessToken(app, stranger.client)));
  });
  afterAll(async () => {
    await strictApp?.close();
    await app?.close();
  });

  describe('create', () => {
    it('returns the endpoint with its secret once, and stores the secret sealed', async () => {
      const response = await create(
        valid({
          description: 'Positions into the CRM',
          content_type: 'application/xml',
          headers: { 'X-Partner-Token': 'abc123' },
          external_reference: 'crm-1',
        }),
      );
      expect(response.status).toBe(201);
      const body = response.body;
      expect(response.headers.get('location')).toBe(`/v1/webhooks/${body.id}`);
      expect(body).toMatchObject({
        name: 'Portfolio sync',
        description: 'Positions into the CRM',
        url: target,
        event_types: ['position.created', 'position.updated'],
        content_type: 'application/xml',
        headers: { 'X-Partner-Token': 'abc123' },
        enabled: true,
        signatures: 'v1',
        strict_ordering: false,
        disabled_reason: null,
        failing_since: null,
        external_reference: 'crm-1',
      });
      expect(body.secret).toMatch(/^whsec_/);
      expect(Buffer.from(body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

      const read = await manager('GET', `/v1/webhooks/${body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.secret).toBeUndefined();
      expect(read.text).not.toContain(body.secret);

      const secrets = await app.database.db
        .selectFrom('webhook_secrets')
        .selectAll()
        .where('endpoint_id', '=', body.id)
        .execute();
      expect(secrets).toHaveLength(1);
      expect(secrets[0]?.encryption).toBe('aes-256-gcm');
      expect(secrets[0]?.expires_at).toBeNull();
      expect(secrets[0]?.secret).not.toBe(body.secret);
      expect(secrets[0]?.secret).not.toContain(body.secret.slice(6));
      expect(box.open(secrets[0]?.secret ?? '', 'aes-256-gcm')).toBe(body.secret);

      const events = await eventsOf(body.id);
      expect(events.map((event) => event.type)).toEqual(['webhook-endpoint.created']);
      expect(JSON.stringify(events[0]?.data)).not.toContain(body.secret.slice(6));
    });

    it('refuses what it cannot accept, naming every field at fault', async () => {
      const response = await create({
        name: '',
        url: 'https://127.0.0.1:9/hooks',
        event_types: ['position.created', 'position.exploded'],
        content_type: 'text/plain',
        headers: { 'Webhook-Signature': 'forged', 'Bad Name': 'x', Host: 'evil.example', 'X-Ok': 'a\r\nb' },
        external_reference: 'not/allowed',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(pointers(response.body).sort()).toEqual(
        [
          '#/content_type',
          '#/event_types/1',
          '#/external_reference',
          '#/headers/Bad Name',
          '#/headers/Host',
          '#/headers/Webhook-Signature',
          '#/headers/X-Ok',
          '#/name',
        ].sort(),
      );
      const detail = JSON.stringify(response.body.errors);
      expect(detail).toContain('unknown event type position.exploded');
      expect(detail).toContain('cannot be overridden');

      const url = await create(valid({ url: 'not a url' }));
      expect(url.status).toBe(400);
      expect(url.body.errors).toEqual([{ pointer: '#/url', detail: 'must be an absolute URL' }]);
    });

    it.each([
      ['an empty event type list', { event_types: [] }, '#/event_types'],
      ['no event types', { event_types: undefined }, '#/event_types'],
      ['an unknown field', { secret: 'whsec_mine' }, '#/secret'],
      ['a bad signatures mode', { signatures: 'v2' }, '#/signatures'],
      ['a relative URL', { url: '/hooks' }, '#/url'],
      ['a metadata URL', { url: 'http://169.254.169.254/latest' }, '#/url'],
      ['duplicate header names', { headers: { 'X-A': '1', 'x-a': '2' } }, '#/headers/x-a'],
    ])('refuses %s', async (_case, extra, pointer) => {
      const response = await create(valid(extra));
      expect(response.status).toBe(400);
      expect(pointers(response.body)).toContain(pointer);
    });

    it('refuses private and http targets without WEBHOOK_ALLOW_PRIVATE_TARGETS', async () => {
      for (const [url, reason] of [
        ['https://10.0.0.1/hooks', 'private address'],
        ['https://localhost/hooks', 'loopback'],
        ['http://93.184.215.14/hooks', 'must be an https URL'],
        ['https://[::ffff:192.168.0.1]/hooks', 'private address'],
      ] as const) {
        const response = await create(valid({ url }), strictManager);
        expect(response.status, url).toBe(400);
        expect(response.body.errors, url).toEqual([
          { pointer: '#/url', detail: expect.stringContaining(reason) },
        ]);
      }
      // The same URL passes where private targets are allowed.
      expect((await create(valid({ url: 'http://10.0.0.1/hooks' }))).status).toBe(201);
    });

    it('refuses event types the credential could not read (403, naming the scope)', async () => {
      const response = await create(valid({ event_types: ['position.created', 'transaction.created'] }));
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('insufficient_scope');
      expect(response.body.detail).toContain('transactions:read');
    });
  });

  describe('list, read, change, delete', () => {
    it('lists the tenant’s endpoints page by page', async () => {
      const created = [];
      for (const name of ['List one', 'List two', 'List three']) {
        created.push((await create(valid({ name }))).body.id);
      }
      const all = await walk(manager, '/v1/webhooks', 1);
      const ids = all.map((row: Json) => row.id);
      for (const id of created) expect(ids).toContain(id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(all.every((row: Json) => row.secret === undefined)).toBe(true);
      expect(await walk(other, '/v1/webhooks')).toEqual([]);
    });

    it('patches an endpoint, reporting what changed, and a patch that changes nothing is no change', async () => {
      const { body: created } = await create(valid({ name: 'Patch me' }));
      const patched = await manager('PATCH', `/v1/webhooks/${created.id}`, {
        name: 'Patched',
        url: 'https://127.0.0.1:9/v2/hooks',
        event_types: ['position.created', 'client.created'],
        headers: { 'X-Tenant': 'acme' },
        strict_ordering: true,
        description: null,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: 'Patched',
        url: 'https://127.0.0.1:9/v2/hooks',
        event_types: ['position.created', 'client.created'],
        headers: { 'X-Tenant': 'acme' },
        strict_ordering: true,
      });
      const [, updated] = await eventsOf(created.id);
      expect(updated?.type).toBe('webhook-endpoint.updated');
      expect([...(updated?.changed_fields ?? [])].sort()).toEqual(
        ['event_types', 'headers', 'name', 'strict_ordering', 'url'].sort(),
      );

      const again = await manager('PATCH', `/v1/webhooks/${created.id}`, {
        name: 'Patched',
        headers: { 'X-Tenant': 'acme' },
      });
      expect(again.status).toBe(200);
      expect(again.body.updated_at).toBe(patched.body.updated_at);
      expect(await eventsOf(created.id)).toHaveLength(2);

      const bad = await manager('PATCH', `/v1/webhooks/${created.id}`, {
        event_types: ['nope.created'],
        headers: { 'webhook-id': 'x' },
      });
      expect(bad.status).toBe(400);
      expect(pointers(bad.body).sort()).toEqual(['#/event_types/0', '#/headers/webhook-id'].sort());
      const refused = await strictManager('PATCH', `/v1/webhooks/${created.id}`, {
        url: 'https://192.168.1.1/',
      });
      expect(refused.status).toBe(400);
      expect(pointers(refused.body)).toEqual(['#/url']);
    });

    it('enables and disables, recording why', async () => {
      const { body: created } = await create(valid({ name: 'Switch' }));
      const disabled = await manager('POST', `/v1/webhooks/${created.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ enabled: false, disabled_reason: 'manual' });
      // Already disabled: nothing changes.
      expect((await manager('POST', `/v1/webhooks/${created.id}/disable`)).body.updated_at).toBe(
        disabled.body.updated_at,
      );
      await app.database.db
        .updateTable('webhook_endpoints')
        .set({ failing_since: new Date(), disabled_reason: 'failing' })
        .where('id', '=', created.id)
        .execute();
      const enabled = await manager('POST', `/v1/webhooks/${created.id}/enable`);
      expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
      const viaPatch = await manager('PATCH', `/v1/webhooks/${created.id}`, { enabled: false });
      expect(viaPatch.body).toMatchObject({ enabled: false, disabled_reason: 'manual' });
      const types = (await eventsOf(created.id)).map((event) => event.type);
      expect(types).toEqual([
        'webhook-endpoint.created',
        'webhook-endpoint.disabled',
        'webhook-endpoint.updated',
        'webhook-endpoint.disabled',
      ]);
      const disabledAtCreation = await create(valid({ name: 'Off', enabled: false }));
      expect(disabledAtCreation.body).toMatchObject({ enabled: false, disabled_reason: 'manual' });
    });

    it('deletes softly: 404 afterwards, history kept', async () => {
      const { body: created } = await create(valid({ name: 'Delete me' }));
      const test = await manager('POST', `/v1/webhooks/${created.id}/test`);
      expect(test.status).toBe(201);
      const deleted = await manager('DELETE', `/v1/webhooks/${created.id}`);
      expect(deleted.status).toBe(204);
      expect((await manager('GET', `/v1/webhooks/${created.id}`)).status).toBe(404);
      expect((await manager('DELETE', `/v1/webhooks/${created.id}`)).status).toBe(404);
      expect((await manager('GET', `/v1/webhooks/${created.id}/deliveries`)).status).toBe(404);
      const row = await app.database.db
        .selectFrom('webhook_endpoints')
        .select('deleted_at')
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(row.deleted_at).not.toBeNull();
      const kept = await app.database.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('endpoint_id', '=', created.id)
        .execute();
      expect(kept).toHaveLength(1);
      expect((await eventsOf(created.id)).map((event) => event.type).at(-1)).toBe('webhook-endpoint.deleted');
    });
  });

  describe('secrets and signing keys', () => {
    it('rotates the secret: both sign during the overlap, only the new one after', async () => {
      const { body: created } = await create(valid({ name: 'Rotate' }));
      const endpoint = await endpointRow(created.id);
      const rotated = await manager('POST', `/v1/webhooks/${created.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(created.secret);
      expect((await eventsOf(created.id)).map((event) => event.type)).toContain(
        'webhook-endpoint.secret-rotated',
      );

      const now = await signingMaterial(app.database.db, box, tenantId, endpoint, new Date());
      expect(now.secrets).toEqual([rotated.body.secret, created.secret]);
      expect(now.keys).toEqual([]);
      const inside = await signingMaterial(
        app.database.db,
        box,
        tenantId,
        endpoint,
        new Date(Date.now() + hours(23)),
      );
      expect(inside.secrets).toEqual([rotated.body.secret, created.secret]);
      const after = await signingMaterial(
        app.database.db,
        box,
        tenantId,
        endpoint,
        new Date(Date.now() + hours(25)),
      );
      expect(after.secrets).toEqual([rotated.body.secret]);

      // A second rotation with a short overlap shortens every older secret's life too.
      const third = await manager('POST', `/v1/webhooks/${created.id}/rotate-secret`, { overlap_hours: 1 });
      expect(third.status).toBe(200);
      const soon = await signingMaterial(
        app.database.db,
        box,
        tenantId,
        endpoint,
        new Date(Date.now() + hours(2)),
      );
      expect(soon.secrets).toEqual([third.body.secret]);

      const refused = await manager('POST', `/v1/webhooks/${created.id}/rotate-secret`, {
        overlap_hours: 1000,
      });
      expect(refused.status).toBe(400);
      expect(pointers(refused.body)).toEqual(['#/overlap_hours']);
    });

    it('signs v1a with the tenant key published as a JWK set, and rotates the key with an overlap', async () => {
      const { body: created } = await create(valid({ name: 'Asymmetric', signatures: 'both' }));
      const endpoint = await endpointRow(created.id);
      const set = await manager('GET', '/v1/webhooks/signing-keys');
      expect(set.status).toBe(200);
      expect(set.body.keys).toHaveLength(1);
      const [published] = set.body.keys;
      expect(published).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });

      const material = await signingMaterial(app.database.db, box, tenantId, endpoint, new Date());
      expect(material.secrets).toEqual([created.secret]);
      expect(material.keys.map((key) => key.kid)).toEqual([published.kid]);
      const message = {
        messageId: 'evt_7',
        timestamp: Math.floor(Date.now() / 1000),
        body: '{"event_type":"position.created"}',
      };
      const header = signatureHeader({ ...message, ...material });
      const [v1, v1a] = header.split(' ');
      expect(v1?.startsWith('v1,')).toBe(true);
      const publicKey = createPublicKey({ key: published as JsonWebKey, format: 'jwk' });
      expect(
        verify(
          null,
          Buffer.from(signedContent(message)),
          publicKey,
          Buffer.from(v1a?.slice(4) ?? '', 'base64'),
        ),
      ).toBe(true);
      const stored = await app.database.db
        .selectFrom('webhook_signing_keys')
        .select(['private_key', 'encryption'])
        .where('kid', '=', published.kid)
        .executeTakeFirstOrThrow();
      expect(stored.encryption).toBe('aes-256-gcm');
      expect(stored.private_key).not.toContain('"d"');

      const rotated = await manager('POST', '/v1/webhooks/signing-keys/rotate', { overlap_hours: 2 });
      expect(rotated.status).toBe(200);
      expect(rotated.body.keys).toHaveLength(2);
      expect(rotated.body.keys[1].kid).toBe(published.kid);
      const newKid = rotated.body.keys[0].kid;
      expect(newKid).not.toBe(published.kid);
      const during = await signingMaterial(app.database.db, box, tenantId, endpoint, new Date());
      expect(during.keys.map((key) => key.kid)).toEqual([newKid, published.kid]);
      const later = await signingMaterial(
        app.database.db,
        box,
        tenantId,
        endpoint,
        new Date(Date.now() + hours(3)),
      );
      expect(later.keys.map((key) => key.kid)).toEqual([newKid]);
      const onlyV1a = await signingMaterial(
        app.database.db,
        box,
        tenantId,
        { ...endpoint, signatures: 'v1a' },
        new Date(),
      );
      expect(onlyV1a.secrets).toEqual([]);

      // v2 publishes the same keys as webhook-signing-key resources.
      const v2 = jsonApiAs(app, managerHeaders);
      const collection = await v2('GET', '/api/v2/webhook-signing-keys');
      expect(collection.status).toBe(200);
      expect(collection.body.data.map((key: Json) => key.id)).toEqual([newKid, published.kid]);
      expect(collection.body.data[0]).toMatchObject({
        type: 'webhook-signing-key',
        attributes: { kty: 'OKP', crv: 'Ed25519', kid: newKid, retiresAt: null },
      });
      expect(collection.body.data[1].attributes.retiresAt).not.toBeNull();
      const one = await v2('GET', `/api/v2/webhook-signing-keys/${published.kid}`);
      expect(one.status).toBe(200);
      expect(one.body.data.attributes.x).toBe(published.x);
      const missing = await v2('GET', '/api/v2/webhook-signing-keys/no-such-kid');
      expect(missing.status).toBe(404);
      expect(missing.body.errors[0].code).toBe('webhook_signing_key_not_found');

      // Another tenant has keys of its own.
      const theirs = await other('GET', '/v1/webhooks/signing-keys');
      expect(theirs.body.keys.map((key: Json) => key.kid)).not.toContain(published.kid);
      expect((await jsonApiAs(app, {})('GET', `/api/v2/webhook-signing-keys/${newKid}`)).status).toBe(401);
    });
  });

  describe('deliveries', () => {
    it('sends a test event as a delivery carrying its own payload', async () => {
      const { body: created } = await create(valid({ name: 'Test me' }));
      const response = await manager('POST', `/v1/webhooks/${created.id}/test`);
      expect(response.status).toBe(201);
      const delivery = response.body;
      expect(response.headers.get('location')).toBe(`/v1/webhooks/${created.id}/deliveries/${delivery.id}`);
      expect(delivery).toMatchObject({
        endpoint_id: created.id,
        event_id: null,
        event_type: 'webhook-endpoint.test',
        test: true,
        status: 'pending',
        sequence: null,
      });
      expect(delivery.message_id).toMatch(/^msg_/);
      const row = await app.database.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', delivery.id)
        .executeTakeFirstOrThrow();
      expect(row.event_id).toBeNull();
      expect(row.payload).toMatchObject({
        event_id: delivery.message_id,
        event_type: 'webhook-endpoint.test',
        data: { webhook_endpoint_id: created.id, object: { id: created.id }, changed_fields: [] },
      });

      await manager('POST', `/v1/webhooks/${created.id}/disable`);
      const refused = await manager('POST', `/v1/webhooks/${created.id}/test`);
      expect(refused.status).toBe(409);
    });

    it('lists deliveries with their attempts, and reads one', async () => {
      const { body: created } = await create(valid({ name: 'Attempts' }));
      const first = (await manager('POST', `/v1/webhooks/${created.id}/test`)).body;
      const second = (await manager('POST', `/v1/webhooks/${created.id}/test`)).body;
      const answer = `${'é'.repeat(700)}tail`;
      await app.database.db
        .insertInto('webhook_attempts')
        .values([
          {
            tenant_id: tenantId,
            delivery_id: first.id,
            status_code: 500,
            duration_ms: 120,
            error: 'HTTP 500',
            response_body: answer,
          },
          {
            tenant_id: tenantId,
            delivery_id: first.id,
            status_code: 200,
            duration_ms: 45,
            response_body: 'ok',
          },
        ])
        .execute();
      await app.database.db
        .updateTable('webhook_deliveries')
        .set({ status: 'succeeded', last_status_code: 200 })
        .where('id', '=', first.id)
        .execute();

      const page = await manager('GET', `/v1/webhooks/${created.id}/deliveries?limit=1`);
      expect(page.status).toBe(200);
      expect(page.body.data.map((row: Json) => row.id)).toEqual([first.id]);
      expect(page.body.has_more).toBe(true);
      const [listed] = page.body.data;
      expect(listed).toMatchObject({ status: 'succeeded', last_status_code: 200, next_attempt_at: null });
      expect(listed.attempts).toHaveLength(2);
      expect(listed.attempts[0]).toMatchObject({ status_code: 500, duration_ms: 120, error: 'HTTP 500' });
      expect(Buffer.byteLength(listed.attempts[0].response_excerpt)).toBeLessThanOrEqual(1024);
      expect(answer.startsWith(listed.attempts[0].response_excerpt)).toBe(true);
      expect(listed.attempts[1]).toMatchObject({ status_code: 200, response_excerpt: 'ok', error: null });

      const all = await walk(manager, `/v1/webhooks/${created.id}/deliveries`, 1);
      expect(all.map((row: Json) => row.id)).toEqual([first.id, second.id]);
      const succeeded = await walk(manager, `/v1/webhooks/${created.id}/deliveries?status=succeeded`);
      expect(succeeded.map((row: Json) => row.id)).toEqual([first.id]);
      // A cursor of one endpoint's list is refused on another's.
      const { body: elsewhere } = await create(valid({ name: 'Elsewhere' }));
      const cursor = encodeURIComponent(page.body.next_cursor);
      const moved = await manager('GET', `/v1/webhooks/${elsewhere.id}/deliveries?limit=1&cursor=${cursor}`);
      expect(moved.status).toBe(400);

      const one = await manager('GET', `/v1/webhooks/${created.id}/deliveries/${first.id}`);
      expect(one.status).toBe(200);
      expect(one.body.attempts).toHaveLength(2);
      expect((await manager('GET', `/v1/webhooks/${elsewhere.id}/deliveries/${first.id}`)).status).toBe(404);
    });

    it('replays one delivery with the same webhook-id, and not while an attempt is in flight', async () => {
      const { body: created } = await create(valid({ name: 'Replay one' }));
      const sent = (await manager('POST', `/v1/webhooks/${created.id}/test`)).body;
      await app.database.db
        .updateTable('webhook_deliveries')
        .set({ status: 'dead', attempts: 8, last_error: 'gave up' })
        .where('id', '=', sent.id)
        .execute();
      const replayed = await manager('POST', `/v1/webhooks/${created.id}/deliveries/${sent.id}/replay`);
      expect(replayed.status).toBe(202);
      expect(replayed.body).toMatchObject({ id: sent.id, status: 'pending', message_id: sent.message_id });
      const row = await app.database.db
        .selectFrom('webhook_deliveries')
        .select(['attempts', 'status'])
        .where('id', '=', sent.id)
        .executeTakeFirstOrThrow();
      // The attempt count is the worker's fencing token: a replay leaves it alone.
      expect(row).toEqual({ attempts: 8, status: 'pending' });

      await app.database.db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivering', locked_until: new Date(Date.now() + 60_000) })
        .where('id', '=', sent.id)
        .execute();
      const busy = await manager('POST', `/v1/webhooks/${created.id}/deliveries/${sent.id}/replay`);
      expect(busy.status).toBe(409);
      const unknown = await manager(
        'POST',
        `/v1/webhooks/${created.id}/deliveries/0196a7c2-0000-7000-8000-000000000000/replay`,
      );
      expect(unknown.status).toBe(404);
    });

    it('replays every subscribed event since a time, within 72 hours', async () => {
      const { body: earlier } = await create(valid({ name: 'Before the listener' }));
      const { body: listener } = await create(
        valid({ name: 'Listener', event_types: ['webhook-endpoint.created', 'webhook-endpoint.deleted'] }),
      );
      await manager('DELETE', `/v1/webhooks/${earlier.id}`);
      await sequenced();
      const since = new Date(Date.now() - hours(1)).toISOString();
      const subscribed = await app.database.db
        .selectFrom('events')
        .select(['id', 'sequence'])
        .where('tenant_id', '=', tenantId)
        .where('type', 'in', ['webhook-endpoint.created', 'webhook-endpoint.deleted'])
        .where('occurred_at', '>=', new Date(since))
        .where('sequence', 'is not', null)
        .orderBy('sequence')
        .execute();
      expect(subscribed.length).toBeGreaterThan(2);

      const response = await manager('POST', `/v1/webhooks/${listener.id}/replay`, { since });
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ since, deliveries: subscribed.length });
      const deliveries = await walk(manager, `/v1/webhooks/${listener.id}/deliveries`);
      const byEvent = deliveries.filter((row: Json) => !row.test);
      expect(byEvent.map((row: Json) => row.message_id).sort()).toEqual(
        subscribed.map((event) => `evt_${event.id}`).sort(),
      );
      for (const row of byEvent) expect(row.message_id).toBe(row.event_id);
      // Again: the same deliveries go back to pending, none is duplicated.
      const again = await manager('POST', `/v1/webhooks/${listener.id}/replay`, { since });
      expect(again.body.deliveries).toBe(subscribed.length);
      expect(await walk(manager, `/v1/webhooks/${listener.id}/deliveries`)).toHaveLength(deliveries.length);

      const tooOld = await manager('POST', `/v1/webhooks/${listener.id}/replay`, {
        since: new Date(Date.now() - hours(73)).toISOString(),
      });
      expect(tooOld.status).toBe(400);
      expect(tooOld.body.errors).toEqual([{ pointer: '#/since', detail: 'must be at most 72 hours ago' }]);
      const notATime = await manager('POST', `/v1/webhooks/${listener.id}/replay`, { since: 'yesterday' });
      expect(notATime.status).toBe(400);
      expect(pointers(notATime.body)).toEqual(['#/since']);
      const withOffset = await manager('POST', `/v1/webhooks/${listener.id}/replay`, {
        since: '2099-01-01T00:00:00+02:00',
      });
      expect(withOffset.status).toBe(400);
    });
  });

  describe('access', () => {
    let endpointId: string;
    let deliveryId: string;

    beforeAll(async () => {
      endpointId = (await create(valid({ name: 'Isolated' }))).body.id;
      deliveryId = (await manager('POST', `/v1/webhooks/${endpointId}/test`)).body.id;
    });

    const routes = (id: string, delivery: string): [string, string, unknown?][] => [
      ['GET', `/v1/webhooks/${id}`],
      ['PATCH', `/v1/webhooks/${id}`, { name: 'Taken over' }],
      ['DELETE', `/v1/webhooks/${id}`],
      ['POST', `/v1/webhooks/${id}/enable`],
      ['POST', `/v1/webhooks/${id}/disable`],
      ['POST', `/v1/webhooks/${id}/rotate-secret`],
      ['POST', `/v1/webhooks/${id}/test`],
      ['GET', `/v1/webhooks/${id}/deliveries`],
      ['GET', `/v1/webhooks/${id}/deliveries/${delivery}`],
      ['POST', `/v1/webhooks/${id}/deliveries/${delivery}/replay`],
      ['POST', `/v1/webhooks/${id}/replay`, { since: new Date(Date.now() - 60_000).toISOString() }],
    ];

    it('answers another tenant’s endpoint exactly as an unknown one, on every route', async () => {
      const unknown = '0196a7c2-0000-7000-8000-000000000001';
      for (const [method, path, body] of routes(endpointId, deliveryId)) {
        const theirs = await other(method, path, body);
        const none = await other(method, path.replace(endpointId, unknown), body);
        expect(theirs.status, `${method} ${path}`).toBe(404);
        expect(none.status, `${method} ${path}`).toBe(404);
        expect(theirs.body.code).toBe(none.body.code);
        expect(theirs.body.detail.replace(endpointId, unknown)).toBe(none.body.detail);
      }
      expect((await other('GET', '/v1/webhooks/not-a-uuid')).status).toBe(404);
      const untouched = await manager('GET', `/v1/webhooks/${endpointId}`);
      expect(untouched.body).toMatchObject({ name: 'Isolated', enabled: true });
    });

    it('hides a tenant-wide endpoint from a credential bound to a white label', async () => {
      const bound = await tenantWithClient(app, managerScopes, { tenantId, whiteLabel: 'Nordic' });
      const call = v1As(app, bearer(await accessToken(app, bound.client)));
      expect((await call('GET', `/v1/webhooks/${endpointId}`)).status).toBe(404);
      const own = await call('POST', '/v1/webhooks', valid({ name: 'Nordic hook' }));
      expect(own.status).toBe(201);
      expect((await call('GET', '/v1/webhooks')).body.data.map((row: Json) => row.id)).toEqual([own.body.id]);
      // The tenant-wide credential sees every white label's endpoints.
      expect((await manager('GET', `/v1/webhooks/${own.body.id}`)).status).toBe(200);
    });

    it('requires webhooks:manage on every route', async () => {
      const reader = await tenantWithClient(app, ['positions:read'], { tenantId });
      const call = v1As(app, bearer(await accessToken(app, reader.client)));
      for (const [method, path, body] of [
        ['POST', '/v1/webhooks', valid()],
        ['GET', '/v1/webhooks'],
        ['GET', '/v1/webhooks/signing-keys'],
        ['POST', '/v1/webhooks/signing-keys/rotate'],
        ...routes(endpointId, deliveryId),
      ] as [string, string, unknown?][]) {
        const response = await call(method, path, body);
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(response.headers.get('www-authenticate')).toContain('scope="webhooks:manage"');
      }
      const v2 = jsonApiAs(app, bearer(await accessToken(app, reader.client)));
      expect((await v2('GET', '/api/v2/webhook-signing-keys')).status).toBe(403);
    });
  });
});
