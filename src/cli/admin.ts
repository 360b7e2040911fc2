import { parseArgs } from 'node:util';
import { UnknownScopeError } from '../auth/scopes.js';
import { ConfigError, loadConfig } from '../config.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Broker } from '../platform/broker.js';
import { createBroker } from '../platform/create-broker.js';
import { DataDirBusyError } from '../platform/data-dir.js';
import { migrateToLatest } from '../platform/migrator.js';
import { openCliDatabase } from './cli-database.js';
import { type Command, commands, usage } from './commands.js';

class UsageError extends Error {}

function parse(argv: string[]): { command: Command; options: Record<string, string | undefined> } {
  const command =
    commands.find((c) => c.name === `${argv[0]} ${argv[1]}`) ?? commands.find((c) => c.name === argv[0]);
  if (!command)
    throw new UsageError(
      `Unknown command: ${argv
        .filter((a) => !a.startsWith('-'))
        .slice(0, 2)
        .join(' ')}`,
    );
  const rest = argv.slice(command.name.split(' ').length);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.keys(command.options).map((name) => [name, { type: 'string' as const }]),
      ),
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nUsage: npm run admin -- ${command.usage}`);
  }
  const missing = Object.entries(command.options)
    .filter(([name, spec]) => spec.required && (values[name] === undefined || values[name] === ''))
    .map(([name]) => `--${name}`);
  if (missing.length > 0) {
    throw new UsageError(`Missing ${missing.join(', ')}\nUsage: npm run admin -- ${command.usage}`);
  }
  return { command, options: values as Record<string, string | undefined> };
}

const expected = [
  ConfigError,
  ValidationError,
  NotFoundError,
  ConflictError,
  UnknownScopeError,
  DataDirBusyError,
];

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv.includes('--help')) {
    process[argv.length === 0 ? 'stderr' : 'stdout'].write(`${usage()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${error instanceof UsageError ? usage() : ''}\n`);
    return 2;
  }
  try {
    const config = loadConfig();
    const database = await openCliDatabase(config);
    try {
      // Like the server, every command first brings the schema up to date, so it works on a fresh folder.
      if (parsed.command.name !== 'migrate') await migrateToLatest(database.db);
      const withBroker = async (fn: (broker: Broker) => Promise<void>) => {
        if (!config.redisUrl) return; // embedded: no server runs while the CLI holds the folder
        const broker = await createBroker(config.redisUrl);
        try {
          await fn(broker);
        } finally {
          await broker.close();
        }
      };
      const result = await parsed.command.run({ db: database.db, config, withBroker }, parsed.options);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    const known = expected.some((type) => error instanceof type);
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    if (!known) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
