import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { type Issue, ValidationError, zodIssues } from '../domain/errors.js';

// Route schemas are zod schemas (the same ones the OpenAPI document is generated from), compiled
// once per route. A refusal is a ValidationError naming every field or parameter at fault, marked
// with the part of the request it came from so the problem can point at it (v1-errors.ts).

/** The part of a request a refused input came from, as Fastify names it. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

type Validate = (data: unknown) => unknown;

const customValidators = new WeakMap<z.ZodType, Validate>();

/**
 * Validates this schema's part with `validate` instead of parsing it: a resource's write body goes
 * through the domain's own reader, whose messages know which fields exist but cannot be changed.
 */
export function validateWith<S extends z.ZodType>(schema: S, validate: Validate): S {
  customValidators.set(schema, validate);
  return schema;
}

/** A ValidationError about a query parameter, raised after the route's own validation. */
export function queryParameterError(parameter: string, message: string): ValidationError {
  return inPart(new ValidationError(parameter, message), 'querystring');
}

function inPart(error: ValidationError, part: RequestPart): ValidationError {
  Object.assign(error, { validationContext: part });
  return error;
}

/** Where a validation error points: the part its fields belong to (a domain refusal: the body). */
export function partOf(error: ValidationError): RequestPart {
  return (error as { validationContext?: RequestPart }).validationContext ?? 'body';
}

function issuesOf(error: z.ZodError, data: unknown, part: RequestPart): Issue[] {
  const what = part === 'querystring' ? 'a parameter of this route' : 'a field of this request';
  return zodIssues(
    error,
    data,
    (path) => path.map(String).join('/') || (part === 'body' ? 'body' : part),
    () => `is not ${what}`,
  );
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = (httpPart ?? 'body') as RequestPart;
  const custom = customValidators.get(schema);
  if (custom) {
    return (data) => {
      try {
        return { value: custom(data) };
      } catch (error) {
        if (error instanceof ValidationError) return { error: inPart(error, part) };
        // A refusal with a status of its own (JSON:API's 409 and 403), rendered by the surface.
        if (error instanceof Error) return { error };
        throw error;
      }
    };
  }
  return (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    return { error: inPart(ValidationError.of(issuesOf(parsed.error, data, part)), part) };
  };
};
