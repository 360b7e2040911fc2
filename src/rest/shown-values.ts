import { z } from 'zod';
import type { FieldSpec } from '../domain/resource.js';

// The JSON Schema of a stored value as the REST surfaces show it (resource-record.ts makes it so):
// decimals as strings, dates and times as ISO 8601. v1 records and JSON:API attributes use it.

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/);

/** How every REST surface shows a stored value of each type (resource-record.ts makes it so). */
export function shownAs(spec: FieldSpec): z.ZodType {
  switch (spec.type) {
    case 'id':
    case 'reference':
      return z.uuid();
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'decimal':
      return decimal;
    case 'money':
      return decimal;
    case 'integer':
      return z.int();
    case 'date':
      return z.iso.date();
    case 'datetime':
      return z.iso.datetime();
    case 'json':
      return spec.input;
    default:
      return z.string();
  }
}

export function describedAs(spec: FieldSpec): string {
  if (spec.type === 'money') return `${spec.description} A decimal string, in \`${spec.currency}\`.`;
  if (spec.type === 'decimal') return `${spec.description} A decimal string.`;
  return spec.description;
}

/** A field's shown value, nullable as described, with its description. */
export function shownField(spec: FieldSpec): z.ZodType {
  const shown = shownAs(spec);
  return (spec.nullable ? shown.nullable() : shown).describe(describedAs(spec));
}
