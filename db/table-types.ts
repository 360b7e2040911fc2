import type { Kysely } from 'kysely';
import { generate, PostgresDialect } from 'kysely-codegen';

export const tableTypesFile = new URL('./types.ts', import.meta.url);

/**
 * Renders the Kysely table types of a migrated database. Dates and decimals are typed as strings
 * because that is what both engines return (src/platform/type-parsers.ts).
 */
// biome-ignore lint/suspicious/noExplicitAny: introspection reads below the typed schema.
export async function renderTableTypes(db: Kysely<any>): Promise<string> {
  const source = await generate({
    // kysely-codegen is typed against Kysely's CommonJS declarations; the instance is the same class.
    db: db as unknown as Parameters<typeof generate>[0]['db'],
    dialect: new PostgresDialect({ dateParser: 'string', numericParser: 'string' }),
    excludePattern: 'kysely_*',
    logger: undefined,
    print: false,
    outFile: null,
  });
  return source;
}
