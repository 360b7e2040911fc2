// What a row-level-security second wall would cost per read: the same point lookup of a tenant's
// row (a) as Portico runs it, with tenant_id in the WHERE clause, and (b) with RLS enforced, which
// needs the tenant set on the session inside a transaction (begin, set_config, select, commit).
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5000);

export async function rlsOverhead(url: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const tenant = randomUUID();
  await pool.query(`
    drop table if exists rls_probe; drop role if exists rls_reader;
    create table rls_probe (id uuid primary key default gen_random_uuid(), tenant_id uuid not null, name text);
    create index on rls_probe (tenant_id, id);`);
  await pool.query(
    `insert into rls_probe (tenant_id, name) select (array[$1::uuid, gen_random_uuid()])[1 + (i % 2)], 'row ' || i
      from generate_series(1, 20000) i`,
    [tenant],
  );
  await pool.query(`
    alter table rls_probe enable row level security;
    create policy tenant_only on rls_probe using (tenant_id = current_setting('portico.tenant_id')::uuid);
    create role rls_reader; grant select on rls_probe to rls_reader;`);
  const ids = (
    await pool.query('select id from rls_probe where tenant_id = $1 limit 500', [tenant])
  ).rows.map((r) => r.id);
  const time = async (run: (id: string) => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = w; i < rounds; i += 4) await run(ids[i % ids.length]);
      }),
    );
    return Number(process.hrtime.bigint() - start) / 1e6 / rounds;
  };
  const plain = await time((id) =>
    pool.query('select * from rls_probe where tenant_id = $1 and id = $2', [tenant, id]),
  );
  const rls = await time(async (id) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        "select set_config('portico.tenant_id', $1, true), set_config('role', 'rls_reader', true)",
        [tenant],
      );
      await client.query('select * from rls_probe where id = $1', [id]);
      await client.query('commit');
    } finally {
      client.release();
    }
  });
  await pool.query('drop table rls_probe; drop role rls_reader');
  await pool.end();
  return [
    `Row-level security (${rounds} point reads, 4 connections)`,
    `tenant_id in WHERE  ${plain.toFixed(3)} ms/read  ratio 1.00`,
    `RLS + set_config    ${rls.toFixed(3)} ms/read  ratio ${(rls / plain).toFixed(2)}`,
  ];
}
