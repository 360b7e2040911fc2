// Writes schema/schema.graphql from the code-first schema (npm run codegen).
import { writeFile } from 'node:fs/promises';
import { printedSchema } from './schema.js';

const target = new URL('../../schema/schema.graphql', import.meta.url);
await writeFile(target, printedSchema());
console.log(`wrote ${target.pathname}`);
