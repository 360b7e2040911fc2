import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import '../domain/resources/described-resources.js';
import './scalars.graphql.js';
import './errors.graphql.js';
import './api-keys.graphql.js';
import './jobs.graphql.js';
import './server-info.graphql.js';
import './viewer.graphql.js';
import './subscriptions.graphql.js';
import { renderDescribedResources } from './resources/resource-types.graphql.js';

builder.mutationType({
  description: 'Every change goes through the event log: its event carries the changed fields.',
});
renderDescribedResources();

export const schema = builder.toSchema();

/** The schema as committed in schema/schema.graphql (sorted, so diffs show real changes only). */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
