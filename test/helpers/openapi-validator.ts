import { readFile } from 'node:fs/promises';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

// Checks responses against the committed OpenAPI document (openapi/openapi.json): the operation is
// found by matching the request's path against the document's path templates, the response by its
// status, the schema by its content type. The whole document is given to ajv under one $id, so a
// response schema is compiled where it stands and its `#/components/schemas/...` refs resolve
// against the document itself.

export const openApiFile = new URL('../../openapi/openapi.json', import.meta.url);

const documentId = 'https://portico.invalid/openapi.json';
// ajv-formats is CommonJS: its plugin is module.exports and, as TypeScript sees it, `default`.
const addFormats = ajvFormats.default;
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<(typeof methods)[number], Operation>>>;
  components?: Record<string, unknown>;
}

export interface OpenApiValidator {
  document: OpenApiDocument;
  /**
   * Throws unless the response is one the document describes for this request: a documented
   * status and content type whose schema the body matches. A 304 has no body to check, and a
   * documented response without content (a 204) must have no body.
   */
  validate(method: string, url: string, status: number, contentType: string | null, body: unknown): void;
}

/** A path template as a pattern: `/v1/positions/{id}` matches `/v1/positions/<one segment>`. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** A JSON pointer to `segments`, as a URI fragment. */
function pointer(segments: string[]): string {
  return segments
    .map((segment) => `/${encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'))}`)
    .join('');
}

const described = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .map(
      (error) => `  ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
    )
    .join('\n');

export async function openApiValidator(document?: OpenApiDocument): Promise<OpenApiValidator> {
  const spec = document ?? (JSON.parse(await readFile(openApiFile, 'utf8')) as OpenApiDocument);
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, logger: false });
  addFormats(ajv);
  // OpenAPI's own keywords, which JSON Schema does not know: those of its schemas, and the
  // document's fields (ajv compiles the document's root when it resolves a pointer into it).
  ajv.addVocabulary(['discriminator', 'example', 'externalDocs', 'xml']);
  ajv.addVocabulary([
    'openapi',
    'info',
    'jsonSchemaDialect',
    'servers',
    'paths',
    'webhooks',
    'components',
    'security',
    'tags',
  ]);
  ajv.addSchema(spec as object, documentId);

  // Templates without parameters first, so /v1/api-keys/new would beat /v1/api-keys/{id}.
  const templates = Object.keys(spec.paths)
    .map((template) => ({
      template,
      pattern: templatePattern(template),
      parameters: template.split('{').length,
    }))
    .sort((a, b) => a.parameters - b.parameters);
  const compiled = new Map<string, ValidateFunction>();

  function schemaAt(segments: string[]): ValidateFunction {
    const ref = `${documentId}#${pointer(segments)}`;
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    return validate;
  }

  return {
    document: spec,
    validate(method, url, status, contentType, body) {
      const path = new URL(url, 'http://localhost').pathname;
      const verb = method.toLowerCase() as (typeof methods)[number];
      const template = templates.find((candidate) => candidate.pattern.test(path))?.template;
      const operation = template ? spec.paths[template]?.[verb] : undefined;
      if (!template || !operation) throw new Error(`${method} ${path}: no operation in the document`);
      const name = `${operation.operationId ?? `${method} ${template}`} (${method.toUpperCase()} ${template})`;
      if (status === 304) return;
      const responses = operation.responses ?? {};
      const key = [String(status), `${String(status)[0]}XX`, 'default'].find(
        (candidate) => responses[candidate],
      );
      if (!key) {
        throw new Error(
          `${name}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`,
        );
      }
      const content = responses[key]?.content;
      const empty = body === undefined || body === null || body === '';
      if (!content || Object.keys(content).length === 0) {
        if (!empty) throw new Error(`${name} ${status}: documented without content, but has a body`);
        return;
      }
      const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
      if (!mediaType || !content[mediaType]) {
        throw new Error(
          `${name} ${status}: content type ${contentType ?? '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`,
        );
      }
      if (content[mediaType].schema === undefined) return;
      const validate = schemaAt(['paths', template, verb, 'responses', key, 'content', mediaType, 'schema']);
      if (!validate(body)) {
        throw new Error(
          `${name} ${status} ${mediaType}: the body does not match the document\n${described(validate.errors)}`,
        );
      }
    },
  };
}
