// Writes schema/events/<type>.json, each event type's JSON Schema (npm run codegen); a test
// compares them with the catalog.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { eventTypes } from '../../events/event-catalog.js';
import { eventSchemasFolder, renderEventSchema } from './event-schemas.js';

await mkdir(eventSchemasFolder, { recursive: true });
for (const file of await readdir(eventSchemasFolder)) {
  if (file.endsWith('.json')) await rm(new URL(file, eventSchemasFolder));
}
for (const type of eventTypes)
  await writeFile(new URL(`${type}.json`, eventSchemasFolder), renderEventSchema(type));
console.log(`wrote ${eventTypes.length} schemas to ${eventSchemasFolder.pathname}`);
