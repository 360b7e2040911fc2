// Counts the SQL statements a server sends, whatever its driver or query builder: a TCP proxy between
// the server and Postgres that reads the frontend side of the wire protocol and counts simple-query
// ('Q') and extended-protocol Execute ('E') messages. One 'Q' may carry several statements separated
// by semicolons; neither product under test sends such batches while serving reads, and the
// benchmark cross-checks Portico's own counter against the proxy.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface StatementCounts {
  /** 'Q' messages plus 'E' messages. */
  statements: number;
  simple: number;
  extended: number;
}

export interface StatementProxy {
  /** `target` with host and port replaced by the proxy's. */
  url: string;
  counts(): StatementCounts;
  /** SQL text of the statements seen since `record(true)`: Parse ('P') and Query ('Q') bodies. */
  record(on: boolean): string[];
  close(): Promise<void>;
}

const sslRequestCode = 80877103;
const gssEncRequestCode = 80877104;

/** Reads one connection's frontend messages as they stream through. */
function frontendParser(onMessage: (type: number, body: Buffer) => void) {
  let pending: Buffer = Buffer.alloc(0);
  // Before the startup message the client's messages have no type byte.
  let started = false;
  return (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (!started) {
        if (pending.length < 8) return;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        const code = pending.readInt32BE(4);
        // SSL and GSS negotiation requests come before the startup message; the startup message
        // (and a cancel request, which ends the connection) do not repeat.
        if (code !== sslRequestCode && code !== gssEncRequestCode) started = true;
        pending = pending.subarray(length);
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readInt32BE(1);
      if (pending.length < length + 1) return;
      onMessage(pending[0] as number, pending.subarray(5, length + 1));
      pending = pending.subarray(length + 1);
    }
  };
}

const Q = 'Q'.charCodeAt(0);
const E = 'E'.charCodeAt(0);
const P = 'P'.charCodeAt(0);

export async function startStatementProxy(target: string): Promise<StatementProxy> {
  const upstream = new URL(target);
  const counts: StatementCounts = { statements: 0, simple: 0, extended: 0 };
  let recording: string[] | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const backend = connect(Number(upstream.port || 5432), upstream.hostname);
    sockets.add(client).add(backend);
    client.setNoDelay(true);
    backend.setNoDelay(true);
    const parse = frontendParser((type, body) => {
      if (type === Q) {
        counts.simple++;
        counts.statements++;
        recording?.push(body.subarray(0, body.length - 1).toString('utf8'));
      } else if (type === E) {
        counts.extended++;
        counts.statements++;
      } else if (type === P && recording) {
        // Parse: statement name (C string), then the query text (C string).
        const nameEnd = body.indexOf(0);
        const textEnd = body.indexOf(0, nameEnd + 1);
        recording.push(body.subarray(nameEnd + 1, textEnd).toString('utf8'));
      }
    });
    client.on('data', (chunk: Buffer) => {
      parse(chunk);
      backend.write(chunk);
    });
    backend.pipe(client);
    const end = () => {
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };
    client.on('close', end).on('error', end);
    backend.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(target);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    counts: () => ({ ...counts }),
    record: (on) => {
      const seen = recording ?? [];
      recording = on ? [] : undefined;
      return seen;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
