import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';

// One batch per place in the query, across all the parents found there: the `positions` under
// each of twenty portfolios are one batch, whatever the parents' indexes. The first resolver to
// ask creates the loader, so the batch can read the selection at that place (graphql-selection.ts).

const loadersByRequest = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();

function placeOf(info: GraphQLResolveInfo): string {
  const keys: string[] = [];
  for (let at: GraphQLResolveInfo['path'] | undefined = info.path; at; at = at.prev) {
    if (typeof at.key === 'string') keys.push(at.key);
  }
  return keys.reverse().join('.');
}

export function loaderAtPlace<V>(
  context: object,
  info: GraphQLResolveInfo,
  batch: (keys: readonly string[]) => Promise<V[]>,
): DataLoader<string, V> {
  let loaders = loadersByRequest.get(context);
  if (!loaders) {
    loaders = new Map();
    loadersByRequest.set(context, loaders);
  }
  const place = placeOf(info);
  let loader = loaders.get(place) as DataLoader<string, V> | undefined;
  if (!loader) {
    loader = new DataLoader<string, V>(batch);
    loaders.set(place, loader as DataLoader<string, unknown>);
  }
  return loader;
}
