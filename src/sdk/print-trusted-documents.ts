// Writes schema/trusted-documents.json from the SDK's typed documents (npm run codegen): the hashes
// client teams and gateways may send instead of the text. A test keeps the committed file current.
import { writeFile } from 'node:fs/promises';
import { renderTrustedDocuments } from './trusted-documents.manifest.js';

const target = new URL('../../schema/trusted-documents.json', import.meta.url);
await writeFile(target, renderTrustedDocuments());
console.log(`wrote ${target.pathname}`);
