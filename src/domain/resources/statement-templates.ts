import { type Compilable, CompiledQuery } from 'kysely';

// The reads every request makes are built and compiled by Kysely once per shape, not once per
// request: for a point read, building the statement cost more than the rest of Portico's own work
// (bench/README.md, REST). A template is compiled from the same builder code with slot values in
// place of the real ones; each call then fills the slots. The SQL text is the one Kysely wrote, so
// prepared statements, the statement counter and the tenant predicate are exactly as before.

const marker = '\u0000portico-slot:';

/** A stand-in for a value, while a template is built. */
export function slot(name: string): string {
  return `${marker}${name}`;
}

type Parameter = { slot: string } | { value: unknown };

// One cache for the process: both engines compile with Kysely's Postgres compiler, so a shape's
// text is the same whichever database built it.
const capacity = 1000;
const templates = new Map<string, { sql: string; parameters: Parameter[] }>();

/**
 * The compiled statement of `shape` (a key naming everything that changes its text) with `values`
 * in its slots; `build` runs once per shape, with slot() values standing in.
 */
export function fromTemplate(
  shape: string,
  build: () => Compilable,
  values: Readonly<Record<string, unknown>>,
): CompiledQuery {
  let template = templates.get(shape);
  if (!template) {
    const compiled = build().compile();
    template = {
      sql: compiled.sql,
      parameters: compiled.parameters.map((parameter) =>
        typeof parameter === 'string' && parameter.startsWith(marker)
          ? { slot: parameter.slice(marker.length) }
          : { value: parameter },
      ),
    };
    if (templates.size < capacity) templates.set(shape, template);
  }
  const parameters = template.parameters.map((parameter) => {
    if (!('slot' in parameter)) return parameter.value;
    if (!(parameter.slot in values)) throw new Error(`Statement ${shape} has no value for ${parameter.slot}`);
    return values[parameter.slot];
  });
  return CompiledQuery.raw(template.sql, parameters);
}
