import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { childEnv, root } from './helpers/processes.js';

it('refuses to run under CI=true without DATABASE_URL and REDIS_URL', async () => {
  const env = childEnv({ CI: 'true' }); // childEnv drops DATABASE_URL and REDIS_URL
  const vitest = path.join(root, 'node_modules', '.bin', 'vitest');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(vitest, ['run', 'test/config.test.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (exitCode) => resolve({ code: exitCode, output }));
  });
  expect(code).not.toBe(0);
  expect(output).toContain('CI=true but DATABASE_URL and/or REDIS_URL is not set');
});
