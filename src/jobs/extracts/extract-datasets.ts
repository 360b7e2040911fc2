import { z } from 'zod';
import type { Scope } from '../../auth/scopes.js';
import { cashflowResource } from '../../domain/cashflows/cashflow.resource.js';
import { positionResource } from '../../domain/positions/position.resource.js';
import type { ResourceDescription } from '../../domain/resource.js';
import type { FilterValues } from '../../domain/resources/resources.repository.js';
import { transactionResource } from '../../domain/transactions/transaction.resource.js';
import { v1FilterName } from '../../rest/v1/v1-names.js';

// What can be extracted: a dataset is a described resource, filtered by its v1 list filters and
// written as its v1 records, so an extract's row and the list route's item are the same object.

export const extractDatasets = {
  positions: positionResource,
  cashflows: cashflowResource,
  transactions: transactionResource,
} as const satisfies Record<string, ResourceDescription>;

export type ExtractDataset = keyof typeof extractDatasets;
export const extractDatasetNames = Object.keys(extractDatasets) as ExtractDataset[];

/** Downloading a dataset's file needs what reading its rows does. */
export function readScopeOf(dataset: ExtractDataset): Scope {
  return `${extractDatasets[dataset].family}:read`;
}

/** A dataset's filters as an extract request names them: the list route's query parameters. */
export function extractFiltersSchema(dataset: ExtractDataset): z.ZodType<Record<string, unknown>> {
  const resource = extractDatasets[dataset];
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(resource.filters)) {
    shape[v1FilterName(name)] = spec.field.input.optional().describe(spec.field.description);
  }
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
}

/** v1 filter names → the description's filter names (what the repository takes). */
export function filterValues(dataset: ExtractDataset, filters: Record<string, unknown>): FilterValues {
  const values: FilterValues = {};
  for (const name of Object.keys(extractDatasets[dataset].filters)) {
    const value = filters[v1FilterName(name)];
    if (value !== undefined) values[name] = value;
  }
  return values;
}
