// Expected failures with a stable code; each surface renders them in its own dialect.

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

export class ValidationError extends Error {
  readonly code = 'invalid_input';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
  }
}

export class ConflictError extends Error {
  readonly code = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
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
