/**
 * `npm run bench:cold`: the cold-start rows of `npm run bench` alone (bench/cold.ts), against the
 * bench server (node:tls on 127.0.0.1, a P-256 leaf under the test CA). Run it under `nice` on a
 * shared machine; the figures in the README come from here. Usage: node dist/bench/cold-main.js [runs]
 */
import { testPki } from '../test/helpers/certs.js';
import { benchColdStart, coldTable } from './cold.js';
import { startBenchServer } from './util.js';

const runs = Number(process.argv[2] ?? 10);
const pki = testPki();
const cred = pki.direct();
const server = await startBenchServer(cred.keyPem, cred.chainPem);
try {
  console.log(coldTable(benchColdStart(server.port, pki.caFile, runs)));
} finally {
  await server.stop();
  pki.cleanup();
}
