import { type FilterSpec, field, filter } from '../resource.js';

/**
 * Rows whose issuer is in an industry, named by its code or its id: `path` leads from `column` to
 * the issuer's industry_id, and one more hop reads the code (skipped for an id). Partners filter by
 * a sector code they can read; every surface takes both.
 */
export function industryFilter(
  column: string,
  path: { table: string; column: string }[],
  description: string,
): FilterSpec {
  return filter.through(
    column,
    [...path, { table: 'industries', column: 'code' }],
    field.text(`${description}, named by its code or its id.`, { max: 36 }),
    { orId: true },
  );
}
