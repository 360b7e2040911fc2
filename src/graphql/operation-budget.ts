import { type ExecutionArgs, type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { graphqlCode } from '../http/error-classification.js';
import {
  drawable,
  type RateLimitDecision,
  RateLimitedError,
  type RateLimiter,
  retryAfterSeconds,
  tokensFor,
} from '../http/rate-limit.js';
import { operationCost } from './operation-cost.js';
import { refusedOperation } from './protection.js';

/**
 * A request's account with its tenant's rate-limit budget, handed to Yoga in the server context.
 * Over HTTP the route has drawn one token at the door, before Yoga parses anything, so that a flood
 * is refused cheaply; each operation then pays the rest of its price here, after validation. A
 * graphql-ws operation has paid its whole price before it reaches execution (websocket.ts).
 */
export interface OperationBudget {
  limiter: RateLimiter;
  tenantId: string;
  /** Tokens drawn already and not yet counted against an operation. */
  prepaid: number;
  /** The latest check: its RateLimit headers are the ones the HTTP response carries. */
  decision: RateLimitDecision;
}

/** `extensions.rateLimit` of every single result: what the operation cost and what is left. */
export interface RateLimitExtension {
  /** GraphQL Armor's cost of the operation (operation-cost.ts). */
  cost: number;
  /** Tokens the operation draws: ⌈cost / 100⌉, at least 1, at most the burst. */
  tokens: number;
  /** Tokens left in the tenant's bucket. */
  remaining: number;
  /** Tokens the bucket gains a minute. */
  limit: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

type Charge = { extension: RateLimitExtension; refusal?: ExecutionResult };

function budgetOf(contextValue: unknown): OperationBudget | undefined {
  return (contextValue as { rateLimit?: OperationBudget } | undefined)?.rateLimit;
}

// Yoga answers a result whose error carries `extensions.http` with that status and headers, and
// leaves `http` out of the body: the 429 and Retry-After of every other surface.
function refused(decision: RateLimitDecision): GraphQLError {
  const seconds = retryAfterSeconds(decision.result);
  const error = new GraphQLError(new RateLimitedError(seconds).message, {
    extensions: { code: graphqlCode({ status: 429 }), retryAfter: seconds },
  });
  return refusedOperation(error, 429);
}

async function charge(budget: OperationBudget, args: ExecutionArgs): Promise<Charge> {
  const cost = operationCost(args.schema, args.document, args.operationName);
  const tokens = drawable(tokensFor(cost), budget.decision.policy);
  // Settled before any await: the operations of a batch run at once, and only one of them may
  // count the door's token.
  const credit = Math.min(budget.prepaid, tokens);
  budget.prepaid -= credit;
  let decision = budget.decision;
  if (tokens > credit) {
    decision = await budget.limiter.take(budget.tenantId, tokens - credit);
    budget.decision = decision;
  }
  const extension = {
    cost,
    tokens,
    remaining: decision.result.remaining,
    limit: decision.policy.perMinute,
    resetSeconds: Math.ceil(decision.result.resetMs / 1000),
  };
  if (decision.result.allowed) return { extension };
  return { extension, refusal: { errors: [refused(decision)], extensions: { rateLimit: extension } } };
}

/**
 * Draws each operation's cost from its tenant's budget once it is known to be valid, and puts
 * `extensions.rateLimit` on its result (a stream's events carry none). Registered after the
 * protection plugins: a refusal stops the plugins after it, and still goes through error masking.
 */
export function useOperationBudget(): Plugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const budget = budgetOf(args.contextValue);
      if (!budget) return;
      const { extension, refusal } = await charge(budget, args);
      if (refusal) return setResultAndStopExecution(refusal);
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (isAsyncIterable(result)) return;
          setResult({ ...result, extensions: { ...result.extensions, rateLimit: extension } });
        },
      };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const budget = budgetOf(args.contextValue);
      if (!budget) return;
      const { refusal } = await charge(budget, args);
      if (refusal) setResultAndStopExecution(refusal);
    },
  };
}
