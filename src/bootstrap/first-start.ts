import { spawn } from 'node:child_process';

/**
 * Runs the first-start entry point (migrations, demo data, sandbox client) in a child process on the
 * same runtime, loaders included, and waits for it. What the child writes to stderr is the error.
 */
export async function runFirstStart(entry: string, dataDir: string): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, entry, dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    throw new Error(`preparing the data folder failed (exit ${code}): ${stderr.trim() || 'no message'}`);
  }
}
