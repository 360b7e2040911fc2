// The GraphQL schema's breaking-change check: the schema built from code against the published
// contract (schema/schema.graphql as committed), with @graphql-inspector/core's diff. A BREAKING
// change fails unless schema/breaking-changes.md acknowledges it and says why; DANGEROUS changes
// are reported only. See test/schema-compatibility.test.ts for the order of operations.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, type GraphQLSchema } from 'graphql';

const root = path.resolve(import.meta.dirname, '../..');
export const schemaFile = path.join(root, 'schema/schema.graphql');
export const acknowledgementsFile = path.join(root, 'schema/breaking-changes.md');

/** The heading an entry uses for a change that has no path (a root operation type changed). */
export const schemaLevelPath = '(schema)';

export interface Acknowledgement {
  /** The change's path as the diff reports it (`Type.field`, `Type.field.argument`, `Enum.VALUE`). */
  path: string;
  /** The change's message, exactly as the diff reports it. */
  change: string;
  why: string;
  /** 1-based line of the entry's heading in the file. */
  line: number;
}

/**
 * Reads the acknowledgement file's entries (see the format at the top of
 * schema/breaking-changes.md): a `### <path>` heading, then `- change: <message>` and
 * `- why: <reason>` bullets. Fenced code blocks (the format's example) are skipped. Entries that
 * lack a change or a reason are returned as problems, never as acknowledgements.
 */
export function parseAcknowledgements(markdown: string): { entries: Acknowledgement[]; problems: string[] } {
  const entries: Acknowledgement[] = [];
  const problems: string[] = [];
  let current: { path: string; line: number; fields: Map<string, string> } | null = null;
  let lastKey: string | null = null;
  let fenced = false;

  const finish = () => {
    if (!current) return;
    const change = current.fields.get('change') ?? '';
    const why = current.fields.get('why') ?? '';
    const where = `line ${current.line} (${current.path})`;
    if (!current.path) problems.push(`${where}: the heading names no path`);
    else if (!change) problems.push(`${where}: no "- change:" line`);
    else if (!why || /^(todo|tbd|fixme)\b/i.test(why))
      problems.push(`${where}: no "- why:" reason (say why partners can live with this change)`);
    else entries.push({ path: current.path, change, why, line: current.line });
    current = null;
  };

  markdown.split(/\r?\n/).forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const heading = /^###\s+(.*)$/.exec(text);
    if (heading) {
      finish();
      current = { path: stripTicks(heading[1] ?? ''), line: index + 1, fields: new Map() };
      lastKey = null;
      return;
    }
    if (/^#{1,2}\s/.test(text)) {
      finish();
      lastKey = null;
      return;
    }
    if (!current) return;
    const bullet = /^\s*[-*]\s+([A-Za-z]+):\s*(.*)$/.exec(text);
    if (bullet) {
      lastKey = bullet[1]!.toLowerCase();
      current.fields.set(lastKey, stripTicks(bullet[2] ?? ''));
    } else if (lastKey && text.trim()) {
      // A continuation line of the previous bullet (a long reason wrapped over several lines).
      current.fields.set(lastKey, `${current.fields.get(lastKey)} ${text.trim()}`.trim());
    } else if (!text.trim()) {
      lastKey = null;
    }
  });
  finish();
  return { entries, problems };
}

function stripTicks(text: string): string {
  const trimmed = text.trim();
  return /^`[^`]*`$/.test(trimmed) ? trimmed.slice(1, -1).trim() : trimmed;
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Whether `acknowledgement` is the entry for `change`: same path and same message. */
export function acknowledges(acknowledgement: Acknowledgement, change: Change): boolean {
  return (
    acknowledgement.path === (change.path ?? schemaLevelPath) &&
    normalise(acknowledgement.change) === normalise(change.message)
  );
}

export interface CompatibilityReport {
  /** Every change the diff found, in its order. */
  changes: Change[];
  /** BREAKING changes nobody acknowledged: the check fails on these. */
  unacknowledged: Change[];
  acknowledged: { change: Change; acknowledgement: Acknowledgement }[];
  /** DANGEROUS changes (an enum value or union member added, a default changed, …): reported only. */
  dangerous: Change[];
}

/** Compares two schemas (objects or SDL) and sorts the changes by what the check does with them. */
export async function checkCompatibility(
  before: GraphQLSchema | string,
  after: GraphQLSchema | string,
  acknowledgements: readonly Acknowledgement[],
): Promise<CompatibilityReport> {
  const changes = await diff(asSchema(before), asSchema(after));
  const report: CompatibilityReport = { changes, unacknowledged: [], acknowledged: [], dangerous: [] };
  for (const change of changes) {
    if (change.criticality.level === CriticalityLevel.Dangerous) report.dangerous.push(change);
    if (change.criticality.level !== CriticalityLevel.Breaking) continue;
    const acknowledgement = acknowledgements.find((entry) => acknowledges(entry, change));
    if (acknowledgement) report.acknowledged.push({ change, acknowledgement });
    else report.unacknowledged.push(change);
  }
  return report;
}

const asSchema = (schema: GraphQLSchema | string) =>
  typeof schema === 'string' ? buildSchema(schema) : schema;

/** Entries ready to paste into schema/breaking-changes.md (the reason is left for a human). */
export function entriesFor(changes: readonly Change[]): string {
  return changes
    .map((change) => `### \`${change.path ?? schemaLevelPath}\`\n- change: ${change.message}\n- why: TODO`)
    .join('\n\n');
}

export interface PublishedSchema {
  sdl: string;
  /** Where it came from: `git <ref>` or the working-tree file. */
  source: string;
}

const run = promisify(execFile);

/**
 * The published contract: schema/schema.graphql as of `SCHEMA_BASE_REF` (default HEAD, the last
 * commit) when git can say, else the working-tree file. A ref set explicitly must resolve: CI
 * that asks for `origin/main` never silently compares against something else.
 */
export async function publishedSchema(ref = process.env.SCHEMA_BASE_REF): Promise<PublishedSchema> {
  const base = ref || 'HEAD';
  try {
    // `./` makes the path relative to the project, wherever the repository's root is.
    const { stdout } = await run('git', ['show', `${base}:./schema/schema.graphql`], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { sdl: stdout, source: `git ${base}` };
  } catch (error) {
    if (ref) throw new Error(`SCHEMA_BASE_REF=${ref}: cannot read schema/schema.graphql there: ${error}`);
    // No git, not a clone, or the file is not committed yet: the working tree is the contract.
    return {
      sdl: await readFile(schemaFile, 'utf8'),
      source: 'the working-tree file (git could not read HEAD)',
    };
  }
}

export async function readAcknowledgements(): Promise<{ entries: Acknowledgement[]; problems: string[] }> {
  return parseAcknowledgements(await readFile(acknowledgementsFile, 'utf8'));
}
