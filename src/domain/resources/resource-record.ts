import type { FieldSpec, ResourceDescription } from '../resource.js';
import type { Row } from './resources.repository.js';

/** A stored value as every surface shows it: dates as YYYY-MM-DD, times as ISO 8601, decimals as strings. */
export function publicValue(spec: FieldSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (spec.type === 'integer') return Number(value);
  return value;
}

const fieldLists = new WeakMap<ResourceDescription, [string, FieldSpec][]>();

/** The described fields in order, listed once per resource (a record is built per row). */
function fieldsOf(resource: ResourceDescription): [string, FieldSpec][] {
  let fields = fieldLists.get(resource);
  if (!fields) {
    fields = Object.entries(resource.fields);
    fieldLists.set(resource, fields);
  }
  return fields;
}

/**
 * A row as the resource's public record, keyed by column (v1's casing, and what events carry):
 * exactly the described fields, plus deleted_at for a tombstone.
 */
export function publicRecord(resource: ResourceDescription, row: Row): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [column, spec] of fieldsOf(resource)) record[column] = publicValue(spec, row[column]);
  if (row.deleted_at) record.deleted_at = (row.deleted_at as Date).toISOString();
  return record;
}
