import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirBusyError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The data folder ${dataDir} is in use by a running Portico server. Stop it first, or point DATABASE_URL at a Postgres server.`,
    );
    this.name = 'DataDirBusyError';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The server and the admin CLI both take this lock; a crashed holder's lock goes stale in seconds.
 */
export async function lockDataDir(
  dataDir: string,
  onCompromised?: (error: Error) => void,
): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, 'portico.lock'),
      stale: 10_000,
      update: 2_500,
      retries: 0,
      realpath: false,
      onCompromised: onCompromised ?? (() => {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirBusyError(dataDir);
    throw error;
  }
}
