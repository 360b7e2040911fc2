import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import codegenConfig from '../codegen.js';
import { renderTableTypes, tableTypesFile } from '../db/table-types.js';
import { printedSchema } from '../src/graphql/schema.js';
import { renderTrustedDocuments } from '../src/sdk/trusted-documents.manifest.js';
import { engines, isolatedDatabase, type TestDatabase } from './helpers/database.js';

describe.each(engines)(
  'generated artifacts are in sync (run `npm run codegen` when these fail) on %s',
  (engine) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await isolatedDatabase(engine);
    });
    afterAll(async () => {
      await database?.close();
    });

    it('db/types.ts matches the migrated database', async () => {
      expect(await renderTableTypes(database.db)).toBe(await readFile(tableTypesFile, 'utf8'));
    });

    it('schema/schema.graphql matches the code-first schema', async () => {
      expect(printedSchema()).toBe(
        await readFile(new URL('../schema/schema.graphql', import.meta.url), 'utf8'),
      );
    });
  },
);

describe('the SDK is in sync with schema/operations (run `npm run codegen` when these fail)', () => {
  const root = new URL('../', import.meta.url);

  it('src/sdk/generated is GraphQL Code Generator’s output for codegen.ts', async () => {
    const outputs: { filename: string; content: string }[] = await generate(
      { ...codegenConfig, cwd: fileURLToPath(root), silent: true },
      false,
    );
    expect(outputs.map((output) => output.filename)).toEqual(['src/sdk/generated/graphql.ts']);
    for (const { filename, content } of outputs) {
      expect(content, filename).toBe(await readFile(new URL(filename, root), 'utf8'));
    }
  });

  it('schema/trusted-documents.json lists exactly the SDK’s documents', async () => {
    expect(renderTrustedDocuments()).toBe(
      await readFile(new URL('schema/trusted-documents.json', root), 'utf8'),
    );
  });
});
