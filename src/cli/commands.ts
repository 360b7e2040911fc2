import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { SeedSize } from '../../db/seed/seed-tenant.js';
import type { DB } from '../../db/types.js';
import { createApiKey, revokeKeyAnywhere } from '../auth/api-keys.service.js';
import { announceRevocation } from '../auth/authenticator.js';
import { parseDailyQuotaFlag } from '../auth/daily-quota-value.js';
import { addClientKey, createOAuthClient, revokeOAuthClient } from '../auth/oauth-clients.service.js';
import { parseScopes } from '../auth/scopes.js';
import { rotateSigningKey, signingKeysRotatedChannel } from '../auth/signing-keys.js';
import type { Config } from '../config.js';
import { ValidationError } from '../domain/errors.js';
import {
  createTenant,
  createWhiteLabel,
  requireTenant,
  setTenantRateLimits,
} from '../domain/tenants/tenants.service.js';
import type { Broker } from '../platform/broker.js';
import { migrateToLatest } from '../platform/migrator.js';
import { embeddedEncryptionKey, secretBox } from '../platform/secret-box.js';

type Options = Record<string, string | undefined>;

export interface CliContext {
  db: Kysely<DB>;
  config: Config;
  /** Runs `fn` with the deployment's Redis, when there is one: running instances listen there. */
  withBroker(fn: (broker: Broker) => Promise<void>): Promise<void>;
}

export interface Command {
  /** e.g. "tenant create" */
  name: string;
  usage: string;
  options: Record<string, { required?: boolean }>;
  run(context: CliContext, options: Options): Promise<unknown>;
}

const required = { required: true } as const;
const optional = {} as const;

/** A positive whole number, or `default` (null: the deployment's RATE_LIMIT_* value). */
function limit(options: Options, name: string): number | null {
  const value = need(options, name).trim();
  if (value === 'default') return null;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) {
    throw new ValidationError(`--${name}`, 'must be a positive whole number, or default');
  }
  return number;
}

function need(options: Options, name: string): string {
  const value = options[name];
  if (value === undefined || value.trim() === '') throw new ValidationError(`--${name}`, 'is required');
  return value;
}

