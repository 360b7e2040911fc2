import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type ExecutionResult,
  GraphQLError,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  TokenKind,
  type ValidationContext,
} from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { InsufficientScopeError } from '../auth/viewer.js';
import type { GraphQLLimits } from '../config.js';
import { classifyDomainError, graphqlCode } from '../http/error-classification.js';
import type { Logger } from '../platform/logger.js';
import { costOptions } from './operation-cost.js';

// Everything that keeps one GraphQL operation from costing more than it should or telling more than
// it should. These are envelop plugins on the one Yoga instance, and the WebSocket server executes
// through that instance's envelop (websocket.ts), so HTTP and WebSocket obey the same rules.

export interface ProtectionOptions {
  limits: GraphQLLimits;
  /** NODE_ENV=production: no introspection, no "Did you mean" suggestions, no error details. */
  production: boolean;
  log: Logger;
}

export function protectionPlugins(options: ProtectionOptions): Plugin[] {
  return [
    useLimits(options.limits),
    ...(options.production ? [useNoIntrospection(), useNoSuggestions()] : []),
    useErrorMasking(options),
  ];
}

type Limit = 'depth' | 'aliases' | 'tokens' | 'cost' | 'directives';

function refusal(limit: Limit, max: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max } });
}

// Armor says "Syntax Error: Query depth limit of 10 exceeded, found 12."; the client gets the
// sentence without the misleading prefix, and `extensions.limit` to switch on. Reported to the
// validation context rather than thrown, so a refusal is an ordinary validation error (400 over
// HTTP, an `error` message over WebSocket) listed with any others.
function reportAs(limit: Limit, max: number) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(refusal(limit, max, error.message.replace(/^Syntax Error:\s*/, ''))),
    ],
  };
}

// Counted before the parser builds anything, so an oversized document costs no more than reading
// its first tokens. Thrown from inside the parse function, it is a parse error like a syntax error.
// (Armor's own token counter imports a graphql subpath the bundle's single-graphql alias cannot
// resolve, src/launcher.mjs.)
function countTokens(source: string | Source, max: number): void {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) {
    if (++count > max) throw refusal('tokens', max, `Token limit of ${max} exceeded.`);
  }
}

/** Tokens, then depth, aliases, directives and cost (GraphQL Armor), each from configuration. */
function useLimits(limits: GraphQLLimits): Plugin {
  const rules = [
    // Fragments add no depth of their own: a typed mutation result read through `... on X` is as
    // deep as the fields it selects.
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...reportAs('depth', limits.maxDepth) }),
    maxAliasesRule({ n: limits.maxAliases, ...reportAs('aliases', limits.maxAliases) }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reportAs('directives', limits.maxDirectives) }),
    // Priced as the rate limit draws (operation-cost.ts).
    costLimitRule({ ...costOptions, maxCost: limits.maxCost, ...reportAs('cost', limits.maxCost) }),
  ];
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        countTokens(source, limits.maxTokens);
        return parseFn(source, options);
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}

/** `__schema` and `__type` are refused; `__typename` stays. */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

// graphql-js ends a message with " Did you mean …?" for fields, arguments, types, enum values
// ("Did you mean the enum value …?") and fragments ("Did you mean to use an inline fragment on …?").
// Names cannot contain "?", so the suggestion ends at the first one.
const suggestion = /\s*Did you mean [^?]*\?/g;

function hideSuggestions(errors: readonly Error[] | undefined): void {
  for (const error of errors ?? []) error.message = error.message.replace(suggestion, '');
}

/** Schema names must not leak through suggestions: validation errors and variable coercion errors. */
function useNoSuggestions(): Plugin {
  const onResult = ({ result, setResult }: ResultHook) => {
    if (!result.errors?.some((error) => error.message.search(suggestion) >= 0)) return;
    setResult({
      ...result,
      errors: result.errors.map((error) =>
        rebuilt(error, error.message.replace(suggestion, ''), error.extensions),
      ),
    });
  };
  return {
    onValidate() {
      return ({ valid, result }) => {
        if (!valid) hideSuggestions(result);
      };
    },
    onExecute() {
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, onResult) };
    },
    onSubscribe() {
      return { onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, onResult) };
    },
  };
}

type ResultHook = { result: ExecutionResult; setResult: (result: ExecutionResult) => void };

/**
 * A GraphQLError built by graphql-js, with `message` and the rest as the error's own. The compiled
 * executor (graphql-jit) reports errors as objects that only inherit from GraphQLError, with a
 * read-only message and the name "Error", which Yoga would take for an unexpected failure.
 */
