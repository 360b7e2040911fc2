import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin, { type AuthFailure } from '@pothos/plugin-scope-auth';
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
    unauthorizedError: (_parent, _context, info, result) => {
      const scopes = missingScopes(result.failure);
      const needs = scopes.length > 0 ? `needs the ${scopes.join(' or ')} scope` : result.message;
      return new GraphQLError(`${info.parentType.name}.${info.fieldName} ${needs}`, {
        extensions: { code: 'FORBIDDEN', reason: 'insufficient_scope', scopes },
      });
    },
  },
});

/** The scope names a scope-auth failure was waiting for, however the rule was composed. */
function missingScopes(failure: AuthFailure): string[] {
  if ('failures' in failure) return failure.failures.flatMap(missingScopes);
  if ('parameter' in failure && typeof failure.parameter === 'string') return [failure.parameter];
  return [];
}
