import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { childEnv, runTs } from './helpers/processes.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:4000',
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
      role: 'all',
      rateLimit: { perMinute: 1000, burst: 300 },
      webhookAllowPrivateTargets: false,
      production: false,
      bodyLimitBytes: 1048576,
      corsOrigins: '*',
      graphql: {
        maxDepth: 10,
        maxAliases: 15,
        maxTokens: 2000,
        maxCost: 20000,
        maxDirectives: 50,
        batchLimit: 0,
      },
      embedded: true,
    });
    expect(config.dataDir).toMatch(/\.portico$/);
  });

  it('opens CORS to no origin in production unless CORS_ORIGINS names some', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, corsOrigins: [] });
    expect(loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({ production: false, corsOrigins: '*' });
    expect(loadConfig({ CORS_ORIGINS: ' * ' }).corsOrigins).toBe('*');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://api.example.com/',
      DATABASE_URL: 'postgres://u@db:5432/portico',
      REDIS_URL: 'redis://cache:6379',
      PORTICO_DATA_DIR: '/tmp/portico-data',
      LOG_LEVEL: 'debug',
      ROLE: 'worker',
      RATE_LIMIT_PER_MINUTE: '60',
      RATE_LIMIT_BURST: '10',
      ROW_CAP: '500',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      NODE_ENV: 'production',
      BODY_LIMIT_BYTES: '2048',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,https://admin.example.com:8443',
      GRAPHQL_MAX_DEPTH: '12',
      GRAPHQL_MAX_ALIASES: '0',
      GRAPHQL_MAX_TOKENS: '5000',
      GRAPHQL_MAX_COST: '20000',
      GRAPHQL_MAX_DIRECTIVES: '3',
      GRAPHQL_BATCH_LIMIT: '5',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://api.example.com',
      databaseUrl: 'postgres://u@db:5432/portico',
      redisUrl: 'redis://cache:6379',
      dataDir: '/tmp/portico-data',
      logLevel: 'debug',
      role: 'worker',
      rateLimit: { perMinute: 60, burst: 10 },
      rowCap: 500,
      webhookAllowPrivateTargets: true,
      production: true,
      bodyLimitBytes: 2048,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173', 'https://admin.example.com:8443'],
      graphql: {
        maxDepth: 12,
        maxAliases: 0,
        maxTokens: 5000,
        maxCost: 20000,
        maxDirectives: 3,
        batchLimit: 5,
      },
      embedded: false,
    });
  });

  it.each([
    ['PORT', 'abc', /PORT: expected an integer port between 0 and 65535, got "abc"/],
    ['PORT', '70000', /PORT: expected an integer port/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL: expected a URL with protocol postgres or postgresql/],
    ['REDIS_URL', 'not a url', /REDIS_URL: expected a URL with protocol redis or rediss/],
    ['PUBLIC_URL', 'ftp://x', /PUBLIC_URL: expected a URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: expected one of fatal, error/],
    ['ROLE', 'boss', /ROLE: expected one of all, api, worker/],
    ['RATE_LIMIT_PER_MINUTE', '-5', /RATE_LIMIT_PER_MINUTE: expected a positive integer/],
    ['RATE_LIMIT_BURST', '1.5', /RATE_LIMIT_BURST: expected a positive integer/],
    ['ROW_CAP', '0', /ROW_CAP: expected a positive integer/],
    ['WEBHOOK_ALLOW_PRIVATE_TARGETS', 'maybe', /WEBHOOK_ALLOW_PRIVATE_TARGETS: expected true or false/],
    ['BODY_LIMIT_BYTES', 'lots', /BODY_LIMIT_BYTES: expected a positive integer \(bytes\), got "lots"/],
    ['BODY_LIMIT_BYTES', '0', /BODY_LIMIT_BYTES: expected a positive integer/],
    ['BODY_LIMIT_BYTES', '1.5', /BODY_LIMIT_BYTES: expected a positive integer/],
    ['CORS_ORIGINS', 'app.example.com', /CORS_ORIGINS: expected \* or comma-separated origins/],
    ['CORS_ORIGINS', 'https://app.example.com/', /CORS_ORIGINS: expected \* or comma-separated origins/],
    ['CORS_ORIGINS', 'https://app.example.com/path', /CORS_ORIGINS: expected \* or comma-separated origins/],
    ['CORS_ORIGINS', 'ftp://files.example.com', /CORS_ORIGINS: expected \* or comma-separated origins/],
    ['CORS_ORIGINS', 'https://a.example.com,,https://b.example.com', /CORS_ORIGINS: expected/],
    ['CORS_ORIGINS', '*,https://app.example.com', /CORS_ORIGINS: expected/],
    ['GRAPHQL_MAX_DEPTH', '0', /GRAPHQL_MAX_DEPTH: expected a positive integer \(selection depth\), got "0"/],
    ['GRAPHQL_MAX_DEPTH', 'deep', /GRAPHQL_MAX_DEPTH: expected a positive integer/],
    [
      'GRAPHQL_MAX_ALIASES',
      '-1',
      /GRAPHQL_MAX_ALIASES: expected an integer of 0 or more \(aliases\), got "-1"/,
    ],
    ['GRAPHQL_MAX_ALIASES', '2.5', /GRAPHQL_MAX_ALIASES: expected an integer of 0 or more/],
    ['GRAPHQL_MAX_TOKENS', 'many', /GRAPHQL_MAX_TOKENS: expected a positive integer \(tokens\)/],
    ['GRAPHQL_MAX_COST', '1e', /GRAPHQL_MAX_COST: expected a positive integer \(query cost\)/],
    ['GRAPHQL_MAX_COST', '0', /GRAPHQL_MAX_COST: expected a positive integer/],
    ['GRAPHQL_MAX_DIRECTIVES', 'x', /GRAPHQL_MAX_DIRECTIVES: expected an integer of 0 or more/],
    [
      'GRAPHQL_BATCH_LIMIT',
      '-2',
      /GRAPHQL_BATCH_LIMIT: expected an integer of 0 or more \(operations per request\)/,
    ],
    ['GRAPHQL_BATCH_LIMIT', 'off', /GRAPHQL_BATCH_LIMIT: expected an integer of 0 or more/],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('lists every invalid variable at once', () => {
    try {
      loadConfig({ PORT: 'x', ROLE: 'y' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['PORT', 'ROLE']);
    }
  });

  it('makes npm start exit non-zero with a message naming the variable', async () => {
    const result = await runTs(
      'src/main.ts',
      [],
      childEnv({ PORT: 'not-a-port', RATE_LIMIT_BURST: 'lots', CORS_ORIGINS: 'example.com' }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/PORT: expected an integer port between 0 and 65535, got "not-a-port"/);
    expect(result.stderr).toMatch(/RATE_LIMIT_BURST: expected a positive integer/);
    expect(result.stderr).toMatch(
      /CORS_ORIGINS: expected \* or comma-separated origins .*, got "example.com"/,
    );
  });
});
