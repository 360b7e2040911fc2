import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
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

/** Who holds the lock: written beside it, so a holder that died can be told from one that lives. */
const holderFile = (dataDir: string) => path.join(dataDir, 'portico.holder');

/**
 * Whether a process that still has a process id has in fact exited: a zombie, waiting for its
 * parent to collect it. A holder killed along with its parent is adopted by the init process, and
 * an init that reaps lazily (many container inits do) keeps it a zombie for seconds. Linux only;
 * elsewhere a process that has an id is taken to be alive.
 */
async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/**
 * Whether the recorded holder is certainly gone: a process of this host that no longer exists, or
 * has exited and not yet been collected. A holder on another host (a shared volume) or one not yet
 * recorded is taken to be alive.
 */
async function holderIsGone(dataDir: string): Promise<boolean> {
  try {
    const [host, pid] = (await readFile(holderFile(dataDir), 'utf8')).trim().split(' ');
    if (host !== hostname() || !Number.isInteger(Number(pid)) || Number(pid) === process.pid) return false;
    process.kill(Number(pid), 0);
    return await isZombie(Number(pid));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The server and the admin CLI both take this lock. A holder killed outright (no chance to release
 * it) is recognised at once by its process id; otherwise its lock goes stale in seconds.
 */
export async function lockDataDir(
  dataDir: string,
  onCompromised?: (error: Error) => void,
): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const options = {
    lockfilePath: path.join(dataDir, 'portico.lock'),
    stale: 10_000,
    update: 2_500,
    retries: 0,
    realpath: false,
    onCompromised: onCompromised ?? (() => {}),
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    if (!(await holderIsGone(dataDir))) throw new DataDirBusyError(dataDir);
    // proper-lockfile only unlocks its own locks; the dead holder's is a directory to remove.
    await rm(options.lockfilePath, { recursive: true, force: true });
    try {
      release = await lockfile.lock(dataDir, options);
    } catch (again) {
      // Another process reclaimed it first.
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirBusyError(dataDir);
      throw again;
    }
  }
  const holder = `${hostname()} ${process.pid}\n`;
  await writeFile(holderFile(dataDir), holder);
  // The lock goes first, then the holder record. A process killed in between (a supervisor's hard
  // stop during shutdown) leaves a record of a dead holder and no lock, which the next start takes
  // over at once; the other order would leave a lock with no holder, refused as busy until stale.
  return async () => {
    await release();
    const recorded = await readFile(holderFile(dataDir), 'utf8').catch(() => undefined);
    if (recorded === holder) await rm(holderFile(dataDir), { force: true });
  };
}
