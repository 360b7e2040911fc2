import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './api-keys.graphql.js';
import './server-info.graphql.js';
import './viewer.graphql.js';

export const schema = builder.toSchema();

/** The schema as committed in schema/schema.graphql (sorted, so diffs show real changes only). */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
