// The GraphQL schema only changes additively (the promise partners get: extensions are additive,
// existing behaviour is preserved). schema/schema.graphql is the published contract; this file
// compares the schema built from code with it using @graphql-inspector/core and fails on every
// BREAKING change not acknowledged, with a reason, in schema/breaking-changes.md. DANGEROUS
// changes are printed, not failed.
//
// Order of operations. A developer changes the code and runs `npm run codegen`, which rewrites
// schema/schema.graphql to match; test/generated-artifacts.test.ts (the stale-schema test) then
// passes. Comparing with the working-tree file at that point would show no difference, so the
// contract compared against is the file as of the last commit (`git show HEAD:schema/schema.graphql`),
// falling back to the working-tree file where git has none (no git, not a clone, file not yet
// committed). `SCHEMA_BASE_REF` names another ref: in CI, where HEAD already contains the
// regenerated file, set it to the branch the change goes into (e.g. `origin/main`) so the check
// compares against what partners actually have. Without codegen, both tests fail: the stale-schema
// test says "run npm run codegen", and this one lists the breaking changes it found.
import { Kind, type ObjectTypeDefinitionNode, parse, print, visit } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { printedSchema } from '../src/graphql/schema.js';
import {
  type Acknowledgement,
  type CompatibilityReport,
  checkCompatibility,
  entriesFor,
  parseAcknowledgements,
  publishedSchema,
  readAcknowledgements,
} from './helpers/schema-compatibility.js';

const before = /* GraphQL */ `
  type Query {
    account(id: ID!): Account
    accounts(first: Int): [Account!]!
    version: String!
  }
  type Account {
    id: ID!
    name: String!
    kind: AccountKind!
    balance: Int
  }
  enum AccountKind {
    CUSTODY
    CASH
  }
`;

const without = (sdl: string, from: string, to: string) => {
  if (!sdl.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return sdl.replace(from, to);
};

const ack = (path: string, change: string, why = 'nobody used it'): Acknowledgement => ({
  path,
  change,
  why,
  line: 1,
});

const summary = (report: CompatibilityReport) =>
  report.unacknowledged.map((change) => `${change.type} ${change.path}`);

describe('the breaking-change check on small schemas', () => {
  it('finds nothing to fail on in additive changes', async () => {
    const after = without(before, 'balance: Int', 'balance: Int\n    currency: String\n    openedOn: String');
    const report = await checkCompatibility(before, after, []);
    expect(report.changes.map((change) => change.type)).toEqual(['FIELD_ADDED', 'FIELD_ADDED']);
    expect(report.unacknowledged).toEqual([]);
  });

  it('fails on a removed field', async () => {
    const report = await checkCompatibility(before, without(before, 'version: String!', ''), []);
    expect(summary(report)).toEqual(['FIELD_REMOVED Query.version']);
    expect(report.unacknowledged[0]!.message).toBe("Field 'version' was removed from object type 'Query'");
  });

  it('fails on a changed field type, a new required argument and a removed enum value', async () => {
    let after = without(before, 'balance: Int', 'balance: String');
    after = without(after, 'accounts(first: Int)', 'accounts(first: Int, tenant: ID!)');
    after = without(after, '    CASH\n', '');
    const report = await checkCompatibility(before, after, []);
    expect(summary(report).sort()).toEqual([
      'ENUM_VALUE_REMOVED AccountKind.CASH',
      'FIELD_ARGUMENT_ADDED Query.accounts.tenant',
      'FIELD_TYPE_CHANGED Account.balance',
    ]);
  });

  it('passes a breaking change that is acknowledged, and only that one', async () => {
    const after = without(without(before, 'version: String!', ''), 'name: String!', 'name: String');
    const acknowledged = ack('Query.version', "Field 'version' was removed from object type 'Query'");
    const report = await checkCompatibility(before, after, [acknowledged]);
    expect(report.acknowledged.map((entry) => entry.acknowledgement)).toEqual([acknowledged]);
    expect(summary(report)).toEqual(['FIELD_TYPE_CHANGED Account.name']);

    const both = await checkCompatibility(before, after, [
      acknowledged,
      ack('Account.name', "Field 'Account.name' changed type from 'String!' to 'String'"),
    ]);
    expect(both.unacknowledged).toEqual([]);
  });

  it('does not let an entry for one change at a path cover a different change at the same path', async () => {
    const after = without(before, 'balance: Int', 'balance: Float');
    const stale = ack('Account.balance', "Field 'Account.balance' changed type from 'Int' to 'String'");
    const report = await checkCompatibility(before, after, [stale]);
    expect(summary(report)).toEqual(['FIELD_TYPE_CHANGED Account.balance']);
  });

  it('reports dangerous changes without failing on them', async () => {
    const after = without(before, '    CASH\n', '    CASH\n    MARGIN\n');
    const report = await checkCompatibility(before, after, []);
    expect(report.dangerous.map((change) => `${change.type} ${change.path}`)).toEqual([
      'ENUM_VALUE_ADDED AccountKind.MARGIN',
    ]);
    expect(report.unacknowledged).toEqual([]);
  });

  it('prints entries ready to paste that the check refuses until they say why', async () => {
    const report = await checkCompatibility(before, without(before, 'version: String!', ''), []);
    const pasted = parseAcknowledgements(`## Entries\n\n${entriesFor(report.unacknowledged)}\n`);
    expect(pasted.entries).toEqual([]);
    expect(pasted.problems).toEqual([expect.stringMatching(/Query\.version.*no "- why:" reason/)]);

    const reasoned = parseAcknowledgements(
      `## Entries\n\n${entriesFor(report.unacknowledged).replace(/TODO.*$/m, 'unused since 2024')}\n`,
    );
    expect(reasoned.problems).toEqual([]);
    const again = await checkCompatibility(before, without(before, 'version: String!', ''), reasoned.entries);
    expect(again.unacknowledged).toEqual([]);
  });
});

describe('the acknowledgement file format', () => {
  it('reads entries, wrapped reasons and extra bullets, and skips the example in a code block', () => {
    const { entries, problems } = parseAcknowledgements(
      [
        '# Acknowledged breaking changes',
        '',
        '```md',
        '### `Query.example`',
        "- change: Field 'example' was removed from object type 'Query'",
        '- why: an example',
        '```',
        '',
        '## Entries',
        '',
        '### `Account.balance`',
        "- change: Field 'Account.balance' changed type from 'Int' to 'String'",
        '- why: balances carry decimals; Int truncated them, so no client',
        '  could have relied on the old values.',
        '- date: 2025-07-01',
        '',
        '### (schema)',
        "- change: Schema subscription type 'Subscription' was removed.",
        '- why: subscriptions moved to the event stream',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      {
        path: 'Account.balance',
        change: "Field 'Account.balance' changed type from 'Int' to 'String'",
        why: 'balances carry decimals; Int truncated them, so no client could have relied on the old values.',
        line: 11,
      },
      {
        path: '(schema)',
        change: "Schema subscription type 'Subscription' was removed.",
        why: 'subscriptions moved to the event stream',
        line: 17,
      },
    ]);
  });

  it('refuses entries without a change or a reason', () => {
    const { entries, problems } = parseAcknowledgements(
      [
        '### `Query.a`',
        '- why: gone',
        '',
        '### `Query.b`',
        "- change: Field 'b' was removed",
        '- why: TODO',
      ].join('\n'),
    );
    expect(entries).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/line 1 \(Query\.a\): no "- change:" line/),
      expect.stringMatching(/line 4 \(Query\.b\): no "- why:" reason/),
    ]);
  });

  it('schema/breaking-changes.md is well formed', async () => {
    const { problems } = await readAcknowledgements();
    expect(problems).toEqual([]);
  });
});

