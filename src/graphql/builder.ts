import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Scope } from '../auth/scopes.js';
import type { GraphQLContext } from './context.js';

// The builder defines no types: each type lives in its own file next to its fields (see schema.ts).
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  AuthScopes: { scope: Scope };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: async (context) => ({ scope: (scope: Scope) => context.viewer.scopes.has(scope) }),
    unauthorizedError: (_parent, _context, info, result) =>
      new GraphQLError(`${info.parentType.name}.${info.fieldName}: ${result.message}`, {
        extensions: { code: 'FORBIDDEN', reason: 'insufficient_scope' },
      }),
  },
});
