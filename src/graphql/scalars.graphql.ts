import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLDateTime, GraphQLJSON, GraphQLLocalDate } from 'graphql-scalars';
import { builder } from './builder.js';

// Dates travel as YYYY-MM-DD strings end to end (no time zone to shift them); times as ISO 8601.
// Output dates come from date columns, which the database hands over as YYYY-MM-DD text already
// (src/platform/type-parsers.ts): only input is checked.
builder.addScalarType(
  'Date',
  new GraphQLScalarType({
    ...GraphQLLocalDate.toConfig(),
    serialize: (value: unknown) => (typeof value === 'string' ? value : GraphQLLocalDate.serialize(value)),
  }),
  { description: 'A calendar date, YYYY-MM-DD (ISO 8601).' },
);
builder.addScalarType('DateTime', GraphQLDateTime, {
  description: 'A point in time, ISO 8601 with offset (UTC on output).',
});
// Literals are read once, when a document is compiled (graphql-jit), without variables: a JSON
// value that needs one is passed whole as a variable.
builder.addScalarType(
  'JSON',
  new GraphQLScalarType({
    ...GraphQLJSON.toConfig(),
    parseLiteral: (ast: ValueNode) => GraphQLJSON.parseLiteral(ast, null),
  }),
  {},
);

function decimalOf(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new TypeError('Decimal must be a string or a number');
}

// Exact decimals are strings: a float would round money. Input may be a string or a number; the
// resource description validates it and names the field when it is not a decimal.
builder.scalarType('Decimal', {
  description: 'An exact decimal number, as a string such as "1234.56".',
  serialize: (value) => String(value),
  parseValue: decimalOf,
  parseLiteral: (ast) =>
    decimalOf(
      ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined,
    ),
});

export const Money = builder.objectRef<{ amount: string; currency: string }>('Money').implement({
  description: 'An amount with its currency; the amount is an exact decimal string.',
  fields: (t) => ({
    amount: t.expose('amount', { type: 'Decimal' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code.' }),
  }),
});
