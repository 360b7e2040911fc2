import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

// Named prepared statements for Postgres. Every parameterised statement text gets a name, so each
// pooled connection parses and plans it once and then only binds and executes it: a GraphQL list
// with its windows and joins costs Postgres more to plan (1–2 ms) than to run. Statements without
// parameters (migrations, which may hold several statements) keep the simple protocol.
//
// Names are handed out to the first `capacity` distinct texts and kept for the life of the
// process, which bounds what each connection holds; texts beyond that run unnamed, as before.
// Statement texts come from the resource descriptions and the queries a client sends, so in
// production (trusted documents) they are a bounded set.

// A table that gains or loses a column while the process runs (a migration during a rolling deploy)
// makes Postgres refuse a prepared statement whose result was `table.*`: that text then runs
// unnamed from then on, on every connection. Inside a transaction the refusal has already aborted
// it, so the retry fails too and the write is rolled back whole; the caller's retry succeeds.
const stalePlan = (error: unknown) =>
  (error as { code?: string }).code === '0A000' &&
  String((error as Error).message).includes('cached plan must not change result type');

export function withPreparedStatements(pool: pg.Pool, capacity = 500): PostgresPool {
  /** Statement text → its name, or '' for a text that runs unnamed. */
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < capacity) {
      name = `portico_${names.size + 1}`;
      names.set(text, name);
    }
    return name || undefined;
  };
  const named = async (client: pg.PoolClient, name: string, text: string, values: unknown[]) => {
    try {
      return await client.query({ name, text, values });
    } catch (error) {
      if (!stalePlan(error)) throw error;
      names.set(text, '');
      return client.query(text, values);
    }
  };
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      wrapper = {
        // biome-ignore lint/suspicious/noExplicitAny: Kysely's overloads (text or cursor) pass through.
        query: ((textOrCursor: any, values?: readonly unknown[]) => {
          if (typeof textOrCursor !== 'string') return client.query(textOrCursor);
          const name = values && values.length > 0 ? nameOf(textOrCursor) : undefined;
          return name
            ? named(client, name, textOrCursor, values as unknown[])
            : client.query(textOrCursor, values as unknown[]);
        }) as PostgresPoolClient['query'],
        release: () => client.release(),
      };
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
