// v1's route schemas, derived from the resource descriptions: the record a resource is shown as,
// its tombstone, a page of either, the bodies a write takes and the query a list takes. They
// validate requests (route-validation.ts) and are the OpenAPI document's components (openapi.ts),
// so what is documented is what is enforced.
import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { type FieldSpec, pascal, type ResourceDescription } from '../../domain/resource.js';
import { inputSchema, readInput, type WriteMode } from '../../domain/resources/resource-input.js';
import { validateWith } from '../route-validation.js';
import { named } from '../schema-names.js';
import { shownField } from '../shown-values.js';
import { maxLimit } from './pagination.js';
import { v1FilterName } from './v1-names.js';

export interface ResourceSchemas {
  record: z.ZodType;
  tombstone: z.ZodType;
  page: z.ZodType;
  create: z.ZodType;
  update: z.ZodType;
}

const cache = new WeakMap<ResourceDescription, ResourceSchemas>();

/** A write body: the domain's reader validates it (its messages know which fields may change). */
function writeBody(resource: ResourceDescription, mode: WriteMode, id: string): z.ZodType {
  const schema = named(inputSchema(resource, mode), id);
  return validateWith(schema, (data) => {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new ValidationError('body', 'must be a JSON object');
    }
    return readInput(resource, data as Record<string, unknown>, mode);
  });
}

export function resourceSchemas(resource: ResourceDescription): ResourceSchemas {
  const cached = cache.get(resource);
  if (cached) return cached;
  const type = pascal(resource.name);
  const shape: Record<string, z.ZodType> = {};
  for (const [column, spec] of Object.entries(resource.fields)) shape[column] = shownField(spec);
  const record = named(z.object(shape), type, resource.description);
  const tombstone = named(
    z.object({
      id: z.uuid(),
      external_reference: z.string().nullable(),
      deleted: z.literal(true),
      deleted_at: z.iso.datetime(),
      updated_at: z.iso.datetime(),
    }),
    `${type}Tombstone`,
    `A deleted ${resource.name.replaceAll('_', ' ')}, as delta reads with include_deleted=true report it.`,
  );
  const page = pageSchema(
    z.union([record, tombstone]),
    `${type}Page`,
    'One page of the list; tombstones appear only with include_deleted=true.',
  );
  const schemas: ResourceSchemas = {
    record,
    tombstone,
    page,
    create: writeBody(resource, 'create', `${type}Create`),
    update: writeBody(resource, 'update', `${type}Update`),
  };
  cache.set(resource, schemas);
  return schemas;
}

/** A page of a v1 list (pagination.ts sends it): the rows, and where the next page starts. */
export function pageSchema(item: z.ZodType, id: string, description?: string): z.ZodType {
  return named(
    z.object({ data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() }),
    id,
    description,
  );
}

const limitMessage = `must be an integer from 1 to ${maxLimit}`;

/** The page parameters every list takes. */
export const pageParameters = {
  limit: z.coerce
    .number({ error: limitMessage })
    .int(limitMessage)
    .min(1, limitMessage)
    .max(maxLimit, limitMessage)
    .optional()
    .describe(`Rows per page, 1 to ${maxLimit} (default 100).`),
  cursor: z
    .string()
    .optional()
    .describe('The next_cursor of the previous page; bound to the same filters and credential’s tenant.'),
};

/**
 * A list's query: the description's filters under their v1 names (less `without`, the parent of a
 * sub-route), the page, and include_deleted for delta reads. Anything else is refused by name.
 */
export function listQuery(resource: ResourceDescription, without?: string): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(resource.filters)) {
    if (name === without) continue;
    shape[v1FilterName(name)] = spec.field.input.optional().describe(filterDescription(name, spec.field));
  }
  shape.include_deleted = z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .describe('With updated_since: also return rows deleted since then, as tombstones.');
  return z.strictObject({ ...shape, ...pageParameters });
}

function filterDescription(name: string, spec: FieldSpec): string {
  if (name === 'updated_since') {
    return 'Delta read: rows changed at or after this instant, in (updated_at, id) order.';
  }
  return spec.description;
}

/** The path parameter of a single resource; an id that is not a UUID is simply not found. */
export const idParameter = z.object({
  id: z.string().meta({ format: 'uuid' }).describe('The resource’s id.'),
});

export const problemSchema = named(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string(),
    request_id: z.string(),
    code: z.string(),
    errors: z
      .array(
        z.object({
          detail: z.string(),
          pointer: z
            .string()
            .optional()
            .describe('JSON pointer (RFC 6901, as a URI fragment) into the body.'),
          parameter: z.string().optional().describe('The query parameter at fault.'),
          header: z.string().optional().describe('The request header at fault.'),
        }),
      )
      .optional()
      .describe('One entry per invalid field, parameter or header.'),
    quota: z.int().optional().describe('For daily_quota_exceeded: the credential’s requests a day.'),
    resets_at: z.iso
      .datetime()
      .optional()
      .describe('For daily_quota_exceeded: when the quota resets (the next midnight, UTC).'),
  }),
  'Problem',
  'RFC 9457 problem details.',
);
