import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtractHeader, extractEncoder } from '../src/jobs/extracts/extract-format.js';
import { directoryStore, type ExtractStore, largeObjectStore } from '../src/jobs/extracts/extract-store.js';
import { sendExtractFile } from '../src/rest/v1/extract-download.js';
import { v1ErrorHandler } from '../src/rest/v1/v1-errors.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

// Extract files: written in chunks, visible only once complete, read back whole or by byte range
// from a directory or from Postgres large objects; encoded as NDJSON or CSV; downloaded with Range.

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function bytesOf(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) throw new Error('no such file');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** 2.5 MiB and a bit, in chunks of uneven sizes (strings too), crossing the 1 MiB boundaries. */
function sampleChunks(): (string | Buffer)[] {
  return [randomBytes(10), 'héllo, wörld\n', randomBytes(1_500_000), randomBytes(3), randomBytes(1_200_001)];
}

interface StoreCase {
  store: ExtractStore;
  newId(): Promise<string>;
  /** What the store holds besides finished files (part files, unlinked objects): none, after abort or remove. */
  leftovers(): Promise<number>;
}

function storeContract(setup: () => StoreCase) {
  it('writes chunks of any size and reads back the whole file with its checksum', async () => {
    const { store, newId } = setup();
    const id = await newId();
    const chunks = sampleChunks();
    const writer = await store.create(id);
    for (const chunk of chunks) await writer.write(chunk);
    const content = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)));
    await expect(writer.finish()).resolves.toEqual({ size: content.length, checksum: sha256(content) });
    expect((await bytesOf(await store.open(id))).equals(content)).toBe(true);

    const ranges = [
      { start: 0, end: 9 },
      { start: 1_048_570, end: 1_048_600 },
      { start: 1_000_000, end: 2_200_000 },
      { start: content.length - 10, end: content.length - 1 },
      { start: 12_345, end: 12_345 },
    ];
    for (const range of ranges) {
      const read = await bytesOf(await store.open(id, range));
      expect(read.equals(content.subarray(range.start, range.end + 1))).toBe(true);
    }
  });

  it('shows nothing until finished, and a restart leaves no stale bytes', async () => {
    const { store, newId, leftovers } = setup();
    const id = await newId();
    const before = await leftovers();
    const crashed = await store.create(id);
    await crashed.write(randomBytes(1_100_000));
    expect(await store.open(id)).toBeUndefined();
    await crashed.abort();
    expect(await leftovers()).toBe(before);

    const first = await store.create(id);
    await first.write('a long first version of the file');
    await first.finish();
    const retry = await store.create(id);
    expect(await store.open(id)).toBeUndefined();
    await retry.write('short');
    await expect(retry.finish()).resolves.toEqual({ size: 5, checksum: sha256(Buffer.from('short')) });
    expect((await bytesOf(await store.open(id))).toString()).toBe('short');
    await expect(retry.write('more')).rejects.toThrow(/finished/);
  });

  it('removes a file, and answers undefined for one it does not have', async () => {
    const { store, newId, leftovers } = setup();
    const id = await newId();
    const before = await leftovers();
    const writer = await store.create(id);
    await writer.write('gone soon');
    await writer.finish();
    await store.remove(id);
    expect(await store.open(id)).toBeUndefined();
    await store.remove(id);
    expect(await leftovers()).toBe(before);
    expect(await store.open(randomUUID())).toBeUndefined();
  });

  it('keeps an empty file', async () => {
    const { store, newId } = setup();
    const id = await newId();
    const writer = await store.create(id);
    await expect(writer.finish()).resolves.toEqual({ size: 0, checksum: sha256(Buffer.alloc(0)) });
    expect((await bytesOf(await store.open(id))).length).toBe(0);
  });

  it('refuses ids that are not UUIDs', async () => {
    const { store } = setup();
    for (const id of ['../etc/passwd', `${randomUUID()}/../x`, '', 'extract']) {
      await expect(store.create(id)).rejects.toThrow(/UUID/);
      await expect(store.open(id)).rejects.toThrow(/UUID/);
      await expect(store.remove(id)).rejects.toThrow(/UUID/);
    }
  });
}

