// What a client may write, derived from the description: one zod schema per resource and mode, built
// once. Input is keyed by column name; each surface renames its own casing before and after.
import { z } from 'zod';
import { ValidationError, zodIssues } from '../errors.js';
import type { FieldSpec, ResourceDescription } from '../resource.js';

export type WriteMode = 'create' | 'update';

const schemas = new WeakMap<ResourceDescription, Record<WriteMode, z.ZodType<Record<string, unknown>>>>();

/** Whether a client may set the field in this mode. */
export function writable(spec: FieldSpec, mode: WriteMode): boolean {
  return spec.write === 'always' || (mode === 'create' && spec.write === 'create');
}

/** The schema a write is validated with (surfaces document it; `readInput` applies it). */
export function inputSchema(
  resource: ResourceDescription,
  mode: WriteMode,
): z.ZodType<Record<string, unknown>> {
  let cached = schemas.get(resource);
  if (!cached) {
    const build = (m: WriteMode) => {
      const shape: Record<string, z.ZodType> = {};
      for (const [column, spec] of Object.entries(resource.fields)) {
        if (!writable(spec, m)) continue;
        const value = (spec.nullable ? spec.input.nullable() : spec.input).describe(spec.description);
        shape[column] = m === 'create' && spec.required ? value : value.optional();
      }
      return z.strictObject(shape) as z.ZodType<Record<string, unknown>>;
    };
    cached = { create: build('create'), update: build('update') };
    schemas.set(resource, cached);
  }
  return cached[mode];
}

/** Validates a write, keeping each refusal's field and reason apart; unknown fields are refused too. */
export function readInput(
  resource: ResourceDescription,
  input: Record<string, unknown>,
  mode: WriteMode,
): Record<string, unknown> {
  const parsed = inputSchema(resource, mode).safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = zodIssues(
    parsed.error,
    input,
    // The field is the top-level column; what is wrong inside a JSON value is said in the message.
    (path) => String(path[0] ?? 'input'),
    (key) =>
      resource.fields[key] ? 'cannot be changed' : `is not a field of ${resource.name.replaceAll('_', ' ')}`,
  );
  throw ValidationError.of(issues);
}
