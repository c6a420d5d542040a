/**
 * The teaching page (issue 14, part 6), opened in headless Chromium (Debian's package, driven
 * by playwright-core): `puretls demo --html` and `puretls trace --html` (from a saved
 * `--trace json`) write one self-contained page; the browser lays out the ladder with every
 * message, the annotated records (bytes coloured by field, with the field as the byte's title),
 * the decrypted content of protected records, and the key schedule.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { skipFor } from '../helpers/env.js';
import { closeAll, pki, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (Debian package chromium)`;

describe.skipIf(skipFor(missing, 'the HTML page in headless Chromium'))('the HTML page in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'puretls-html-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 60_000,
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(closeAll);

  /** What the browser laid out: the ladder's arrows (with their boxes), message headings, decrypted records. */
  async function render(file: string) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    try {
      // No network: the page must be self-contained.
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { timeout: 30_000 });
      const arrows = await page.$$eval('svg.ladder g.arrow', (gs) =>
        gs.map((g) => ({ name: g.getAttribute('data-name') ?? '', width: (g as SVGGElement).getBBox().width })),
      );
      const headings = await page.$$eval('.msg h4', (hs) => hs.map((h) => h.textContent ?? ''));
      const decrypted = await page.$$eval('p.dec', (ps) => ps.length);
      const titled = await page.$$eval('.hex .f[title]', (fs) => fs.map((f) => f.getAttribute('title') ?? '').filter((t) => t !== ''));
      const keys = await page.$$eval('#key-schedule .secret.seen', (bs) => bs.map((b) => b.getAttribute('data-secret') ?? ''));
      const rows = await page.$$eval('#key-schedule .ks-row', (rs) => rs.map((r) => Math.round(r.getBoundingClientRect().top)));
      const outcome = await page.textContent('#outcome');
      const shot = await page.screenshot({ fullPage: false });
      return { arrows, headings, decrypted, titled, keys, rows, outcome, shot, requests: requests.filter((u) => !u.startsWith('file:')) };
    } finally {
      await page.close();
    }
  }

  it('demo --html: the ladder, every record annotated, the decrypted messages, the key schedule', async () => {
    const file = join(dir, 'demo.html');
    const r = await within(runCli(['demo', '--html', file]), 30_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote ${file}`);
    expect(readFileSync(file, 'utf8')).toMatch(/<code>[0-9a-f]{16}…<\/code>/); // the demo shows its throw-away secrets
    const p = await within(render(file), 60_000);
    const names = p.arrows.map((a) => a.name);
    for (const n of ['ClientHello', 'ServerHello', 'EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished', 'ApplicationData']) expect(names, n).toContain(n);
    expect(names.indexOf('ClientHello')).toBe(0);
    for (const a of p.arrows) expect(a.width, a.name).toBeGreaterThan(300);
    for (const h of ['client_hello (1)', 'server_hello (2)', 'encrypted_extensions (8)', 'certificate (11)', 'certificate_verify (15)', 'finished (20)']) {
      expect(p.headings, h).toContain(h);
    }
    expect(p.decrypted).toBeGreaterThanOrEqual(5);
    expect(p.titled).toContain('msg_type = client_hello (1)');
    expect(p.titled.some((t) => /Extension key_share › client_shares › KeyShareEntry › group = /.test(t))).toBe(true);
    expect(p.titled.some((t) => t.startsWith('encrypted_record › AEAD tag = '))).toBe(true);
    expect(p.keys).toEqual([
      'early_secret',
      'handshake_secret',
      'client_handshake_traffic_secret',
      'server_handshake_traffic_secret',
      'master_secret',
      'client_application_traffic_secret_0',
      'server_application_traffic_secret_0',
      'exporter_master_secret',
      'resumption_master_secret',
    ]);
    // Drawn as RFC 8446 §7.1: three rows (early, handshake, master), one under the other.
    expect(p.rows).toHaveLength(3);
    expect(p.rows[0]!).toBeLessThan(p.rows[1]!);
    expect(p.rows[1]!).toBeLessThan(p.rows[2]!);
    expect(p.outcome).toMatch(/^Handshake complete: TLSv1\.3 TLS_/);
    expect(p.requests).toEqual([]);
    // A real picture: a PNG of the viewport's size.
    expect(p.shot.subarray(1, 4).toString()).toBe('PNG');
    expect(p.shot.readUInt32BE(16)).toBe(1200);
  });

  it('trace --html from a saved --trace json (TLS 1.2), no secrets in it', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, (await pki()).ca.cert);
    const { port } = await tlsServer();
    const trace = join(dir, 'trace.jsonl');
    const c = await within(runCli(['connect', `localhost:${port}`, '--ca', ca, '--max-version', '1.2', '--trace', 'json', '--trace-file', trace, '--send', 'QUIT\\r\\n']));
    expect(c.code).toBe(0);
    const file = join(dir, 'trace.html');
    const r = await within(runCli(['trace', trace, '--html', file]));
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toMatch(/<code>[0-9a-f]{16}…<\/code>/); // no secret values without --trace-secrets
    const p = await within(render(file), 60_000);
    const names = p.arrows.map((a) => a.name);
    for (const n of ['ClientHello', 'ServerHello', 'Certificate', 'ServerKeyExchange', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished']) {
      expect(names, n).toContain(n);
    }
    expect(p.headings).toContain('server_key_exchange (12)');
    expect(p.titled.some((t) => t.startsWith('body › namedcurve = x25519'))).toBe(true);
  });

  it('trace refuses a file that is not a puretls trace', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"hello":1}\n');
    const r = await runCli(['trace', bad, '--html', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a puretls trace event of version 1/);
  });
});
