import path from 'node:path';
import { z } from 'zod';

/** 1 MiB. Also the WebSocket message limit until the socket server is handed the configured one. */
export const defaultBodyLimitBytes = 1024 * 1024;

const blankAsUnset = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const port = z.coerce
  .number({ error: 'expected an integer port between 0 and 65535' })
  .int('expected an integer port between 0 and 65535')
  .min(0, 'expected an integer port between 0 and 65535')
  .max(65535, 'expected an integer port between 0 and 65535');

const positiveInt = (what: string) =>
  z.coerce
    .number({ error: `expected a positive integer (${what})` })
    .int(`expected a positive integer (${what})`)
    .positive(`expected a positive integer (${what})`);

const nonNegativeInt = (what: string) =>
  z.coerce
    .number({ error: `expected an integer of 0 or more (${what})` })
    .int(`expected an integer of 0 or more (${what})`)
    .min(0, `expected an integer of 0 or more (${what})`);

const url = (protocols: string[]) =>
  z
    .url({ error: `expected a URL with protocol ${protocols.join(' or ')}` })
    .refine(
      (value) => URL.canParse(value) && protocols.includes(new URL(value).protocol.replace(/:$/, '')),
      `expected a URL with protocol ${protocols.join(' or ')}`,
    );

// An origin exactly as a browser sends it (scheme://host[:port], lower case, no path), so that
// matching is a string comparison and a typo fails at start rather than silently never matching.
const isOrigin = (value: string) =>
  URL.canParse(value) &&
  ['http:', 'https:'].includes(new URL(value).protocol) &&
  new URL(value).origin === value;

const corsOrigins = z
  .string()
  .refine(
    (value) => value.trim() === '*' || value.split(',').every((entry) => isOrigin(entry.trim())),
    'expected * or comma-separated origins like https://app.example.com (scheme://host[:port], no path)',
  )
  .transform((value) =>
    value.trim() === '*' ? ('*' as const) : value.split(',').map((entry) => entry.trim()),
  );

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * The day Portico's /api/v2/asset* alias of the v3 instrument routes was introduced, already
 * deprecated; it answers for six months after it unless ASSET_ALIAS_SUNSET says otherwise.
 */
export const assetAliasIntroduced = new Date('2026-12-01T00:00:00Z');

const defaultAssetAliasSunset = (() => {
  const sunset = new Date(assetAliasIntroduced);
  sunset.setUTCMonth(sunset.getUTCMonth() + 6);
  return sunset.toISOString().slice(0, 10);
})();

