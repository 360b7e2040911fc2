import { type Logger, pino } from 'pino';
import type { Config } from '../config.js';

export type { Logger };

/** JSON lines on stdout; secrets never reach a log line. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'portico' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          '*.client_secret',
          '*.secret',
          '*.key',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
