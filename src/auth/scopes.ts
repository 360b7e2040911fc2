// The scope catalog: `<family>:read` / `<family>:write` per resource family, plus platform scopes.

export const resourceFamilies = [
  'clients',
  'entities',
  'accounts',
  'portfolios',
  'positions',
  'cashflows',
  'transactions',
  'instruments',
  'performance',
  'limits',
] as const;

export const platformScopes = ['events:read', 'webhooks:manage', 'extracts:write', 'keys:manage'] as const;

export type ResourceFamily = (typeof resourceFamilies)[number];
export type Scope = `${ResourceFamily}:${'read' | 'write'}` | (typeof platformScopes)[number];

export const allScopes: readonly Scope[] = [
  ...resourceFamilies.flatMap((family) => [`${family}:read`, `${family}:write`] as const),
  ...platformScopes,
];

/** What a sandbox credential gets: every read, nothing that changes data. */
export const readScopes: readonly Scope[] = allScopes.filter((scope) => scope.endsWith(':read'));

const known = new Set<string>(allScopes);

export function isScope(value: string): value is Scope {
  return known.has(value);
}

export class UnknownScopeError extends Error {
  constructor(readonly scopes: string[]) {
    super(
      `Unknown scope${scopes.length > 1 ? 's' : ''}: ${scopes.join(', ')} (known: ${allScopes.join(' ')})`,
    );
    this.name = 'UnknownScopeError';
  }
}

/** Parses a space- or comma-separated scope list; unknown names are refused, duplicates dropped. */
export function parseScopes(text: string): Scope[] {
  const names = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0) throw new UnknownScopeError(unknown);
  return names as Scope[];
}
