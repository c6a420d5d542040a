/**
 * Headless Chromium (Debian's package, driven by playwright-core): a page loads the bundle of
 * `puretls/websocket` (the root entry plus the WebSocket adapter, built for the browser) and
 * runs TLS 1.3 and TLS 1.2 through `puretls bridge` (the `ws` package) to openssl s_server,
 * with the browser's WebSocket and with Chromium's WebSocketStream, verifying the chain
 * against the CA given to the page; the page shows each reply, and the test reads the results.
 *
 * `PURETLS_SCREENSHOTS=docs` also writes the page to docs/chromium-bridge.png (the README's).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../src/transport/bridge.js';
import { PROJECT_ROOT, programMissing, skipFor } from '../helpers/env.js';
import { bundle, cleanUp, expectExchanges, opensslPeers, tempDir } from './harness.js';
import { heading, type ExchangeRequest, type ExchangeResult } from './client.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? programMissing('openssl') : `${CHROMIUM} is not installed (Debian package chromium)`;

let browser: Browser | undefined;
let bridge: RunningBridge | undefined;
afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await cleanUp();
});

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>puretls in Chromium</title>
<style>body{font:14px system-ui,sans-serif;margin:16px}h1{font-size:18px}h2{font-size:14px;margin:12px 0 4px}
pre{background:#f4f4f4;padding:6px;margin:0;font-size:12px}</style></head>
<body><h1>puretls in the page: TLS through <code>puretls bridge</code> to openssl s_server on 127.0.0.1</h1>
<div id="results"></div></body></html>`;

describe.skipIf(skipFor(missing, 'the Chromium runtime test'))('Chromium page through puretls bridge', () => {
  it('TLS 1.3 and TLS 1.2 over WebSocket and WebSocketStream, verified, the reply shown; an unrelated CA refused', async () => {
    const dir = tempDir();
    const launching = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 60_000,
    });
    const [file, requests] = await Promise.all([bundle('page-main.ts', dir, 'page.js', { format: 'iife' }), opensslPeers(dir)]);
    bridge = await startBridge({ port: 0, allow: requests.map((r) => `127.0.0.1:${r.port}`) });
    browser = await launching;
    const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(PAGE);
    await page.addScriptTag({ content: readFileSync(file, 'utf8') });
    const results = await page.evaluate(
      ([url, reqs]) => (globalThis as unknown as { puretlsRun(u: string, r: ExchangeRequest[]): Promise<ExchangeResult[]> }).puretlsRun(url, reqs),
      [`ws://127.0.0.1:${bridge.port}`, requests] as const,
    );
    expect(errors).toEqual([]);
    expect(results[0]!.runtime).toMatch(/Chrome\/\d+/);
    expectExchanges(results, requests, ['WebSocket', 'WebSocketStream']);
    // What the page shows: one heading per exchange, and the server's view of each connection.
    const headings = await page.$$eval('#results h2', (hs) => hs.map((h) => h.textContent ?? ''));
    expect(headings).toEqual(results.map(heading));
    expect(headings.filter((h) => h.endsWith('refused (CERT_VERIFY_FAILED)'))).toHaveLength(2);
    const shown = await page.$$eval('#results pre', (ps) => ps.map((p) => p.textContent ?? ''));
    const served = results.filter((r) => r.trusted);
    expect(shown).toHaveLength(served.length);
    for (const [i, r] of served.entries()) expect(shown[i]).toContain(`Protocol  : ${r.protocol}`);
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    const out = process.env.PURETLS_SCREENSHOTS;
    if (out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(resolve(PROJECT_ROOT, out), 'chromium-bridge.png'), shot);
    }
  }, 120_000);
});
