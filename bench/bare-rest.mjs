// Plain node:http routes with pg, the floor for Portico's v1 position reads in bench/rest.ts: one
// SQL statement per request over the same database and tenant (from BENCH_TENANT_ID: no
// authentication, no validation framework, no ETags), the row sent as JSON.stringify writes it with
// v1's snake_case fields. Plain JavaScript so it runs as Portico does, compiled. Prints its port.
//   GET /v1/positions/<id>                          the live position, or 404
//   GET /v1/positions?portfolio_id=<id>&limit=<n>   {data, has_more, next_cursor} in id order
import { createServer } from 'node:http';
import pg from 'pg';

const tenantId = process.env.BENCH_TENANT_ID;
if (!process.env.DATABASE_URL || !tenantId) throw new Error('set DATABASE_URL and BENCH_TENANT_ID');
// Dates as calendar strings, as Portico hands them out (numeric and int8 are strings already).
pg.types.setTypeParser(1082, (value) => value);
// The same pool size as Portico's.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

// v1's fields of a position, in its order.
const columns =
  'id, client_id, portfolio_id, account_id, instrument_id, quantity, par, cost, mark_price, market_value, currency, as_of, external_reference, created_at, updated_at';
// Named, so each connection prepares them once, as Portico's statements are.
const one = {
  name: 'position',
  text: `select ${columns} from positions where tenant_id = $1 and id = $2 and deleted_at is null`,
};
const list = {
  name: 'positions',
  text: `select ${columns} from positions where tenant_id = $1 and portfolio_id = $2 and deleted_at is null order by id limit $3`,
};
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

async function answer(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname.startsWith('/v1/positions/')) {
    const id = url.pathname.slice('/v1/positions/'.length);
    if (!uuid.test(id)) return send(res, 404, { title: 'Not found' });
    const { rows } = await pool.query({ ...one, values: [tenantId, id] });
    return rows[0] ? send(res, 200, rows[0]) : send(res, 404, { title: 'Not found' });
  }
  if (req.method === 'GET' && url.pathname === '/v1/positions') {
    const portfolio = url.searchParams.get('portfolio_id') ?? '';
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, 1000);
    if (!uuid.test(portfolio)) return send(res, 400, { title: 'portfolio_id is required' });
    const { rows } = await pool.query({ ...list, values: [tenantId, portfolio, limit + 1] });
    const more = rows.length > limit;
    const data = more ? rows.slice(0, limit) : rows;
    return send(res, 200, { data, has_more: more, next_cursor: more ? data.at(-1).id : null });
  }
  send(res, 404, { title: 'Not found' });
}

const server = createServer((req, res) => {
  answer(req, res).catch((error) => send(res, 500, { title: String(error.message) }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
