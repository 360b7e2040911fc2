import { ConflictError, ValidationError } from '../errors.js';
import type { ResourceDescription } from '../resource.js';

interface DatabaseError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * What the database refused, said in the domain's terms: a duplicate natural key is a conflict
 * naming its fields, a broken cross-field rule a validation error on the field the description
 * names. Anything else is not an expected failure and goes on as it was.
 */
export function domainErrorFor(resource: ResourceDescription, error: unknown): unknown {
  const { code, constraint, detail } = (error ?? {}) as DatabaseError;
  if (code === '23505') {
    const columns =
      /Key \(([^)]*)\)/
        .exec(detail ?? '')?.[1]
        ?.split(', ')
        .filter((c) => c !== 'tenant_id') ?? [];
    const what = columns.length > 0 ? ` with this ${columns.join(', ')}` : '';
    const noun = resource.name.replaceAll('_', ' ');
    return new ConflictError(`${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}${what} already exists`);
  }
  if (code === '23514' && constraint) {
    const rule = resource.rules[constraint];
    if (rule) return new ValidationError(rule.field, rule.message);
  }
  return error;
}
