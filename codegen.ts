import type { CodegenConfig } from '@graphql-codegen/cli';

// The operations in schema/operations are the SDK's: typed documents for client teams and for the
// test suite alike (src/sdk/generated). `npm run codegen` then publishes their
// hashes as schema/trusted-documents.json (src/sdk/print-trusted-documents.ts).
// schema/schema.graphql itself is printed from the Pothos schema (src/graphql/print-schema.ts).
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'schema/operations/**/*.graphql',
  generates: {
    // typescript-operations (v6) emits only what the operations use: their result and variable
    // types and the inputs, enums and scalars those need, so the SDK does not ship the whole schema.
    'src/sdk/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { ID: 'string', Decimal: 'string', Date: 'string', DateTime: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;
