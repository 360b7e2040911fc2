// Expected failures with a stable code; each surface renders them in its own dialect.
import type { z } from 'zod';

export class NotFoundError extends Error {
  readonly code = 'not_found';
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${id} was not found`);
    this.name = 'NotFoundError';
  }
}

export interface Issue {
  /** The input field, as the caller's surface names it once rendered (the domain uses column names). */
  field: string;
  /** Why it was refused, without the field's name. */
  message: string;
}

export class ValidationError extends Error {
  readonly code = 'invalid_input';
  /** Every problem found, each naming its field; the first is also `field` and the message. */
  readonly issues: readonly Issue[];
  constructor(
    readonly field: string,
    message: string,
    issues?: readonly Issue[],
  ) {
    super(
      issues && issues.length > 1
        ? issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')
        : `${field}: ${message}`,
    );
    this.name = 'ValidationError';
    this.issues = issues ?? [{ field, message }];
  }

  static of(issues: readonly Issue[]): ValidationError {
    const [first] = issues;
    if (!first) throw new Error('A validation error needs at least one issue');
    return new ValidationError(first.field, first.message, issues);
  }
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );

/**
 * A zod refusal of `input` as issues: each unknown key by name (worded by `unknownKey`), a value
 * that is absent where one is needed as "is required", anything else in the schema's own words;
 * `fieldOf` names the field an issue's path points at.
 */
export function zodIssues(
  error: z.ZodError,
  input: unknown,
  fieldOf: (path: readonly PropertyKey[]) => string,
  unknownKey: (key: string) => string,
): Issue[] {
  return error.issues.flatMap((issue): Issue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: unknownKey(key) }));
    }
    // Absent, whatever the schema would have said about a wrong value (an enum lists its values).
    const missing = valueAt(input, issue.path) === undefined;
    return [{ field: fieldOf(issue.path), message: missing ? 'is required' : issue.message }];
  });
}

export class ConflictError extends Error {
  readonly code = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Something that existed and is gone for good: an expired extract's file. */
export class GoneError extends Error {
  readonly code = 'gone';
  constructor(message: string) {
    super(message);
    this.name = 'GoneError';
  }
}

/** A conditional write whose condition no longer holds (the row changed since the caller read it). */
export class PreconditionFailedError extends Error {
  readonly code = 'precondition_failed';
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionFailedError';
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else can be answered "not found" without asking the database. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** A required display name: trimmed, 1 to `max` characters. Returns the trimmed value. */
export function requireName(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > max) throw new ValidationError(field, `must be 1-${max} characters`);
  return trimmed;
}