describe('the real schema', () => {
  // The built schema as `npm run codegen` prints it: both sides then come from SDL, so the diff sees
  // what partners see (a schema object built in code carries no AST, and directive usages such as
  // @specifiedBy would show up as spurious changes).
  const built = printedSchema();
  const notes: string[] = [];
  afterAll(() => {
    if (notes.length) console.info(notes.join('\n'));
  });

  it('detects a synthetic breaking change in an in-memory copy of the built schema', async () => {
    // Remove Query.version and make Query.viewer nullable, in a copy; the real schema is untouched.
    const edited = visit(parse(built), {
      ObjectTypeDefinition(node: ObjectTypeDefinitionNode) {
        if (node.name.value !== 'Query') return undefined;
        return {
          ...node,
          fields: node.fields
            ?.filter((field) => field.name.value !== 'version')
            .map((field) =>
              field.name.value === 'viewer' && field.type.kind === Kind.NON_NULL_TYPE
                ? { ...field, type: field.type.type }
                : field,
            ),
        };
      },
    });
    const report = await checkCompatibility(built, print(edited), []);
    expect(summary(report).sort()).toEqual([
      'FIELD_REMOVED Query.version',
      'FIELD_TYPE_CHANGED Query.viewer',
    ]);

    const acknowledged = await checkCompatibility(
      built,
      print(edited),
      report.unacknowledged.map((change) => ack(change.path!, change.message)),
    );
    expect(acknowledged.unacknowledged).toEqual([]);
    expect(acknowledged.acknowledged).toHaveLength(2);
  });

  it('has no unacknowledged breaking change against the published schema', async () => {
    const published = await publishedSchema();
    const { entries, problems } = await readAcknowledgements();
    expect(problems).toEqual([]);
    const report = await checkCompatibility(published.sdl, built, entries);

    notes.push(
      `schema compatibility against ${published.source}: ${report.changes.length} change(s), ` +
        `${report.acknowledged.length} acknowledged breaking, ${report.dangerous.length} dangerous`,
    );
    for (const change of report.dangerous) notes.push(`  dangerous: ${change.path} — ${change.message}`);
    for (const { change, acknowledgement } of report.acknowledged)
      notes.push(`  acknowledged: ${change.path} — ${change.message} (why: ${acknowledgement.why})`);

    const message =
      report.unacknowledged.length === 0
        ? ''
        : `${report.unacknowledged.length} breaking change(s) against ${published.source}. Partners are ` +
          'promised additive changes: add a new field next to the old one and deprecate the old one, or, ' +
          'if the change must be made, acknowledge it in schema/breaking-changes.md with a reason.\n\n' +
          report.unacknowledged
            .map((change) => `${change.path ?? '(schema)'}: ${change.criticality.reason ?? change.type}`)
            .join('\n') +
          `\n\nEntries to complete and paste:\n\n${entriesFor(report.unacknowledged)}`;
    expect(message).toBe('');
  });

  it('refuses to fall back when SCHEMA_BASE_REF names a ref git cannot read', async () => {
    await expect(publishedSchema('no-such-ref-for-portico')).rejects.toThrow(/SCHEMA_BASE_REF=no-such-ref/);
  });
});
