import { createApiKey } from '../../src/auth/api-keys.service.js';
import { createOAuthClient } from '../../src/auth/oauth-clients.service.js';
import type { Scope } from '../../src/auth/scopes.js';
import { createTenant, createWhiteLabel } from '../../src/domain/tenants/tenants.service.js';
import type { TestApp } from './app.js';

export interface TestTenant {
  tenantId: string;
  client: { clientId: string; clientSecret: string };
}

/** A tenant with an OAuth client holding `scopes` (optionally bound to a new white label). */
export async function tenantWithClient(
  app: TestApp,
  scopes: readonly Scope[],
  options: { name?: string; whiteLabel?: string; tenantId?: string } = {},
): Promise<TestTenant & { whiteLabelId: string | null }> {
  const db = app.database.db;
  const tenantId = options.tenantId ?? (await createTenant(db, options.name ?? 'Test tenant')).id;
  const whiteLabelId = options.whiteLabel
    ? (await createWhiteLabel(db, tenantId, options.whiteLabel)).id
    : null;
  const client = await createOAuthClient(db, { tenantId, name: 'Test client', scopes, whiteLabelId });
  return {
    tenantId,
    whiteLabelId,
    client: { clientId: client.client_id, clientSecret: client.client_secret },
  };
}

/** An access token from the real token endpoint (client_credentials, JSON body as in the seeds). */
export async function accessToken(
  app: TestApp,
  client: TestTenant['client'],
  scope?: string,
): Promise<string> {
  const response = await fetch(`${app.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      ...(scope ? { scope } : {}),
    }),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function apiKeyFor(
  app: TestApp,
  tenantId: string,
  scopes: readonly Scope[],
  whiteLabelId: string | null = null,
): Promise<{ id: string; key: string }> {
  return createApiKey(app.database.db, { tenantId, whiteLabelId, name: 'Test key', scopes });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
