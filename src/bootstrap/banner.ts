import type { App } from '../app.js';

/** What a newcomer reads after `npm start`: where everything is and, once, the sandbox secret. */
export function printBanner(app: App): void {
  const { config } = app;
  const base = config.port === 0 ? app.url : config.publicUrl;
  const engine = config.embedded ? `embedded PGlite in ${config.dataDir}` : 'Postgres';
  const lines = [
    '',
    `Portico is running (${engine}; ${app.broker.kind === 'redis' ? 'Redis' : 'in-process pub/sub'}; role ${config.role})`,
    `  GraphQL  ${base}/graphql`,
    `  REST     ${base}/v1   ${base}/api/v2   ${base}/api/v3`,
    `  Docs     ${base}/docs`,
    `  Portal   ${base}/portal`,
    `  Health   ${base}/healthz   ${base}/readyz   ${base}/metrics`,
  ];
  const sandbox = app.sandbox;
  if (sandbox?.created) {
    const { client_id, client_secret } = sandbox.credentials;
    lines.push(
      '',
      `Sandbox credentials (every read scope). The secret is shown once; it is also saved in ${sandbox.file} (mode 0600).`,
      `  client_id      ${client_id}`,
      `  client_secret  ${client_secret}`,
      '',
      'Get a token:',
      `  curl -s ${base}/oauth/token -H 'content-type: application/json' \\`,
      `    -d '{"grant_type":"client_credentials","client_id":"${client_id}","client_secret":"${client_secret}"}'`,
    );
  } else if (sandbox) {
    lines.push('', `Sandbox client ${sandbox.credentials.client_id}; its secret is in ${sandbox.file}.`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