const schema = z.object({
  PORT: z.preprocess(blankAsUnset, port.default(4000)),
  HOST: z.preprocess(blankAsUnset, z.string().min(1).default('127.0.0.1')),
  PUBLIC_URL: z.preprocess(blankAsUnset, url(['http', 'https']).optional()),
  DATABASE_URL: z.preprocess(blankAsUnset, url(['postgres', 'postgresql']).optional()),
  REDIS_URL: z.preprocess(blankAsUnset, url(['redis', 'rediss']).optional()),
  PORTICO_DATA_DIR: z.preprocess(blankAsUnset, z.string().default('.portico')),
  LOG_LEVEL: z.preprocess(
    blankAsUnset,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
  ROLE: z.preprocess(
    blankAsUnset,
    z.enum(['all', 'api', 'worker'], { error: 'expected one of all, api, worker' }).default('all'),
  ),
  RATE_LIMIT_PER_MINUTE: z.preprocess(blankAsUnset, positiveInt('requests per minute').default(1000)),
  RATE_LIMIT_BURST: z.preprocess(blankAsUnset, positiveInt('burst size').default(300)),
  ROW_CAP: z.preprocess(blankAsUnset, positiveInt('rows per v2/v3 response').default(10000)),
  ASSET_ALIAS_SUNSET: z.preprocess(
    blankAsUnset,
    z.iso
      .date({ error: 'expected a date (YYYY-MM-DD)' })
      .default(defaultAssetAliasSunset)
      .transform((day) => new Date(`${day}T00:00:00Z`)),
  ),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.preprocess(blankAsUnset, boolean.default(false)),
  EVENT_RETENTION_HOURS: z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: 'expected a number of hours' })
      .int('expected a whole number of hours')
      .min(72, 'events are kept at least 72 hours')
      .default(72),
  ),
  NODE_ENV: z.preprocess(blankAsUnset, z.string().optional()),
  BODY_LIMIT_BYTES: z.preprocess(blankAsUnset, positiveInt('bytes').default(defaultBodyLimitBytes)),
  CORS_ORIGINS: z.preprocess(blankAsUnset, corsOrigins.optional()),
  GRAPHQL_TRUSTED_DOCUMENTS_ONLY: z.preprocess(blankAsUnset, boolean.default(false)),
  // GraphQL protection, the same over HTTP and WebSocket (src/graphql/protection.ts). The defaults
  // admit the deepest legitimate read, portfolios → positions → instrument → issuer through Relay
  // edges (depth 9), with room to spare.
  /** Deepest selection, counted in fields from the operation (Relay `edges { node }` counts 2). */
  GRAPHQL_MAX_DEPTH: z.preprocess(blankAsUnset, positiveInt('selection depth').default(10)),
  /** Most aliased fields in one operation (0 forbids aliases; `__typename` is free). */
  GRAPHQL_MAX_ALIASES: z.preprocess(blankAsUnset, nonNegativeInt('aliases').default(15)),
  /** Most lexical tokens in one document, counted before parsing, so a huge document is never built. */
  GRAPHQL_MAX_TOKENS: z.preprocess(blankAsUnset, positiveInt('tokens').default(2000)),
  /** Highest estimated cost: 2 per object field, 1 per leaf, times a literal `first`/`last`. */
  GRAPHQL_MAX_COST: z.preprocess(blankAsUnset, positiveInt('query cost').default(20000)),
  /** Most directives in one operation. */
  GRAPHQL_MAX_DIRECTIVES: z.preprocess(blankAsUnset, nonNegativeInt('directives').default(50)),
  /** Most operations in one batched HTTP request (a JSON array body); 0 turns batching off. */
  GRAPHQL_BATCH_LIMIT: z.preprocess(blankAsUnset, nonNegativeInt('operations per request').default(0)),
  /** How long a WebSocket may stay open before its connection_init (graphql-ws closes it with 4408). */
  GRAPHQL_WS_INIT_TIMEOUT_MS: z.preprocess(blankAsUnset, positiveInt('milliseconds').default(10_000)),
  /** Most operations running at once on one WebSocket; one more is refused with an error. */
  GRAPHQL_WS_MAX_OPERATIONS: z.preprocess(blankAsUnset, positiveInt('operations').default(20)),
  /** How often live subscriptions look in the log for events whose publication they missed. */
  GRAPHQL_SUBSCRIPTION_CATCH_UP_MS: z.preprocess(blankAsUnset, positiveInt('milliseconds').default(5_000)),
  /** How long a claimed job is a worker's before another may take it over (renewed while it runs). */
  JOB_LEASE_SECONDS: z.preprocess(blankAsUnset, positiveInt('seconds').default(60)),
  /** Jobs one worker runs at once. */
  JOB_CONCURRENCY: z.preprocess(blankAsUnset, positiveInt('jobs').default(2)),
  /** How long an extract's file can be downloaded (7 days). */
  EXTRACT_TTL_SECONDS: z.preprocess(blankAsUnset, positiveInt('seconds').default(7 * 24 * 60 * 60)),
  /** Where extract files are kept: a directory, or Postgres large objects (the default with DATABASE_URL). */
  EXTRACT_STORAGE: z.preprocess(
    blankAsUnset,
    z.enum(['directory', 'large-object'], { error: 'expected directory or large-object' }).optional(),
  ),
  /** Rows an extract writes between progress records. */
  EXTRACT_BATCH_ROWS: z.preprocess(blankAsUnset, positiveInt('rows').default(1000)),
  /** A pause between an extract's batches, to spread its load on a busy database. */
  EXTRACT_BATCH_DELAY_MS: z.preprocess(blankAsUnset, nonNegativeInt('milliseconds').default(0)),
  /** The directory of EXTRACT_STORAGE=directory (default: extracts/ in the data folder). */
  EXTRACTS_DIR: z.preprocess(blankAsUnset, z.string().optional()),
  PORTICO_ENCRYPTION_KEY: z.preprocess(
    blankAsUnset,
    z
      .string()
      .refine(
        (value) => Buffer.from(value, 'base64').length === 32,
        'expected 32 bytes in base64 (openssl rand -base64 32)',
      )
      .optional(),
  ),
});

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
  /** Operations per batched HTTP request; 0: batching is refused. */
  batchLimit: number;
  /** WebSocket: time allowed before connection_init. */
  connectionInitTimeoutMs: number;
  /** WebSocket: operations (subscriptions included) running at once on one connection. */
  operationsPerConnection: number;
  /** Subscriptions: interval of the log check that makes a lost publication a delay, not a gap. */
  subscriptionCatchUpMs: number;
}

