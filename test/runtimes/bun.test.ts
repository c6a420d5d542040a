/**
 * Bun (the `bun` npm package's binary): the root entry bundled for the browser platform; TLS 1.3
 * and TLS 1.2 over `Bun.connect` (its callback socket made a Web Streams pair, partial writes
 * waiting for drain) to openssl s_server, verified against the test CA, the reply read to its end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { skipFor } from '../helpers/env.js';
import { bundle, cleanUp, expectExchanges, opensslPeers, runProcess, runtimeBin, runtimeMissing, tempDir } from './harness.js';

afterAll(cleanUp);

describe.skipIf(skipFor(runtimeMissing('bun'), 'the Bun runtime test'))('Bun', () => {
  it('TLS 1.3 and TLS 1.2 over Bun.connect, verified, the reply read; an unrelated CA refused', async () => {
    const dir = tempDir();
    const [file, requests] = await Promise.all([bundle('bun-main.ts', dir, 'main.js'), opensslPeers(dir)]);
    const r = await runProcess(runtimeBin('bun'), [file, JSON.stringify(requests)], { cwd: dir, env: { NO_COLOR: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results[0].runtime).toMatch(/^Bun \d+\.\d+/);
    expectExchanges(results, requests, ['Bun.connect']);
  }, 60_000);
});
