import { type ExecutionResult, getOperationAST, print } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { classifyDomainError } from '../http/error-classification.js';
import {
  readIdempotencyKey,
  replayedHeader,
  requestFingerprint,
} from '../http/idempotency/idempotency-key.js';
import type { IdempotencyRecords } from '../http/idempotency/idempotency-records.js';
import type { Logger } from '../platform/logger.js';
import type { GraphQLContext } from './context.js';
import { type MutationOutcome, watchMutationOutcome } from './mutation-outcome.js';
import { clientError, refusedOperation } from './protection.js';

/** What Yoga adds to the context of an operation that came over HTTP (and graphql-ws hands in `params`). */
interface TransportContext {
  request?: Request;
  params?: { extensions?: Record<string, unknown> };
}

/** The same endpoint for every operation: the fingerprint tells operations apart by their document. */
const graphqlTarget = '/graphql';

/**
 * Idempotency-Key for GraphQL mutations, from the header or `extensions.idempotencyKey`: as on v1
 * (src/rest/v1/idempotent-writes.ts), the first execution runs in one transaction with its stored
 * result, which is committed only when the mutation succeeded (no errors, no typed error result).
 * A replay answers the stored `data` with `Idempotent-Replayed: true`. Queries and subscriptions
 * ignore the key.
 */
export function useIdempotentMutations(
  records: IdempotencyRecords,
  options: { details: boolean; log: Pick<Logger, 'error'> },
): Plugin {
  const replayed = new WeakSet<Request>();
  const refusal = (error: unknown, requestId: string) => {
    const status = classifyDomainError(error)?.status ?? 500;
    return { errors: [refusedOperation(clientError(error, requestId, options), status)] };
  };
  return {
    async onExecute({ args, executeFn, setExecuteFn, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const context = args.contextValue as unknown as GraphQLContext & TransportContext;
      let claim: Awaited<ReturnType<IdempotencyRecords['claim']>>;
      try {
        const key = readIdempotencyKey(
          context.request?.headers.get('idempotency-key') ?? context.params?.extensions?.idempotencyKey,
        );
        if (!key) return;
        claim = await records.claim({
          tenantId: context.viewer.tenantId,
          credentialId: context.viewer.credential.id,
          key,
          method: 'POST',
          path: graphqlTarget,
          fingerprint: requestFingerprint('POST', graphqlTarget, {
            document: print(args.document),
            operationName: operation.name?.value ?? null,
            variables: args.variableValues ?? {},
          }),
        });
      } catch (error) {
        setResultAndStopExecution(refusal(error, context.requestId));
        return;
      }
      if ('replay' in claim) {
        if (context.request) replayed.add(context.request);
        setResultAndStopExecution(JSON.parse(claim.replay.body) as ExecutionResult);
        return;
      }
      const { attempt } = claim;
      const outcome: MutationOutcome = { refused: false };
      setExecuteFn(async (executionArgs) => {
        try {
          return await watchMutationOutcome(outcome, () => attempt.run(async () => executeFn(executionArgs)));
        } catch (error) {
          await attempt.abandon();
          throw error;
        }
      });
      return {
        async onExecuteDone({ result }) {
          if (isAsyncIterable(result) || result.errors?.length || outcome.refused) {
            await attempt.abandon();
            return;
          }
          // The data only: extensions (the rate-limit budget) describe the moment of each answer.
          await attempt.complete({ status: 200, headers: {}, body: JSON.stringify({ data: result.data }) });
        },
      };
    },
    onResponse({ request, response }) {
      if (replayed.has(request)) response.headers.set(replayedHeader, 'true');
    },
  };
}
