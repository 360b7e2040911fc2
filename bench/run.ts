// npm run bench: every benchmark, each reporting ratios against a peer measured in the same run.
import { httpOverhead } from './http-overhead.js';

for (const line of await httpOverhead()) console.log(line);
