// Which engines the suite runs on: the embedded defaults unless DATABASE_URL / REDIS_URL are set.
export const databaseUrl = process.env.DATABASE_URL || undefined;
export const redisUrl = process.env.REDIS_URL || undefined;

/** Replaces the database name in a Postgres URL. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