export interface Config {
  port: number;
  host: string;
  /** Issuer and token audience; also the base of every URL Portico prints. */
  publicUrl: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  role: 'all' | 'api' | 'worker';
  rateLimit: { perMinute: number; burst: number };
  rowCap: number;
  /** When /api/v2/asset* stops answering (its Sunset header). */
  assetAliasSunset: Date;
  webhookAllowPrivateTargets: boolean;
  /** How long published events stay readable from the log (at least 72 hours). */
  eventRetentionHours: number;
  /** NODE_ENV=production. */
  production: boolean;
  /** Largest request body accepted on any route; larger ones get 413. */
  bodyLimitBytes: number;
  /** Origins browsers may call from: `*` for any, or an exact list (empty: no cross-origin access). */
  corsOrigins: '*' | string[];
  /** Run only the trusted documents (schema/trusted-documents.json), by hash or exact text. */
  graphqlTrustedDocumentsOnly: boolean;
  /** Key for secrets at rest (token signing keys, webhook secrets); generated into the data folder when embedded. */
  encryptionKey: Buffer | undefined;
  /** Limits every GraphQL operation must pass, over HTTP and WebSocket alike. */
  graphql: GraphQLLimits;
  /** True when no DATABASE_URL is set: PGlite in the data folder, in-process pub/sub. */
  embedded: boolean;
  /** The job runner (extracts, calculations). */
  jobs: { leaseMs: number; concurrency: number };
  /** Extract files: where they are kept and for how long. */
  extracts: {
    ttlMs: number;
    storage: 'directory' | 'large-object';
    dir: string;
    batchRows: number;
    batchDelayMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        const given = env[variable];
        return {
          variable,
          message: given === undefined ? issue.message : `${issue.message}, got "${given}"`,
        };
      }),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const urlHost = e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${urlHost}:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir: path.resolve(e.PORTICO_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    role: e.ROLE,
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, burst: e.RATE_LIMIT_BURST },
    rowCap: e.ROW_CAP,
    assetAliasSunset: e.ASSET_ALIAS_SUNSET,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    eventRetentionHours: e.EVENT_RETENTION_HOURS,
    production,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    // Open by default for development; production opens nothing an operator did not name.
    corsOrigins: e.CORS_ORIGINS ?? (production ? [] : '*'),
    graphqlTrustedDocumentsOnly: e.GRAPHQL_TRUSTED_DOCUMENTS_ONLY,
    encryptionKey: e.PORTICO_ENCRYPTION_KEY ? Buffer.from(e.PORTICO_ENCRYPTION_KEY, 'base64') : undefined,
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      batchLimit: e.GRAPHQL_BATCH_LIMIT,
      connectionInitTimeoutMs: e.GRAPHQL_WS_INIT_TIMEOUT_MS,
      operationsPerConnection: e.GRAPHQL_WS_MAX_OPERATIONS,
      subscriptionCatchUpMs: e.GRAPHQL_SUBSCRIPTION_CATCH_UP_MS,
    },
    embedded: e.DATABASE_URL === undefined,
    jobs: { leaseMs: e.JOB_LEASE_SECONDS * 1000, concurrency: e.JOB_CONCURRENCY },
    extracts: {
      ttlMs: e.EXTRACT_TTL_SECONDS * 1000,
      // Embedded, the data folder is the one place everything lives; with Postgres, large objects
      // are readable from every instance, which a local directory is not.
      storage: e.EXTRACT_STORAGE ?? (e.DATABASE_URL === undefined ? 'directory' : 'large-object'),
      dir: path.resolve(e.EXTRACTS_DIR ?? path.join(e.PORTICO_DATA_DIR, 'extracts')),
      batchRows: e.EXTRACT_BATCH_ROWS,
      batchDelayMs: e.EXTRACT_BATCH_DELAY_MS,
    },
  };
}
