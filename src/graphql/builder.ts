import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { type AuthFailure } from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Scope } from '../auth/scopes.js';
import type { GraphQLContext } from './context.js';
import { noteRefusedMutation } from './mutation-outcome.js';

// The builder defines no types: each type lives in its own file next to its fields (see schema.ts).
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  AuthScopes: { scope: Scope };
  Scalars: {
    Decimal: { Input: string; Output: string };
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Scope checks wrap everything else, so no other plugin resolves a field the caller may not see.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  relay: { clientMutationId: 'omit', cursorType: 'String' },
  // Expected failures become typed results only where a field lists them; anything else is thrown.
  // A typed error result means the mutation changed nothing: its Idempotency-Key stays free.
  errors: { defaultTypes: [], onResolvedError: noteRefusedMutation },
  scopeAuth: {
    // A subscription's scopes are checked once, when it starts, rather than at every event.
    authorizeOnSubscribe: true,
    authScopes: (context) => ({ scope: (scope: Scope) => context.viewer.scopes.has(scope) }),
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
