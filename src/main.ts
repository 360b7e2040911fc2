import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, startApp } from './app.js';
import { printBanner } from './bootstrap/banner.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createLogger } from './platform/logger.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config);
// Beside this file both in the sources (run by tsx) and in the build (dist/main.js).
const self = fileURLToPath(import.meta.url);
const firstStartEntry = path.join(path.dirname(self), 'bootstrap', `first-start.main${path.extname(self)}`);
let app: App;
try {
  app = await startApp({ config, logger, firstStartEntry });
} catch (error) {
  logger.fatal({ err: error }, 'Portico could not start');
  process.stderr.write(`Portico could not start: ${(error as Error).message}\n`);
  process.exit(1);
}
printBanner(app);

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without waiting');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  const deadline = setTimeout(() => {
    logger.error('shutdown took longer than 25 s; exiting');
    process.exit(1);
  }, 25_000).unref();
  await app.close();
  clearTimeout(deadline);
  logger.info('shutdown complete');
  process.exit(0);
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
// A stray rejection is a bug to log, not a reason to drop every in-flight request.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
