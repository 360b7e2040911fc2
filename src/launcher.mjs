// Runs Portico from its compiled build, and keeps that build honest: `npm start` and `npm run admin`
// come through here, and never run output built from other sources than the ones in the folder.
//
//   node src/launcher.mjs build [--if-possible]   bundle src/ into dist/ (npm install runs this)
//   node src/launcher.mjs <main|admin> [args…]     run an entry point, rebuilding first if stale
//
// Plain JavaScript on purpose: it runs before anything is compiled. The build is one esbuild bundle
// per entry point (shared code split into chunks), because loading one file instead of some two
// thousand modules is most of what makes start-up fast (DESIGN.md, "Start-up").
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, 'build.json');

/** Entry points, by the name the launcher runs them under; outputs keep their path below src/. */
const entryPoints = {
  main: 'src/main.ts',
  admin: 'src/cli/admin.ts',
  'first-start': 'src/bootstrap/first-start.main.ts',
};

/** Files that shape the build without being bundled into it. */
const buildInputs = ['package-lock.json', 'src/launcher.mjs'];

/** Content digest of the files a build was made from: any edit, addition or removal changes it. */
async function digestOf(files) {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash.update(file).update('\0');
    try {
      hash.update(await readFile(path.join(root, file)));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

async function readStamp() {
  try {
    return JSON.parse(await readFile(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether dist/ was built from exactly the sources present now. */
export async function isFresh() {
  const stamp = await readStamp();
  return stamp !== undefined && stamp.digest === (await digestOf(stamp.inputs));
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

const graphqlFolder = path.join(root, 'node_modules', 'graphql');

/**
 * One graphql instance: its ES module files for every import and require of `graphql` or a subpath
 * (`graphql/language/parser.js`), so no package gets the CommonJS copy, whose classes would fail
 * the other copy's instanceof checks.
 */
const singleGraphql = {
  name: 'single-graphql',
  setup(build) {
    build.onResolve({ filter: /^graphql(\/.*)?$/ }, ({ path: specifier }) => {
      const subpath = specifier
        .slice('graphql'.length)
        .replace(/^\//, '')
        .replace(/\.(m?js)$/, '');
      const base = path.join(graphqlFolder, subpath || 'index');
      const file = existsSync(`${base}.mjs`) ? `${base}.mjs` : path.join(base, 'index.mjs');
      return { path: file };
    });
  },
};

/** Bundles every entry point into dist/ and records what it was built from. */
export async function build(esbuild) {
  const result = await esbuild
    .build({
      absWorkingDir: root,
      entryPoints: Object.values(entryPoints),
      outbase: 'src',
      outdir: 'dist',
      entryNames: '[dir]/[name]',
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      write: false,
      logLevel: 'error',
      // PGlite finds its WebAssembly and data files next to its own modules, and Swagger UI its
      // static assets (through __dirname); pg-native is optional.
      external: ['@electric-sql/pglite', '@fastify/swagger-ui', 'pg-native'],
      // ES modules wherever a package ships them: esbuild hoists them into direct calls, where
      // CommonJS exports are read through property getters on every call (graphql's hot paths).
      mainFields: ['module', 'main'],
      plugins: [singleGraphql],
      // Bundled CommonJS packages call require() for Node's built-ins.
      banner: {
        js: "import { createRequire as __portico_require } from 'node:module'; const require = __portico_require(import.meta.url);",
      },
    })
    // esbuild serves builds from a child process, which would otherwise outlive the build.
    .finally(() => esbuild.stop());
  // Each file is written aside and renamed, so a process starting meanwhile never reads half a file.
  const written = new Set();
  for (const file of result.outputFiles) {
    await mkdir(path.dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.tmp`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
    written.add(file.path);
  }
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/')),
    ...buildInputs,
  ];
  const partialStamp = `${stampFile}.${process.pid}.tmp`;
  await writeFile(partialStamp, `${JSON.stringify({ digest: await digestOf(inputs), inputs }, null, 2)}\n`);
  await rename(partialStamp, stampFile);
  await pruneOldOutputs(written);
}

/**
 * Chunks of earlier builds go once they are an hour old: a server started from one of them may
 * still load its lazy chunks for a while after a rebuild.
 */
async function pruneOldOutputs(keep) {
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'build.json') continue;
    const file = path.join(entry.parentPath, entry.name);
    if (keep.has(file)) continue;
    const { mtimeMs } = await stat(file);
    if (mtimeMs < cutoff || file.endsWith('.tmp')) await rm(file, { force: true });
  }
}

async function main([command, ...args]) {
  if (command === 'build') {
    const esbuild = await loadEsbuild();
    // npm install runs this as `prepare`; in a production install (no dev dependencies) or before the
    // sources are copied in (a container's dependency layer) there is nothing to build with.
    if (args.includes('--if-possible') && (!esbuild || !existsSync(path.join(root, entryPoints.main))))
      return;
    if (!esbuild) throw new Error('esbuild is not installed: run npm install (with dev dependencies)');
    await build(esbuild);
    return;
  }
  const entry = entryPoints[command];
  if (!entry || command === 'first-start') {
    process.stderr.write('Usage: node src/launcher.mjs build | main | admin [args…]\n');
    process.exit(2);
  }
  if (!(await isFresh())) {
    const esbuild = await loadEsbuild();
    if (!esbuild) {
      process.stderr.write(
        'The compiled build in dist/ is missing or was made from other sources. Run `npm run build` (it needs the dev dependencies: `npm install`), then start again.\n',
      );
      process.exit(1);
    }
    await build(esbuild);
  }
  const compiled = path.join(dist, `${entry.slice('src/'.length, -'.ts'.length)}.js`);
  // Source maps stay off: Node parses every map when its module loads, some 15 MB held for good.
  // `NODE_OPTIONS=--enable-source-maps npm start` maps stack traces to the sources when wanted.
  // The entry point reads its arguments as if it had been started directly.
  process.argv = [process.argv[0], compiled, ...args];
  await import(pathToFileURL(compiled).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
