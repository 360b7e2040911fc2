import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { builder } from './builder.js';

// Expected failures of mutations, returned as typed results rather than thrown.

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'An expected failure of a mutation.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const FieldIssue = builder.objectRef<{ field: string; message: string }>('FieldIssue').implement({
  description: 'One refused input field and why.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input field, as named in the mutation’s input.' }),
    message: t.exposeString('message', { description: 'Why it was refused.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused; each issue names its field.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The first refused field.' }),
    issues: t.field({ type: [FieldIssue], resolve: (error) => [...error.issues] }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'No such record is visible to the caller.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    resource: t.exposeString('resource'),
    id: t.exposeString('id'),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The change conflicts with existing data (for example a duplicate natural key).',
  interfaces: [ErrorInterface],
});

export const mutationErrors = [ValidationError, NotFoundError, ConflictError];
