// The peer of Portico's start-up benchmark: a bare process that opens PGlite on a data folder,
// answers one query, then serves GET /healthz, and nothing else. Plain JavaScript so that no loader
// adds to its start. Usage: node bench/bare-pglite.mjs <data folder> <port>
import { createServer } from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const [dataDir, port] = process.argv.slice(2);
const pglite = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
await pglite.query('select 1');
const server = createServer((_request, response) => response.writeHead(200).end('ok'));
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pglite.close().then(() => process.exit(0));
});
