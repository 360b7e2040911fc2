import { z } from 'zod';

/**
 * Names a route schema: it becomes a component of the OpenAPI document (components/schemas/<id>).
 * Zod's global registry holds the names with every other description and format, so the document
 * sees them all; each name is taken once per process (schemas are built once and cached).
 */
export function named<S extends z.ZodType>(schema: S, id: string, description?: string): S {
  z.globalRegistry.add(schema, description ? { id, description } : { id });
  return schema;
}
