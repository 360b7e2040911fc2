import type { Plugin } from 'graphql-yoga';

// Each distinct document is compiled once into a function that executes it (graphql-jit, through
// its envelop plugin): no per-field info, path and argument objects for fields that do not use
// them, which is most of what executing a large answer costs. The compiler is loaded with the
// first operation, not at start-up. Its limits: scalar literals are parsed without variables
// (scalars.graphql.ts), and isTypeOf gets no context, so no scope check lives there (scopes are
// checked on the fields that return a type: resource-types.graphql.ts). Subscriptions run on
// graphql-js: graphql-jit hands a subscription field's `subscribe` the operation's variables in
// place of the field's arguments, and an event's payload is small next to a list.

type Hooks = Required<Pick<Plugin, 'onExecute'>>;

export function useCompiledExecution(): Plugin {
  let hooks: Hooks | undefined;
  let loading: Promise<Hooks> | undefined;
  const load = () => {
    loading ??= import('@envelop/graphql-jit').then(({ useGraphQlJit }) => {
      hooks = useGraphQlJit() as Hooks;
      return hooks;
    });
    return loading;
  };
  return {
    onExecute: (payload) => (hooks ? hooks.onExecute(payload) : load().then((h) => h.onExecute(payload))),
  };
}
