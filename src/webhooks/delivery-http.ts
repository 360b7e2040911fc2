// One HTTP request of a delivery, to the address the target guard resolved and approved.
//
// The connection goes to that address and nowhere else: the connector is handed the resolved IP in
// place of the URL's host name, so there is no second DNS lookup between the check and the
// connection (no DNS-rebinding window). The URL is otherwise untouched, so the Host header is the
// URL's host and TLS sends it as the server name and checks the certificate against it.
//
// Redirects are never followed (undici's request follows none unless told to), so a 3xx is a
// response like any other, which the worker counts as a failure. The deadline covers connecting,
// sending, the response headers and the excerpt of the body that is kept.

/** How much of a response body is kept with the attempt. */
export const responseExcerptBytes = 1024;

export interface DeliveryRequest {
  url: string;
  /** The address the target guard resolved and approved for the URL's host. */
  target: { address: string; family: 4 | 6 };
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborts the request (the worker is stopping). */
  signal?: AbortSignal;
}

export interface DeliveryResponse {
  /** Absent when no response arrived (refused connection, timeout, reset). */
  statusCode?: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** The first KiB of the response body, as text. */
  body: string;
  durationMs: number;
  /** Why no response arrived. */
  error?: string;
}

// undici is loaded with the first delivery: an instance that never delivers never pays for it.
// Its default export (the CommonJS module) is what both Node and the bundle hand over whole.
let undici: Promise<typeof import('undici').default> | undefined;

export async function sendDelivery(request: DeliveryRequest): Promise<DeliveryResponse> {
  undici ??= import('undici').then((loaded) => loaded.default);
  const { Agent, buildConnector, request: send } = await undici;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  const connect = buildConnector({ timeout: request.timeoutMs });
  const agent = new Agent({
    // The URL's host stays in `host` (the Host header, the TLS server name); only the address moves.
    connect: (options, callback) => connect({ ...options, hostname: request.target.address }, callback),
    headersTimeout: request.timeoutMs,
    bodyTimeout: request.timeoutMs,
  });
  try {
    const response = await send(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      dispatcher: agent,
      signal,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body = '';
    try {
      body = await excerpt(response.body);
    } catch {
      // The status is what counts; a body cut short leaves the excerpt empty.
    }
    return { statusCode: response.statusCode, headers, body, durationMs: elapsed() };
  } catch (error) {
    return {
      headers: {},
      body: '',
      durationMs: elapsed(),
      error: describe(error, deadline.aborted, request.signal?.aborted ?? false),
    };
  } finally {
    agent.destroy().catch(() => {});
  }
}

/** Reads up to responseExcerptBytes of a body, then drops the rest of it. */
async function excerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= responseExcerptBytes) break;
  }
  body.destroy();
  // Streaming decode leaves out a character cut at the end; Postgres text cannot hold NUL.
  const kept = Buffer.concat(chunks).subarray(0, responseExcerptBytes);
  return new TextDecoder().decode(kept, { stream: true }).replaceAll('\u0000', '');
}

function describe(error: unknown, timedOut: boolean, stopped: boolean): string {
  if (timedOut) return 'timeout: no response in time';
  if (stopped) return 'aborted: the worker stopped';
  const err = error as { message?: string; code?: string; cause?: { message?: string; code?: string } };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
