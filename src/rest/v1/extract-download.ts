import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import parseRange from 'range-parser';
import { NotFoundError } from '../../domain/errors.js';
import { sendProblem } from '../../http/problem.js';
import type { ExtractStore } from '../../jobs/extracts/extract-store.js';

export interface ExtractFile {
  id: string;
  store: ExtractStore;
  size: number;
  /** `sha256:<hex>`; its hex is the strong ETag. */
  checksum: string;
  contentType: string;
  filename: string;
  /** The watermark: the file plus the events after it are the dataset now. */
  eventSequence: string;
}

type Range = { start: number; end: number };

/**
 * The range to send (RFC 9110 §14): undefined for the whole file, 'unsatisfiable' for 416. A
 * malformed Range, another unit, several ranges, or an If-Range that does not match the current
 * ETag all get the whole file — several ranges would need multipart/byteranges, which download
 * managers resuming a file never ask for.
 */
function requestedRange(
  request: FastifyRequest,
  size: number,
  etag: string,
): Range | 'unsatisfiable' | undefined {
  const header = request.headers.range;
  if (typeof header !== 'string') return undefined;
  const condition = request.headers['if-range'];
  // Strong comparison; a date never matches, since the file has no Last-Modified.
  if (typeof condition === 'string' && condition.trim() !== etag) return undefined;
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return ranges[0];
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2). */
function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === etag;
  });
}

/** A quoted-string filename: anything that could end the quotes or the header line becomes `_`. */
function dispositionOf(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`;
}

/** Sends the file (or the asked-for range) of a finished extract. */
export async function sendExtractFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: ExtractFile,
): Promise<FastifyReply> {
  const etag = `"${file.checksum.replace(/^sha256:/, '')}"`;
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    // The file is the caller's data: no shared cache keeps it; a private one revalidates by ETag.
    .header('cache-control', 'private, max-age=0')
    .header('portico-event-sequence', file.eventSequence);
  if (notModified(request, etag)) return reply.code(304).send();
  const range = requestedRange(request, file.size, etag);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    return sendProblem(request, reply, {
      type: 'https://portico.dev/problems/range_not_satisfiable',
      status: 416,
      title: 'Range Not Satisfiable',
      detail: `The range ${request.headers.range} is outside the file's ${file.size} bytes`,
      code: 'range_not_satisfiable',
    });
  }
  const stream = await file.store.open(file.id, range);
  if (!stream) throw new NotFoundError('extract file', file.id);
  reply.header('content-type', file.contentType).header('content-disposition', dispositionOf(file.filename));
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
  }
  reply.header('content-length', range ? range.end - range.start + 1 : file.size);
  if (request.method === 'HEAD') {
    // Fastify's HEAD handling would read a real stream to its end; an empty one keeps Content-Length.
    if (stream instanceof Readable) stream.destroy();
    return reply.send(Readable.from([]));
  }
  return reply.send(stream);
}
