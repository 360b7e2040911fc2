import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../../db/types.js';
import { isUuid } from '../../domain/errors.js';

// Where extract files live: a directory (one host, or a shared volume) or Postgres large objects
// (nothing to mount; the database is the one shared thing every worker and API node has). A file
// becomes visible only once complete, so a reader never gets the bytes of a crashed writer.

export interface StoredFile {
  size: number;
  /** `sha256:<hex>` of the whole file. */
  checksum: string;
}

/** One write at a time: await each call before the next. */
export interface ExtractWriter {
  write(chunk: string | Buffer): Promise<void>;
  /** Makes the file visible to `open`, replacing any earlier one of the job. */
  finish(): Promise<StoredFile>;
  /** Drops what was written; a no-op once finished or aborted. */
  abort(): Promise<void>;
}

export interface ExtractStore {
  readonly kind: 'directory' | 'large-object';
  /** Starts (or restarts from empty — a retried job rewrites its file) the file of job `id`. */
  create(id: string): Promise<ExtractWriter>;
  /** Bytes [start, end] inclusive (whole file when no range); undefined when there is no such file. */
  open(id: string, range?: { start: number; end: number }): Promise<NodeJS.ReadableStream | undefined>;
  /** No error if absent. */
  remove(id: string): Promise<void>;
}

/** Bytes per lo_put / lo_get: few round trips, bounded memory. */
const chunkSize = 1 << 20;

/** Ids become file names and SQL uuids: anything but a UUID is refused before it reaches either. */
function checkedId(id: string): string {
  if (!isUuid(id)) throw new Error(`Extract file id must be a UUID, got ${JSON.stringify(id)}`);
  return id.toLowerCase();
}

function bytesOf(chunk: string | Uint8Array): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function tally() {
  const digest = createHash('sha256');
  let size = 0;
  return {
    add(bytes: Buffer) {
      digest.update(bytes);
      size += bytes.length;
    },
    result: (): StoredFile => ({ size, checksum: `sha256:${digest.digest('hex')}` }),
  };
}

function checkedRange(range: { start: number; end: number } | undefined) {
  if (range && !(Number.isSafeInteger(range.start) && range.start >= 0 && range.end >= range.start)) {
    throw new RangeError(`Invalid byte range ${range.start}-${range.end}`);
  }
  return range;
}

type State = 'open' | 'finished' | 'aborted';

function assertOpen(state: State): void {
  if (state !== 'open') throw new Error(`The extract writer is already ${state}`);
}

const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

export function directoryStore(dir: string): ExtractStore {
  const pathOf = (id: string) => path.join(dir, checkedId(id));
  return {
    kind: 'directory',
    async create(id) {
      const final = pathOf(id);
      // Each writer its own part: a worker that outlived its lease never writes into its successor's.
      const part = `${final}.${randomUUID()}.part`;
      await mkdir(dir, { recursive: true });
      // A rewrite hides the old file at once, as the large-object store does.
      await rm(final, { force: true });
      const handle = await open(part, 'w');
      const bytes = tally();
      let state: State = 'open';
      return {
        async write(chunk) {
          assertOpen(state);
          const data = bytesOf(chunk);
          bytes.add(data);
          await handle.writeFile(data);
        },
        async finish() {
          assertOpen(state);
          state = 'finished';
          // Data on disk before the name says it is complete, and the new name on disk before we return.
          await handle.sync();
          await handle.close();
          await rename(part, final);
          await syncDirectory(dir);
          return bytes.result();
        },
        async abort() {
          if (state !== 'open') return;
          state = 'aborted';
          await handle.close().catch(() => {});
          await rm(part, { force: true });
        },
      };
    },
    async open(id, range) {
      const file = pathOf(id);
      checkedRange(range);
      // Through an open handle: a file removed or replaced after this still reads whole.
      const handle = await open(file, 'r').catch((error) => {
        if (missing(error)) return undefined;
        throw error;
      });
      return handle?.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    async remove(id) {
      const file = pathOf(id);
      // With the file, any part a crashed writer left behind.
      const names = await readdir(dir).catch((error) => {
        if (missing(error)) return [] as string[];
        throw error;
      });
      const parts = names.filter(
        (name) => name.startsWith(`${path.basename(file)}.`) && name.endsWith('.part'),
      );
      await Promise.all(
        [file, ...parts.map((name) => path.join(dir, name))].map((name) => rm(name, { force: true })),
      );
    },
  };
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some platforms and file systems cannot fsync a directory; the rename is then as durable as they allow.
  } finally {
    await handle.close();
  }
}

