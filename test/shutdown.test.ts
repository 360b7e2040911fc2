import { describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/app.js';
import { accessToken, bearer, tenantWithClient } from './helpers/credentials.js';
import { slowPost } from './helpers/slow-post.js';

describe('graceful shutdown', () => {
  it('finishes an in-flight request, then refuses new ones and closes', async () => {
    const app = await startTestApp();
    try {
      const tenant = await tenantWithClient(app, ['clients:read']);
      const token = await accessToken(app, tenant.client);
      const inFlight = slowPost(
        `${app.url}/graphql`,
        JSON.stringify({ query: '{ version }' }),
        bearer(token),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      let closed = false;
      const closing = app.server.close().then(() => {
        closed = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toBe(false); // still waiting for the in-flight request
      inFlight.finish();
      const response = await inFlight.response;
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).data.version).toBeTypeOf('string');
      await closing;
      await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    } finally {
      await app.close();
    }
  });
});
