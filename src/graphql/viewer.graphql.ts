import { builder } from './builder.js';

const CredentialKind = builder.enumType('CredentialKind', {
  values: { OAUTH_CLIENT: { value: 'oauth_client' }, API_KEY: { value: 'api_key' } } as const,
});

const ViewerType = builder.objectRef<import('../auth/viewer.js').Viewer>('Viewer').implement({
  description: 'The credential making this request, and what it may do.',
  fields: (t) => ({
    tenantId: t.exposeString('tenantId'),
    whiteLabelId: t.string({ nullable: true, resolve: (viewer) => viewer.whiteLabelId }),
    credentialKind: t.field({ type: CredentialKind, resolve: (viewer) => viewer.credential.kind }),
    credentialId: t.string({
      description: 'The OAuth client_id or the API key public id.',
      resolve: (v) => v.credential.publicId,
    }),
    scopes: t.stringList({ resolve: (viewer) => [...viewer.scopes].sort() }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({ type: ViewerType, resolve: (_root, _args, context) => context.viewer }),
);