export const commands: Command[] = [
  {
    name: 'migrate',
    usage: 'migrate',
    options: {},
    run: async ({ db }) => migrateToLatest(db),
  },
  {
    name: 'tenant create',
    usage: 'tenant create --name N',
    options: { name: required },
    run: async ({ db }, o) => createTenant(db, need(o, 'name').trim()),
  },
  {
    name: 'tenant limits',
    usage: 'tenant limits --tenant T --per-minute N|default --burst N|default   (applies within 30 s)',
    options: { tenant: required, 'per-minute': required, burst: required },
    run: async ({ db }, o) =>
      setTenantRateLimits(db, need(o, 'tenant'), {
        perMinute: limit(o, 'per-minute'),
        burst: limit(o, 'burst'),
      }),
  },
  {
    name: 'white-label create',
    usage: 'white-label create --tenant T --name N',
    options: { tenant: required, name: required },
    run: async ({ db }, o) => createWhiteLabel(db, need(o, 'tenant'), need(o, 'name').trim()),
  },
  {
    name: 'client create',
    usage:
      'client create --tenant T --name N --scopes "positions:read cashflows:read" [--white-label W] [--daily-quota N]',
    options: {
      tenant: required,
      name: required,
      scopes: required,
      'white-label': optional,
      'daily-quota': optional,
    },
    run: async ({ db }, o) => {
      const dailyQuota = parseDailyQuotaFlag(o['daily-quota']);
      const { client_id, client_secret } = await createOAuthClient(db, {
        tenantId: need(o, 'tenant'),
        name: need(o, 'name'),
        scopes: parseScopes(need(o, 'scopes')),
        whiteLabelId: o['white-label'] ?? null,
        dailyQuota,
      });
      return { client_id, client_secret, ...(dailyQuota !== null ? { daily_quota: dailyQuota } : {}) };
    },
  },
  {
    name: 'client add-key',
    usage: 'client add-key --client C --jwk-file F   (F holds a public EC P-256 JWK)',
    options: { client: required, 'jwk-file': required },
    run: async ({ db }, o) => {
      const file = need(o, 'jwk-file');
      let jwk: unknown;
      try {
        jwk = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new ValidationError(
          '--jwk-file',
          `could not read a JSON JWK from ${file}: ${(error as Error).message}`,
        );
      }
      return addClientKey(db, need(o, 'client'), jwk);
    },
  },
  {
    name: 'apikey create',
    usage:
      'apikey create --tenant T --name N --scopes "…" [--white-label W] [--description D] [--daily-quota N]',
    options: {
      tenant: required,
      name: required,
      scopes: required,
      'white-label': optional,
      description: optional,
      'daily-quota': optional,
    },
    run: async ({ db }, o) => {
      const dailyQuota = parseDailyQuotaFlag(o['daily-quota']);
      const created = await createApiKey(db, {
        tenantId: need(o, 'tenant'),
        name: need(o, 'name'),
        description: o.description ?? null,
        scopes: parseScopes(need(o, 'scopes')),
        whiteLabelId: o['white-label'] ?? null,
        dailyQuota,
      });
      return { ...created, ...(dailyQuota !== null ? { daily_quota: dailyQuota } : {}) };
    },
  },
  {
    name: 'client revoke',
    usage: 'client revoke --client C   (its access tokens stop working at once)',
    options: { client: required },
    run: async ({ db, withBroker }, o) => {
      const revoked = await revokeOAuthClient(db, need(o, 'client'));
      await withBroker((broker) =>
        announceRevocation(broker, { kind: 'oauth_client', publicId: revoked.client_id }),
      );
      return { client_id: revoked.client_id, revoked: true };
    },
  },
  {
    name: 'apikey revoke',
    usage: 'apikey revoke --id I | --key K   (I: the id apikey create printed; K: the key or its public id)',
    options: { id: optional, key: optional },
    run: async ({ db, withBroker }, o) => {
      const given = o.id ?? o.key?.split('.')[0];
      if (!given) throw new ValidationError('--id', 'or --key is required');
      const revoked = await revokeKeyAnywhere(db, given);
      await withBroker((broker) =>
        announceRevocation(broker, { kind: 'api_key', publicId: revoked.public_id }),
      );
      return { id: revoked.id, revoked: true };
    },
  },
  {
    name: 'keys rotate',
    usage: 'keys rotate   (new tokens are signed with a new key; earlier tokens verify until they expire)',
    options: {},
    run: async ({ db, config, withBroker }) => {
      const key =
        config.encryptionKey ?? (config.embedded ? await embeddedEncryptionKey(config.dataDir) : undefined);
      const rotated = await rotateSigningKey(db, secretBox(key));
      await withBroker((broker) => broker.publish(signingKeysRotatedChannel, rotated.kid));
      return rotated;
    },
  },
  {
    name: 'seed',
    usage: 'seed --tenant T --size small|large [--seed N]',
    options: { tenant: required, size: required, seed: optional },
    run: async ({ db }, o) => {
      const size = need(o, 'size');
      if (size !== 'small' && size !== 'large') throw new ValidationError('--size', 'must be small or large');
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !Number.isSafeInteger(seed))
        throw new ValidationError('--seed', 'must be an integer');
      const tenant = await requireTenant(db, need(o, 'tenant'));
      // The generator (and faker) load only for this command, not for every CLI call.
      const [{ seedTenant }, { createProgressBar }] = await Promise.all([
        import('../../db/seed/seed-tenant.js'),
        import('../../db/seed/progress-bar.js'),
      ]);
      const progress = createProgressBar();
      try {
        const summary = await seedTenant(db, tenant.id, {
          size: size as SeedSize,
          ...(seed !== undefined ? { seed } : {}),
          ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        });
        return { tenant_id: tenant.id, ...summary };
      } finally {
        progress.stop();
      }
    },
  },
];

export function usage(): string {
  return ['Usage: npm run admin -- <command> [options]', '', ...commands.map((c) => `  ${c.usage}`)].join(
    '\n',
  );
}
