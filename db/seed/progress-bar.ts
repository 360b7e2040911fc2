import cliProgress from 'cli-progress';
import type { SeedProgress } from './seed-tenant.js';

export interface ProgressBar {
  /** Undefined when the stream is not a terminal, so logs and pipes stay free of control codes. */
  onProgress: ((progress: SeedProgress) => void) | undefined;
  stop(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { onProgress: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'Seeding [{bar}] {percentage}% | {value}/{total} rows | {table}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: ({ table, done, total }) => {
      if (started) bar.update(done, { table });
      else {
        bar.start(total, done, { table });
        started = true;
      }
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
