import { type Issue, ValidationError } from '../../domain/errors.js';
import { readInput, type WriteMode } from '../../domain/resources/resource-input.js';
import type { ResourceRenderer } from './resource-objects.js';

// A JSON:API write document → the domain's input (keyed by column), so the description's rules
// validate it exactly as they do for v1 and GraphQL. Every refusal points into the document:
// /data/attributes/<name> or /data/relationships/<name>. Resources that are not described (custodian
// connections) give their own shape.

/** A refusal JSON:API gives its own status: a type that does not match (409), a client id (403). */
export class DocumentError extends Error {
  constructor(
    readonly status: 403 | 409,
    readonly code: string,
    message: string,
    readonly pointer: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a write document of one type may hold, and how its members map to the domain's input. */
export interface DocumentShape {
  type: string;
  /** Attribute name → input field (a column). */
  attributes: ReadonlyMap<string, string>;
  /** Relationship name → its input field and target type; a to-many one (no field) is read-only. */
  relationships: ReadonlyMap<string, { field?: string; type: string }>;
  /** Validates the input; its refusals name input fields, which the reader turns into pointers. */
  validate(input: Record<string, unknown>, mode: WriteMode): void;
}

const shapes = new WeakMap<ResourceRenderer, DocumentShape>();

/** A described resource's write documents: its attributes and to-one relationships, its rules. */
export function shapeOf(renderer: ResourceRenderer): DocumentShape {
  let shape = shapes.get(renderer);
  if (!shape) {
    shape = {
      type: renderer.type,
      attributes: new Map(renderer.attributes.map(([name, column]) => [name, column])),
      relationships: new Map(
        [...renderer.relationships.values()].map((relationship) => [
          relationship.name,
          relationship.kind === 'one'
            ? { field: relationship.column, type: relationship.type }
            : { type: relationship.type },
        ]),
      ),
      validate: (input, mode) => readInput(renderer.resource, input, mode),
    };
    shapes.set(renderer, shape);
  }
  return shape;
}

/** Where an input field lives in a document of this shape. */
export function pointerOf(shape: DocumentShape, field: string): string {
  if (field.startsWith('/')) return field;
  for (const [name, relationship] of shape.relationships) {
    if (relationship.field === field) return `/data/relationships/${name}`;
  }
  for (const [name, column] of shape.attributes) if (column === field) return `/data/attributes/${name}`;
  return field === 'body' ? '' : '/data';
}

export interface ReadDocument {
  input: Record<string, unknown>;
  /** The id the document names (updates). */
  id?: string;
}

export function readDocument(shape: DocumentShape, mode: WriteMode, body: unknown): ReadDocument {
  if (!isObject(body)) throw new ValidationError('', 'must be a JSON:API document: {"data": {…}}');
  const data = body.data;
  if (!isObject(data)) throw new ValidationError('/data', 'must be a resource object');
  const issues: Issue[] = [];
  for (const key of Object.keys(body)) {
    if (key !== 'data' && key !== 'meta' && key !== 'jsonapi') {
      issues.push({ field: `/${key}`, message: 'is not a member of a write document' });
    }
  }
  if (typeof data.type !== 'string') {
    issues.push({ field: '/data/type', message: 'is required' });
  } else if (data.type !== shape.type) {
    throw new DocumentError(
      409,
      'type_mismatch',
      `This endpoint takes ${shape.type} resources, not ${data.type}`,
      '/data/type',
    );
  }
  if (mode === 'create' && data.id !== undefined) {
    throw new DocumentError(
      403,
      'client_generated_id',
      'Ids are assigned by the server: leave out data.id',
      '/data/id',
    );
  }
  if (mode === 'update' && typeof data.id !== 'string')
    issues.push({ field: '/data/id', message: 'is required' });
  for (const key of Object.keys(data)) {
    if (!['type', 'id', 'attributes', 'relationships', 'meta', 'links'].includes(key)) {
      issues.push({ field: `/data/${key}`, message: 'is not a member of a resource object' });
    }
  }

  const input: Record<string, unknown> = {};
  const attributes = data.attributes ?? {};
  if (!isObject(attributes)) issues.push({ field: '/data/attributes', message: 'must be an object' });
  else {
    for (const [name, value] of Object.entries(attributes)) {
      const field = shape.attributes.get(name);
      if (field) input[field] = value;
      else
        issues.push({ field: `/data/attributes/${name}`, message: `is not an attribute of ${shape.type}` });
    }
  }
  const relationships = data.relationships ?? {};
  if (!isObject(relationships)) issues.push({ field: '/data/relationships', message: 'must be an object' });
  else {
    for (const [name, value] of Object.entries(relationships)) {
      const pointer = `/data/relationships/${name}`;
      const relationship = shape.relationships.get(name);
      if (!relationship) {
        issues.push({ field: pointer, message: `is not a relationship of ${shape.type}` });
        continue;
      }
      if (!relationship.field) {
        issues.push({
          field: pointer,
          message: `cannot be written here; write each ${relationship.type} instead`,
        });
        continue;
      }
      const linkage = isObject(value) ? value.data : undefined;
      if (linkage === null) {
        input[relationship.field] = null;
      } else if (isObject(linkage) && linkage.type === relationship.type && typeof linkage.id === 'string') {
        input[relationship.field] = linkage.id;
      } else {
        issues.push({
          field: pointer,
          message: `must be {"data": {"type": "${relationship.type}", "id": "…"}} or {"data": null}`,
        });
      }
    }
  }
  // The values of what could be read are checked too, so one answer names every refusal.
  try {
    shape.validate(input, mode);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const issue of error.issues) {
      const field = pointerOf(shape, issue.field);
      if (!issues.some((known) => known.field === field)) issues.push({ field, message: issue.message });
    }
  }
  if (issues.length > 0) throw ValidationError.of(issues);
  return { input, ...(typeof data.id === 'string' ? { id: data.id } : {}) };
}
