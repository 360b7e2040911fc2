import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { TestApp } from './app.js';
import { type Headers, restAs } from './v1.js';

// A v2/v3 client: application/vnd.api+json in and out, every response checked against the OpenAPI
// document (as v1's are) and every request and response document against the JSON:API 1.1 JSON
// Schema, so the dialect itself is held to the specification, not only to our own description of it.

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/jsonapi-1.1/${name}.json`, import.meta.url), 'utf8'));

let schemas: { response: ValidateFunction; create: ValidateFunction; update: ValidateFunction } | undefined;

function jsonApiSchemas() {
  if (schemas) return schemas;
  // The published schemas keep their definitions under `definitions`, which 2020-12 does not name.
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  ajvFormats.default(ajv);
  const response = load('schema');
  ajv.addSchema(response);
  schemas = {
    response: ajv.compile(response),
    create: ajv.compile(load('schema_create_resource')),
    update: ajv.compile(load('schema_update_resource')),
  };
  return schemas;
}

function holdTo(validate: ValidateFunction, what: string, body: unknown): void {
  if (validate(body)) return;
  const errors = (validate.errors ?? []).map((e) => `  ${e.instancePath || '(document)'} ${e.message}`);
  throw new Error(`${what} is not a JSON:API 1.1 document:\n${errors.join('\n')}\n${JSON.stringify(body)}`);
}

export const jsonApiMediaType = 'application/vnd.api+json';

export function jsonApiAs(app: TestApp, headers: Headers) {
  return restAs(app, headers, jsonApiMediaType, (method, path, sent, status, received) => {
    const { response, create, update } = jsonApiSchemas();
    // Requests the test means to be valid; deliberately broken ones are answered 4xx.
    if (sent !== undefined && typeof sent === 'object' && status < 300) {
      holdTo(method === 'POST' ? create : update, `${method} ${path} request`, sent);
    }
    if (received !== undefined) holdTo(response, `${method} ${path} ${status} response`, received);
  });
}

export type JsonApiCall = ReturnType<typeof jsonApiAs>;
