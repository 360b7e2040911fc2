import type { TestApp } from './app.js';
import { openApiValidator } from './openapi-validator.js';

export type Headers = Record<string, string>;

// biome-ignore lint/suspicious/noExplicitAny: bodies are checked against the OpenAPI document, not typed.
export type Json = any;

export interface V1Response<T = Json> {
  status: number;
  headers: globalThis.Headers;
  body: T;
  text: string;
}

let validator: ReturnType<typeof openApiValidator> | undefined;

/** Checks a request's body and the response's before the test sees them (JSON:API's own schema). */
export type BodyCheck = (
  method: string,
  path: string,
  sent: unknown,
  status: number,
  received: unknown,
) => void;

/**
 * A REST client as a partner would write one: JSON in and out under `mediaType`, every response
 * checked against the committed OpenAPI document (status, media type and body), so a route that
 * answers something its document does not say fails the test that called it.
 */
export function restAs(app: TestApp, headers: Headers, mediaType: string, checkBodies?: BodyCheck) {
  validator ??= openApiValidator();
  const check = validator;
  return async function call<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    extra: Headers = {},
  ): Promise<V1Response<T>> {
    const sendsBody = body !== undefined;
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...headers, ...(sendsBody ? { 'content-type': mediaType } : {}), ...extra },
      ...(sendsBody ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (response.status >= 500) {
      // The answer hides the cause; the server's log line for this request holds it.
      const logged = app.logs.find(
        (line) => line.requestId === response.headers.get('x-request-id') && line.err,
      );
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(logged?.err ?? parsed)}`);
    }
    (await check).validate(method, path, response.status, response.headers.get('content-type'), parsed);
    checkBodies?.(method, path, body, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

/** A v1 client: application/json. */
export const v1As = (app: TestApp, headers: Headers) => restAs(app, headers, 'application/json');

export type V1Call = ReturnType<typeof v1As>;

/** Every row of a list, page by page, following next_cursor. */
export async function walk<T = Json>(call: V1Call, path: string, limit = 100): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const page: V1Response = await call(
      'GET',
      `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`${path}: ${page.status} ${page.text}`);
    rows.push(...page.body.data);
    cursor = page.body.next_cursor;
  } while (cursor);
  return rows;
}
