// npm run bench: every benchmark, each reporting ratios against a peer measured in the same run.
import { httpOverhead } from './http-overhead.js';
import { rlsOverhead } from './rls-overhead.js';

for (const line of await httpOverhead()) console.log(line);
const scratch = process.env.DATABASE_URL;
if (scratch) for (const line of await rlsOverhead(scratch)) console.log(line);
else console.log('(set DATABASE_URL to a scratch database to run the Postgres benchmarks)');