/**
 * Large objects through SQL functions only (lo_create, lo_put, lo_get, lo_unlink), which both
 * node-postgres and PGlite run; extract_files maps a job to its object once the file is complete.
 * The foreign key cascades the row, not the object, so everything that drops a row unlinks it.
 */
export function largeObjectStore(db: Kysely<DB>): ExtractStore {
  return {
    kind: 'large-object',
    async create(rawId) {
      const id = checkedId(rawId);
      // The job's previous file (a retry's, or a writer's whose lease was taken over) is replaced:
      // its row goes, and the table's trigger unlinks its object. The new row marks the object as
      // this job's from the start, so a writer that dies leaves nothing no row points at.
      const oid = await db.transaction().execute(async (trx) => {
        await sql`delete from extract_files where job_id = ${id}`.execute(trx);
        const created = await sql<{ oid: number | string }>`
          insert into extract_files (job_id, oid) values (${id}, lo_create(0)) returning oid
        `.execute(trx);
        return Number(created.rows[0]!.oid);
      });
      const bytes = tally();
      let pending: Buffer[] = [];
      let pendingSize = 0;
      let offset = 0;
      let state: State = 'open';
      const put = async (executor: Kysely<DB>, data: Buffer) => {
        await sql`select lo_put(${oid}, ${offset}, ${data})`.execute(executor);
        offset += data.length;
      };
      const mine = (executor: Kysely<DB>) =>
        executor.deleteFrom('extract_files').where('job_id', '=', id).where('oid', '=', oid);
      return {
        async write(chunk) {
          assertOpen(state);
          const data = bytesOf(chunk);
          bytes.add(data);
          pending.push(data);
          pendingSize += data.length;
          if (pendingSize < chunkSize) return;
          let rest = Buffer.concat(pending, pendingSize);
          while (rest.length >= chunkSize) {
            await put(db, rest.subarray(0, chunkSize));
            rest = rest.subarray(chunkSize);
          }
          // A copy, so the large concatenation is not kept alive by its tail.
          pending = rest.length > 0 ? [Buffer.from(rest)] : [];
          pendingSize = rest.length;
        },
        async finish() {
          assertOpen(state);
          state = 'finished';
          const file = bytes.result();
          await db.transaction().execute(async (trx) => {
            // The row first: a writer started again by another has lost it (and its object).
            const finished = await trx
              .updateTable('extract_files')
              .set({ size: String(file.size), checksum: file.checksum })
              .where('job_id', '=', id)
              .where('oid', '=', oid)
              .returning('job_id')
              .executeTakeFirst();
            if (!finished)
              throw new Error(`Extract ${id} was started again by another writer; this file is void`);
            if (pendingSize > 0) await put(trx, Buffer.concat(pending, pendingSize));
          });
          pending = [];
          return file;
        },
        async abort() {
          if (state !== 'open') return;
          state = 'aborted';
          pending = [];
          await mine(db).execute();
        },
      };
    },
    async open(rawId, range) {
      const id = checkedId(rawId);
      checkedRange(range);
      const row = await db
        .selectFrom('extract_files')
        .select(['oid', 'size'])
        .where('job_id', '=', id)
        .where('checksum', 'is not', null)
        .executeTakeFirst();
      if (!row) return undefined;
      const oid = Number(row.oid);
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? Number.POSITIVE_INFINITY, Number(row.size) - 1);
      async function* chunks() {
        for (let position = start; position <= end; position += chunkSize) {
          const length = Math.min(chunkSize, end - position + 1);
          const read = await sql<{ data: Uint8Array }>`
            select lo_get(${oid}, ${position}, ${length}) as data
          `.execute(db);
          yield bytesOf(read.rows[0]!.data);
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },
    async remove(id) {
      await db.deleteFrom('extract_files').where('job_id', '=', checkedId(id)).execute();
    },
  };
}