function rebuilt(
  error: GraphQLError,
  message: string,
  extensions: GraphQLError['extensions'] | undefined,
): GraphQLError {
  const copy = new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
  if (!copy.locations && error.locations) {
    Object.defineProperty(copy, 'locations', { value: error.locations, enumerable: true });
  }
  return copy;
}

/** An expected error as graphql-js would have built it (the compiled executor wraps the thrown one). */
function expectedError(error: GraphQLError): GraphQLError {
  if (error.name === 'GraphQLError' && error.originalError == null) return error;
  const thrown = error.originalError instanceof GraphQLError ? error.originalError : undefined;
  return rebuilt(error, error.message, { ...thrown?.extensions, ...error.extensions });
}

/** A GraphQLError raised on purpose (FORBIDDEN, a refused limit …), not one wrapping a failure. */
export function isExpectedGraphQLError(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError == null || isExpectedGraphQLError(error.originalError);
}

// Failures a resolver may throw that are the caller's to fix keep their message, as on every REST
// surface, with the GraphQL code for their class (src/http/error-classification.ts).
function domainExtensions(error: unknown): Record<string, unknown> | undefined {
  const problem = classifyDomainError(error);
  if (!problem) return undefined;
  return {
    code: graphqlCode(problem),
    ...(problem.field !== undefined ? { field: problem.field } : {}),
    ...(problem.retryAfterSeconds !== undefined ? { retryAfter: problem.retryAfterSeconds } : {}),
    ...problem.dailyQuota,
    ...(error instanceof InsufficientScopeError ? { reason: error.code, scopes: [error.scope] } : {}),
  };
}

export const unexpectedErrorMessage = 'Unexpected error.';

/**
 * An operation refused before it ran (its whole answer is this error): the error as the client
 * sees it, with the HTTP status Yoga answers it with, and Retry-After when it says when to retry.
 */
export function refusedOperation(error: GraphQLError, status: number): GraphQLError {
  const retryAfter = error.extensions.retryAfter;
  return new GraphQLError(error.message, {
    extensions: {
      ...error.extensions,
      http: {
        status,
        ...(typeof retryAfter === 'number' ? { headers: { 'retry-after': String(retryAfter) } } : {}),
      },
    },
  });
}

/**
 * What the client sees of an error: expected ones as they are, anything else (a bug, an outage)
 * as "Unexpected error." with `extensions.requestId`, the id on the server's log line for it. With
 * `details` (outside production) the original message and stack ride along, as in Yoga's dev mode.
 */
export function clientError(
  error: unknown,
  requestId: string | undefined,
  options: { details: boolean; log: Pick<Logger, 'error'> },
): GraphQLError {
  if (isExpectedGraphQLError(error)) return expectedError(error);
  const located = error instanceof GraphQLError ? error : new GraphQLError(String(error));
  const original = located.originalError ?? error;
  const domain = domainExtensions(original);
  if (domain) return rebuilt(located, (original as Error).message, domain);
  options.log.error({ err: original, requestId, path: located.path?.join('.') }, 'GraphQL operation failed');
  return rebuilt(located, unexpectedErrorMessage, {
    code: 'INTERNAL_SERVER_ERROR',
    ...(requestId ? { requestId } : {}),
    // Yoga's marker: a response holding only unexpected errors is a 500. Never sent to clients.
    unexpected: true,
    ...(options.details
      ? {
          originalError:
            original instanceof Error
              ? { message: original.message, stack: original.stack }
              : { message: String(original) },
        }
      : {}),
  });
}

/**
 * Masks errors where the operation's context is at hand, so the masked error carries its request
 * id (Yoga's own masking, which stays on for failures outside execution, has no context).
 */
function useErrorMasking(options: ProtectionOptions): Plugin {
  const settings = { details: !options.production, log: options.log };
  const maskerFor = (contextValue: unknown) => {
    const requestId = (contextValue as { requestId?: string } | undefined)?.requestId;
    return ({ result, setResult }: ResultHook) => {
      if (result.errors?.length) {
        setResult({
          ...result,
          errors: result.errors.map((error) => clientError(error, requestId, settings)),
        });
      }
    };
  };
  return {
    onExecute({ args }) {
      const mask = maskerFor(args.contextValue);
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, mask) };
    },
    onSubscribe({ args }) {
      const mask = maskerFor(args.contextValue);
      const requestId = (args.contextValue as { requestId?: string } | undefined)?.requestId;
      return {
        onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, mask),
        onSubscribeError: ({ error, setError }) => setError(clientError(error, requestId, settings)),
      };
    },
  };
}
