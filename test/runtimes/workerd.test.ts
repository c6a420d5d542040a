/**
 * workerd (the `workerd` npm package's binary), Cloudflare's Workers runtime: the root entry
 * bundled as a worker module; its fetch handler opens TCP sockets with `connect()` from
 * `cloudflare:sockets` (the worker's outbound network allows loopback only) and runs TLS 1.3
 * and TLS 1.2 to openssl s_server, verified against the test CA; the test reads the results.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { skipFor } from '../helpers/env.js';
import { waitUntil } from '../helpers/peers.js';
import { bundle, cleanUp, expectExchanges, opensslPeers, runtimeBin, runtimeMissing, startProcess, tempDir } from './harness.js';

afterAll(cleanUp);

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # The worker's outbound network (its globalOutbound is "internet"): loopback only.
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
);
`;

describe.skipIf(skipFor(runtimeMissing('workerd'), 'the workerd runtime test'))('workerd', () => {
  it('TLS 1.3 and TLS 1.2 over cloudflare:sockets connect(), verified, the reply read; an unrelated CA refused', async () => {
    const dir = tempDir();
    const [, requests] = await Promise.all([bundle('workerd-main.ts', dir, 'worker.js', { external: ['cloudflare:sockets'] }), opensslPeers(dir)]);
    writeFileSync(join(dir, 'config.capnp'), CONFIG);
    const w = startProcess(runtimeBin('workerd'), ['serve', 'config.capnp'], dir);
    await waitUntil(() => /Listening on http:\/\/127\.0\.0\.1:\d+/.test(w.output()) || w.proc.exitCode !== null, 20_000, 'workerd to listen');
    const port = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(w.output())?.[1];
    expect(port, w.output()).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(requests), signal: AbortSignal.timeout(40_000) });
    const body = await res.text();
    expect(res.status, body + w.output()).toBe(200);
    const results = JSON.parse(body);
    expect(results[0].runtime).toBe('workerd');
    expectExchanges(results, requests, ['cloudflare:sockets connect()']);
  }, 60_000);
});
