import packageJson from '../../package.json' with { type: 'json' };
import { builder } from './builder.js';

builder.queryType({
  fields: (t) => ({
    version: t.string({
      description: 'The Portico release serving this request.',
      resolve: () => packageJson.version,
    }),
  }),
});
