import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childEnv,
  type Finished,
  freePort,
  root,
  runProcess,
  startCompiled,
  waitForHttp,
} from './helpers/processes.js';

// `npm start` and `npm run admin` run the compiled build through src/launcher.mjs. These tests work on
// a copy of the project (sources, lock file, and the real node_modules linked in), so they can edit
// sources and take the compiler away without touching the working tree.
describe('compiled start', () => {
  let project: string;
  let dataDir: string;

  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'portico-launcher-'));
    for (const entry of ['src', 'db', 'package.json', 'package-lock.json', 'tsconfig.json'])
      await cp(path.join(root, entry), path.join(project, entry), { recursive: true });
    await symlink(path.join(root, 'node_modules'), path.join(project, 'node_modules'));
    dataDir = path.join(project, '.portico');
  });
  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  const launcher = (args: string[]): Promise<Finished> =>
    runProcess(
      process.execPath,
      [path.join(project, 'src/launcher.mjs'), ...args],
      childEnv({ PORTICO_DATA_DIR: dataDir }),
      project,
    );

  const editSource = async (file: string, from: string, to: string) => {
    const full = path.join(project, file);
    const text = await readFile(full, 'utf8');
    expect(text).toContain(from);
    await writeFile(full, text.replace(from, to));
  };

  it('builds, serves from the build, and rebuilds when a source changes', async () => {
    const built = await launcher(['build']);
    expect(built).toMatchObject({ code: 0, stderr: '' });
    const stamp = JSON.parse(await readFile(path.join(project, 'dist/build.json'), 'utf8'));
    expect(stamp.inputs).toContain('src/main.ts');
    expect(stamp.inputs.some((input: string) => input.includes('node_modules'))).toBe(false);

    const port = await freePort();
    const server = startCompiled(childEnv({ PORT: String(port), PORTICO_DATA_DIR: dataDir }), project);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server);
    expect(server.output()).toContain('Portico is running');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    // An edited source is never served stale: the next run rebuilds first.
    await editSource('src/cli/commands.ts', 'Usage: npm run admin', 'Usage (edited): npm run admin');
    const help = await launcher(['admin', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage (edited): npm run admin');

    // The compiled CLI works end to end, arguments passed through.
    const tenant = await launcher(['admin', 'tenant', 'create', '--name', 'Launcher Test']);
    expect(tenant).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(tenant.stdout)).toEqual({ id: expect.any(String) });
  });

  it('refuses to run a stale build when the compiler is absent, and says what to run', async () => {
    // A production install: every dependency but the compiler.
    await rm(path.join(project, 'node_modules'));
    await mkdir(path.join(project, 'node_modules'));
    for (const name of await readdir(path.join(root, 'node_modules'))) {
      if (name === 'esbuild' || name === '.bin') continue;
      await symlink(path.join(root, 'node_modules', name), path.join(project, 'node_modules', name));
    }
    // Without a compiler, the install-time build steps aside quietly.
    expect(await launcher(['build', '--if-possible'])).toEqual({ code: 0, stdout: '', stderr: '' });

    // A fresh build still runs...
    const fresh = await launcher(['admin', '--help']);
    expect(fresh.code).toBe(0);

    // ...a stale one does not.
    await editSource('src/cli/commands.ts', 'Usage (edited)', 'Usage (edited twice)');
    const stale = await launcher(['admin', '--help']);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toContain('npm run build');
  });
});
