import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the operations in schema/operations, used by the test suite's GraphQL clients.
// schema/schema.graphql itself is printed from the Pothos schema (src/graphql/print-schema.ts).
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'schema/operations/**/*.graphql',
  generates: {
    'test/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: true,
        scalars: { ID: 'string', Decimal: 'string', Date: 'string', DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