describe('the directory extract store', () => {
  let dir: string;
  let store: ExtractStore;
  beforeAll(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'portico-extracts-')), 'nested', 'files');
    store = directoryStore(dir);
  });
  afterAll(async () => {
    await rm(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  });

  storeContract(() => ({
    store,
    newId: async () => randomUUID(),
    leftovers: async () => (await readdir(dir)).filter((name) => name.endsWith('.part')).length,
  }));
});

describe.each(engines)('the large-object extract store on %s', (engine) => {
  let database: TestDatabase;
  let store: ExtractStore;
  let tenantId: string;
  beforeAll(async () => {
    database = await isolatedDatabase(engine);
    const tenant = await sql<{ id: string }>`
      insert into tenants (name) values ('Extract store test') returning id
    `.execute(database.db);
    tenantId = tenant.rows[0]!.id;
    store = largeObjectStore(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  storeContract(() => ({
    store,
    newId: async () => {
      const job = await sql<{ id: string }>`
        insert into jobs (tenant_id, kind, dataset, status)
        values (${tenantId}, 'extract', 'positions', 'succeeded') returning id
      `.execute(database.db);
      return job.rows[0]!.id;
    },
    // Objects no finished file points at.
    leftovers: async () => {
      const result = await sql<{ count: string }>`
        select count(*) as count from pg_largeobject_metadata m
        where not exists (select 1 from extract_files f where f.oid = m.oid)
      `.execute(database.db);
      return Number(result.rows[0]!.count);
    },
  }));

  it('voids a writer started again by another, and unlinks every object its row leaves with', async () => {
    const job = await sql<{ id: string }>`
      insert into jobs (tenant_id, kind, dataset, status)
      values (${tenantId}, 'extract', 'cashflows', 'succeeded') returning id
    `.execute(database.db);
    const id = job.rows[0]!.id;
    const objects = async () => {
      const result = await sql<{
        count: string;
      }>`select count(*) as count from pg_largeobject_metadata`.execute(database.db);
      return Number(result.rows[0]!.count);
    };
    const before = await objects();
    const first = await store.create(id);
    // A writer whose lease was taken over: its successor starts after it, and the first is void.
    const second = await store.create(id);
    expect(await objects()).toBe(before + 1);
    await first.write('first');
    await second.write('second');
    await expect(first.finish()).rejects.toThrow(/started again/);
    await second.finish();
    expect((await bytesOf(await store.open(id))).toString()).toBe('second');
    expect(await objects()).toBe(before + 1);
    // A writer that died leaves a row without a checksum: nothing to read, and the next create takes it.
    await store.create(id);
    expect(await store.open(id)).toBeUndefined();
    expect(await objects()).toBe(before + 1);
    await store.create(id).then((writer) => writer.write('x').then(() => writer.finish()));
    // Deleting the job (or its tenant) takes the object along.
    await sql`delete from jobs where id = ${id}`.execute(database.db);
    expect(await store.open(id)).toBeUndefined();
    expect(await objects()).toBe(before);
  });
});

describe('extract encodings', () => {
  const header: ExtractHeader = {
    extract_id: randomUUID(),
    dataset: 'positions',
    event_sequence: '1234',
    snapshot_at: '2026-03-01T12:00:00.000Z',
    row_count: 3,
    columns: ['id', 'name', 'quantity', 'active', 'tags', 'note'],
  };
  const records = [
    { id: 'a', name: 'Smith, "Jr."', quantity: '12.50', active: true, tags: ['x', 'y'], note: null },
    { id: 'b', name: 'two\nlines', quantity: 3, active: false, tags: { k: 'v' }, note: 'cr\r\nlf' },
    { id: 'c', name: '', quantity: '0', active: null, tags: null, note: 'lone\rcr' },
  ];

  it('writes NDJSON: the watermark line, then one record per line', () => {
    const encoder = extractEncoder('ndjson', header);
    const file =
      encoder.begin() + encoder.rows(records.slice(0, 2)) + encoder.rows(records.slice(2)) + encoder.end();
    expect(file.endsWith('\n')).toBe(true);
    const lines = file.slice(0, -1).split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([{ extract: header }, ...records]);
  });

  it('writes CSV that parses back to the records, header row first, no watermark', () => {
    const encoder = extractEncoder('csv', header);
    const file =
      encoder.begin() + encoder.rows(records.slice(0, 1)) + encoder.rows([]) + encoder.rows(records.slice(1));
    expect(file.startsWith('id,name,quantity,active,tags,note\r\n')).toBe(true);
    expect(file).not.toContain('1234');
    const parsed = parse(file, { columns: true, record_delimiter: '\r\n' });
    const asText = (value: unknown) =>
      value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    expect(parsed).toEqual(
      records.map((record) =>
        Object.fromEntries(Object.entries(record).map(([key, value]) => [key, asText(value)])),
      ),
    );
  });

  it('writes a header-only CSV for an empty dataset', () => {
    const encoder = extractEncoder('csv', header);
    expect(encoder.begin() + encoder.rows([]) + encoder.end()).toBe('id,name,quantity,active,tags,note\r\n');
  });
});

describe('extract downloads', () => {
  const dir = path.join(tmpdir(), `portico-downloads-${randomUUID()}`);
  const store = directoryStore(dir);
  let app: FastifyInstance;
  let base: string;
  const id = randomUUID();
  const content = randomBytes(1000);
  let checksum: string;

  beforeAll(async () => {
    const writer = await store.create(id);
    await writer.write(content);
    ({ checksum } = await writer.finish());
    app = fastify();
    // As on the v1 surface: a thrown NotFoundError becomes a 404 problem.
    app.setErrorHandler(v1ErrorHandler);
    app.get('/extracts/:id/file', (request, reply) =>
      sendExtractFile(request, reply, {
        id: (request.params as { id: string }).id,
        store,
        size: content.length,
        checksum,
        contentType: 'application/x-ndjson',
        filename: `positions-${id}.ndjson`,
        eventSequence: '42',
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/extracts`;
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (headers: Record<string, string> = {}, method = 'GET', fileId = id) =>
    fetch(`${base}/${fileId}/file`, { method, headers });
  const etag = () => `"${checksum.slice('sha256:'.length)}"`;

  it('sends the whole file with its length, type, name, tag and watermark', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-length': '1000',
      'content-type': 'application/x-ndjson',
      'content-disposition': `attachment; filename="positions-${id}.ndjson"`,
      'accept-ranges': 'bytes',
      etag: etag(),
      'cache-control': 'private, max-age=0',
      'portico-event-sequence': '42',
    });
  });

  it.each([
    ['bytes=10-19', 10, 19],
    ['bytes=100-', 100, 999],
    ['bytes=-5', 995, 999],
    ['bytes=990-5000', 990, 999],
  ])('sends the range %s', async (range, start, end) => {
    const response = await get({ range });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(Buffer.from(await response.arrayBuffer()).equals(content.subarray(start, end + 1))).toBe(true);
  });

  it('refuses a range outside the file with 416 and a problem', async () => {
    const response = await get({ range: 'bytes=1000-1010' });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe('bytes */1000');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 416, code: 'range_not_satisfiable' });
  });

  it('honours If-Range: the current tag gets the range, a stale one the whole file', async () => {
    const current = await get({ range: 'bytes=10-19', 'if-range': etag() });
    expect(current.status).toBe(206);
    await current.arrayBuffer();
    const stale = await get({ range: 'bytes=10-19', 'if-range': '"0123abcd"' });
    expect(stale.status).toBe(200);
    expect(Buffer.from(await stale.arrayBuffer()).equals(content)).toBe(true);
  });

  it('sends the whole file for several ranges or a malformed one', async () => {
    for (const range of ['bytes=0-1,5-6', 'bytes=abc', 'items=0-1']) {
      const response = await get({ range });
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBe(1000);
    }
  });

  it('answers If-None-Match with 304, HEAD without a body, a missing file with 404', async () => {
    const cached = await get({ 'if-none-match': etag() });
    expect(cached.status).toBe(304);
    const head = await get({ range: 'bytes=0-99' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('100');
    expect(await head.text()).toBe('');
    const missing = await get({}, 'GET', randomUUID());
    expect(missing.status).toBe(404);
  });
});
