import SchemaBuilder from '@pothos/core';
import type { GraphQLContext } from './context.js';

// The builder defines no types: each type lives in its own file next to its fields (see schema.ts).
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
});
