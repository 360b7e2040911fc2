// Where a server's CPU time went, from a V8 .cpuprofile (`node --cpu-prof`; bench/graphql.ts writes one
// per Portico run with BENCH_GRAPHQL_PROFILE=<folder>). Bundled code is mapped back through the
// bundle's source maps, so time is attributed to the package or source file it came from.
// Usage: npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top N]
//        npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> --callers <function label substring>
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const file = `${fileURLToPath(url)}.map`;
      if (existsSync(file)) map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')));
    } catch {}
    maps.set(url, map);
  }
  return maps.get(url) ?? null;
}

/** The original source of a frame: a path inside the project or node_modules, or a V8 pseudo-frame. */
function origin(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node internals';
  const map = frame.url.startsWith('file:') ? sourceMapOf(frame.url) : null;
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as
    | { originalSource?: string }
    | undefined;
  if (entry?.originalSource) return entry.originalSource;
  // A position in a bundle that maps to no source is the bundler's own runtime (module interop).
  return map ? '(bundler runtime: esbuild module interop)' : frame.url;
}

/** A package name for node_modules paths, the project-relative path otherwise. */
function bucket(source: string): string {
  const nodeModules = source.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const parts = source.slice(nodeModules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? source);
  }
  const src = source.lastIndexOf('/src/');
  return src >= 0 ? source.slice(src + 1) : source;
}

/** Who calls the functions whose label contains `needle`: their callers, by the callee's self time. */
export function callers(profile: Profile, needle: string, top = 25): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'}  ${bucket(origin(node.callFrame))}:${node.callFrame.lineNumber}`;
  const byCaller = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || !label(node).includes(needle)) return;
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const caller = byId.get(parent.get(id) ?? -1);
    const key = caller ? label(caller) : '(none)';
    byCaller.set(key, (byCaller.get(key) ?? 0) + delta);
    total += delta;
  });
  return [
    `${total.toFixed(0)} ms in functions matching "${needle}", by caller`,
    ...[...byCaller.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)} %  ${name}`),
  ];
}

export function summarise(profile: Profile, top = 25): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const selfByBucket = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveByBucket = new Map<string, number>();
  let total = 0;
  let idle = 0;
  const label = (node: ProfileNode) => {
    const source = origin(node.callFrame);
    return `${node.callFrame.functionName || '(anonymous)'}  ${source.startsWith('(') && !source.startsWith('(bundler') ? '' : bucket(source)}`.trim();
  };
  const labels = new Map<number, string>();
  const labelOf = (node: ProfileNode) => {
    let value = labels.get(node.id);
    if (value === undefined) {
      value = label(node);
      labels.set(node.id, value);
    }
    return value;
  };
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    total += delta;
    self.set(labelOf(node), (self.get(labelOf(node)) ?? 0) + delta);
    const where = node.callFrame.url ? bucket(origin(node.callFrame)) : node.callFrame.functionName;
    selfByBucket.set(where, (selfByBucket.get(where) ?? 0) + delta);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const key = labelOf(frame);
      const packageKey = `package ${frame.callFrame.url ? bucket(origin(frame.callFrame)) : frame.callFrame.functionName}`;
      if (!seen.has(packageKey)) {
        seen.add(packageKey);
        inclusiveByBucket.set(packageKey, (inclusiveByBucket.get(packageKey) ?? 0) + delta);
      }
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
  const rows = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => `${pct(ms)}  ${name}`);
  return [
    `busy ${(total / 1000).toFixed(1)} s, idle ${(idle / 1000).toFixed(1)} s`,
    '',
    'self time by package or source file',
    ...rows(selfByBucket, top),
    '',
    'inclusive time by package or source file (on the stack)',
    ...rows(inclusiveByBucket, top).map((row) => row.replace('  package ', '  ')),
    '',
    'self time by function',
    ...rows(self, top),
    '',
    'inclusive time by function (on the stack)',
    ...rows(inclusive, top * 2),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top N]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const needle = process.argv.indexOf('--callers');
  const lines =
    needle > 0
      ? callers(profile, process.argv[needle + 1] ?? '')
      : summarise(profile, Number(process.argv[3] ?? 25));
  process.stdout.write(`${lines.join('\n')}\n`);
}
