/**
 * Deno (the `deno` npm package's binary): the root entry bundled for the browser platform, run
 * with network access to 127.0.0.1 only; TLS 1.3 and TLS 1.2 over `Deno.connect` to openssl
 * s_server, the chain verified against the test CA, the server's reply read to its end.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { skipFor } from '../helpers/env.js';
import { bundle, cleanUp, expectExchanges, opensslPeers, runProcess, runtimeBin, runtimeMissing, tempDir } from './harness.js';

afterAll(cleanUp);

describe.skipIf(skipFor(runtimeMissing('deno'), 'the Deno runtime test'))('Deno', () => {
  it('TLS 1.3 and TLS 1.2 over Deno.connect, verified, the reply read; an unrelated CA refused', async () => {
    const dir = tempDir();
    const [file, requests] = await Promise.all([bundle('deno-main.ts', dir, 'main.js'), opensslPeers(dir)]);
    const r = await runProcess(runtimeBin('deno'), ['run', '--no-prompt', '--no-config', '--allow-net=127.0.0.1', file, JSON.stringify(requests)], {
      cwd: dir,
      env: { DENO_DIR: dir, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results[0].runtime).toMatch(/^Deno \d+\.\d+/);
    expectExchanges(results, requests, ['Deno.connect']);
  }, 60_000);
});
