import { z } from 'zod';
import { accumulatedReturns } from '../../domain/performance/accumulated-returns.js';
import type { Row } from '../../domain/resources/resources.service.js';

// Attributes the legacy platform showed that no column holds: computed over the rows of one
// response. v2 performance shows each result's return accumulated from the first period listed.

export interface DerivedAttribute {
  schema: z.ZodType;
  /** The value of each row, by id, from every row of this resource in the document. */
  compute(rows: readonly Row[]): ReadonlyMap<string, unknown>;
}

export const derivedAttributes: Readonly<Record<string, Readonly<Record<string, DerivedAttribute>>>> = {
  performance_result: {
    accumulatedTimeWeightedReturn: {
      schema: z
        .string()
        .regex(/^-?\d+\.\d+$/)
        .describe(
          'The portfolio’s time-weighted return chained over the periods in this response, from its earliest through this one: (1 + r1)…(1 + rn) − 1. Narrow with portfolioId, fromDate and toDate to choose the span. A decimal string.',
        ),
      compute: accumulatedReturns,
    },
  },
};
