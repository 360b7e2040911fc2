// npm run bench: every benchmark, each reporting ratios against a peer measured in the same run.
import { httpOverhead } from './http-overhead.js';
import { rlsOverhead } from './rls-overhead.js';

for (const line of await httpOverhead()) console.log(line);
// A separate variable, never DATABASE_URL: these benchmarks create and drop their own tables.
const scratch = process.env.BENCH_DATABASE_URL;
if (scratch) for (const line of await rlsOverhead(scratch)) console.log(line);
else console.log('(set BENCH_DATABASE_URL to a scratch Postgres database to run the Postgres benchmarks)');
