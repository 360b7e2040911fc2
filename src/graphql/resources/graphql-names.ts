import { decodeGlobalID } from '@pothos/plugin-relay';
import { ValidationError } from '../../domain/errors.js';
import {
  camel,
  type FieldSpec,
  pascal,
  type ResourceDescription,
  relationName,
  resourceNamed,
} from '../../domain/resource.js';

// How GraphQL names what a description holds, in one place: object types are PascalCase resource
// names, fields camelCase columns, a reference column becomes its relation (`instrument`) on output
// and `<relation>Id` (a global id) on input and in filters.

export const typeName = (resource: ResourceDescription) => pascal(resource.name);

/** The name a reference column's relation has on a GraphQL type (`instrument_id` → `instrument`). */
export const relationField = (column: string) => camel(relationName(column));

export function inputName(column: string, spec: FieldSpec): string {
  return spec.type === 'reference' ? `${relationField(column)}Id` : camel(column);
}

/** Turns a global id into the row id, refusing one of another type as the named field. */
export function localId(globalId: string, resource: string, field: string): string {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {}
  const expected = pascal(resourceNamed(resource).name);
  if (!decoded || decoded.typename !== expected) {
    throw new ValidationError(field, `must be an id of type ${expected}`);
  }
  return decoded.id;
}

/** A value as the domain takes it: a reference's global id becomes its row id, checked for type. */
export function domainValue(spec: FieldSpec, value: unknown, field: string): unknown {
  return spec.type === 'reference' && spec.references && typeof value === 'string'
    ? localId(value, spec.references, field)
    : value;
}

/** A domain validation error (fields named by column) renamed to the mutation's input fields. */
export function renamedForGraphQL(resource: ResourceDescription, error: ValidationError): ValidationError {
  return ValidationError.of(
    error.issues.map((issue) => {
      const spec = resource.fields[issue.field];
      return { field: spec ? inputName(issue.field, spec) : issue.field, message: issue.message };
    }),
  );
}
