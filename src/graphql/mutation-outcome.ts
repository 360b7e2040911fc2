import { AsyncLocalStorage } from 'node:async_hooks';

/** Whether a mutation running in this async context ended in a typed error result. */
export interface MutationOutcome {
  refused: boolean;
}

const outcomes = new AsyncLocalStorage<MutationOutcome>();

/** Runs `work`, recording in `outcome` whether a resolver's failure became a typed result. */
export function watchMutationOutcome<T>(outcome: MutationOutcome, work: () => T): T {
  return outcomes.run(outcome, work);
}

/**
 * The errors plugin calls this when a resolver's failure becomes a typed result (ValidationError,
 * NotFoundError, ConflictError): the mutation changed nothing.
 */
export function noteRefusedMutation(): void {
  const outcome = outcomes.getStore();
  if (outcome) outcome.refused = true;
}
