import { type ApiKeyView, listKeys } from '../auth/api-keys.service.js';
import { builder } from './builder.js';

const ApiKey = builder.objectRef<ApiKeyView>('ApiKey').implement({
  description: 'An API key of the caller’s tenant. The secret is shown only when the key is created.',
  fields: (t) => ({
    id: t.exposeID('id'),
    publicId: t.exposeString('public_id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    scopes: t.exposeStringList('scopes'),
    createdAt: t.string({ resolve: (key) => key.created_at.toISOString() }),
    lastUsedAt: t.string({ nullable: true, resolve: (key) => key.last_used_at?.toISOString() ?? null }),
    dailyQuota: t.exposeInt('daily_quota', {
      nullable: true,
      description: 'Requests the key may make each UTC day on every surface together; null: no quota.',
    }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKey],
    description: 'The first 100 API keys visible to the caller.',
    authScopes: { scope: 'keys:manage' },
    resolve: async (_root, _args, context) =>
      (await listKeys(context.database.db, context.viewer, { direction: 'forward', limit: 100 })).rows,
  }),
);
