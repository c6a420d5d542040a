/** `npm run bench:pq`: only the post-quantum section of the benchmark (bench/pq.ts). */
import { testPki } from '../test/helpers/certs.js';
import { benchPq, pqReport } from './pq.js';

const pki = testPki();
try {
  process.stdout.write(pqReport(await benchPq(pki.ca, pki.direct(), Number(process.env.BENCH_ROUNDS ?? 3))) + '\n');
} finally {
  pki.cleanup();
}
