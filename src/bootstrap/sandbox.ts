import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { createOAuthClient } from '../auth/oauth-clients.service.js';
import { readScopes } from '../auth/scopes.js';
import { isUuid } from '../domain/errors.js';
import { findTenant } from '../domain/tenants/tenants.repository.js';
import { createTenant } from '../domain/tenants/tenants.service.js';

export interface SandboxCredentials {
  tenant_id: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  created_at: string;
}

export const sandboxFileName = 'sandbox.json';

/**
 * First start on the embedded default: a demo tenant with `small` data and a sandbox client holding
 * every read scope, saved (mode 0600) so later starts reuse them. `created` tells the caller whether
 * the secret is new and may be shown.
 */
export async function ensureSandbox(
  db: Kysely<DB>,
  dataDir: string,
): Promise<{ credentials: SandboxCredentials; created: boolean; file: string }> {
  const file = path.join(dataDir, sandboxFileName);
  const saved = await readSaved(file);
  if (saved && isUuid(saved.tenant_id) && (await findTenant(db, saved.tenant_id))) {
    return { credentials: saved, created: false, file };
  }
  const tenant = await createTenant(db, 'Demo Wealth Partners');
  // The generator (and faker) load only when demo data is made, never on a later start.
  const { seedTenant } = await import('../../db/seed/seed-tenant.js');
  await seedTenant(db, tenant.id, { size: 'small' });
  const client = await createOAuthClient(db, {
    tenantId: tenant.id,
    name: 'Sandbox',
    scopes: readScopes,
    whiteLabelId: null,
  });
  const credentials: SandboxCredentials = {
    tenant_id: tenant.id,
    client_id: client.client_id,
    client_secret: client.client_secret,
    scopes: [...readScopes],
    created_at: new Date().toISOString(),
  };
  // Written aside and renamed, so a crash never leaves a half-written credentials file.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await rename(partial, file);
  return { credentials, created: true, file };
}

/** Whether the folder already has its sandbox (a cheap file check, before the database opens). */
export async function hasSavedSandbox(dataDir: string): Promise<boolean> {
  const saved = await readSaved(path.join(dataDir, sandboxFileName));
  return saved !== undefined && isUuid(saved.tenant_id);
}

async function readSaved(file: string): Promise<SandboxCredentials | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SandboxCredentials;
  } catch {
    return undefined;
  }
}
