/**
 * The chain on screen and the failing step in the trace (issue 14, part 1):
 * - `--show-certs` prints each received certificate with facts checked against node:crypto's
 *   own X509Certificate reading of the same PEM (subject, SANs, fingerprint, validity);
 * - under verify=required, the rejected Certificate message and the failed check come before
 *   the error at `--debug state`, in TLS 1.3 and TLS 1.2, and `--debug info` adds the chain;
 * - `puretls demo` takes --debug and --scenario, and shows the certificate itself.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, otherPki, pki, tlsServer, within } from '../transport/local-server.js';
import { runCli } from './io.js';

let dir: string;
let caFile: string;
let otherCaFile: string;
let leaf: X509Certificate;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'puretls-certs-'));
  caFile = join(dir, 'ca.pem');
  otherCaFile = join(dir, 'other-ca.pem');
  writeFileSync(caFile, (await pki()).ca.cert);
  writeFileSync(otherCaFile, (await otherPki()).ca.cert);
  leaf = new X509Certificate((await pki()).leaf.cert);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

const iso = (s: string): string => new Date(s).toISOString().replace('.000Z', 'Z');

describe('--show-certs', () => {
  it('prints the leaf as node:crypto reads it, then the handshake line', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', caFile, '--show-certs', '--send', 'QUIT\\r\\n']));
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('certificates: 1 sent by the server');
    expect(lines[1]).toBe('certificate 0 (leaf): ok');
    expect(r.stderr).toContain(`    subject     ${leaf.subject.replace(/\n/g, ',')}`);
    expect(r.stderr).toContain(`    issuer      ${leaf.issuer.replace(/\n/g, ',')}`);
    expect(r.stderr).toContain('    names       DNS:localhost, IP:127.0.0.1');
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(r.stderr).toContain(`    validity    ${iso(leaf.validFrom)} to ${iso(leaf.validTo)} (`);
    expect(r.stderr).toMatch(/^ {4}validity .* \(\d+ (hours|days) left\)$/m);
    expect(r.stderr).toContain('    key         EC P-256');
    expect(r.stderr).toContain('    signature   ecdsa-with-SHA256');
    expect(r.stderr).toContain(`    sha256      ${leaf.fingerprint256}`);
    expect(r.stderr).toContain('trust anchor (from the configured CAs): CN=puretls demo CA');
    // The chain comes before the summary line.
    expect(r.stderr.indexOf('certificate 0')).toBeLessThan(r.stderr.indexOf('handshake: protocol='));
  });

  it('on a verification failure: the chain, the verdict and why, then the error', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--show-certs']));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^certificate 0 \(leaf\): NOT_TRUSTED$/m);
    expect(r.stderr).toMatch(/^ {4}why {9}NOT_TRUSTED: .+$/m);
    expect(r.stderr).toContain(`    sha256      ${leaf.fingerprint256}`);
    expect(r.stderr.indexOf('certificate 0')).toBeLessThan(r.stderr.indexOf('error: CERT_VERIFY_FAILED'));
  });
});

describe('the failing step is in the trace before the error', () => {
  for (const version of ['1.3', '1.2'] as const) {
    it(`TLS ${version}, verify required, untrusted CA, --debug state`, async () => {
      const { port } = await tlsServer();
      const r = await within(
        runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--debug', 'state', '--max-version', version]),
      );
      expect(r.code).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      const msg = lines.findIndex((l) => /^\[message\] received certificate \(\d+ bytes\)/.test(l));
      const check = lines.findIndex((l) => /^\[check\] FAILED: certificate chain for localhost \(depth 0 CN=localhost: NOT_TRUSTED: .+\)$/.test(l));
      const err = lines.findIndex((l) => l.startsWith('[error] CERT_VERIFY_FAILED'));
      expect(msg, r.stderr).toBeGreaterThan(0);
      expect(check).toBe(msg + 1);
      expect(err).toBeGreaterThan(check);
      // The state before: TLS 1.3 waits for Certificate after EncryptedExtensions; 1.2 after ServerHello.
      expect(lines.slice(0, msg).filter((l) => l.startsWith('[state]')).pop()).toMatch(
        version === '1.3' ? /-> ExpectCertificateOrCertReq$/ : /-> ExpectCertificate\w*$/,
      );
    });
  }

  it('--debug info adds the chain with its verdict before the error line', async () => {
    const { port } = await tlsServer();
    const r = await within(runCli(['connect', `localhost:${port}`, '--ca', otherCaFile, '--debug', 'info']));
    expect(r.code).toBe(1);
    const chainAt = r.stderr.indexOf('certificate 0 (leaf): NOT_TRUSTED');
    expect(chainAt).toBeGreaterThan(r.stderr.indexOf('[check] FAILED'));
    expect(chainAt).toBeLessThan(r.stderr.indexOf('[error] CERT_VERIFY_FAILED'));
  });
});

describe('puretls demo', () => {
  it('--debug state adds the trace lines on stderr; the narration shows the certificate', async () => {
    const r = await within(runCli(['demo', '--debug', 'state']), 30_000);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\[message\] sent client_hello/m);
    expect(r.stderr).toMatch(/^\[check\] ok: certificate chain/m);
    expect(r.stdout).toMatch(/^ {4}\[0\] CN=localhost {2}\(issued by CN=puretls demo CA\)$/m);
    expect(r.stdout).toMatch(/names DNS:localhost, IP:127\.0\.0\.1; EC P-256; signed with ecdsa-with-SHA256/);
  });

  it('scenarios: TLS 1.2, HelloRetryRequest, a failed verification', async () => {
    const tls12 = await within(runCli(['demo', '--scenario', 'tls12']), 30_000);
    expect(tls12.code).toBe(0);
    expect(tls12.stdout).toContain('← ServerKeyExchange');
    expect(tls12.stdout).toContain('← ServerHelloDone');
    expect(tls12.stdout).toMatch(/handshake: protocol=TLSv1\.2 /);

    const hrr = await within(runCli(['demo', '--scenario', 'hrr']), 30_000);
    expect(hrr.code).toBe(0);
    expect(hrr.stdout).toContain('← HelloRetryRequest');
    expect(hrr.stdout.match(/^ClientHello →/gm)).toHaveLength(2);
    expect(hrr.stdout).toMatch(/handshake: protocol=TLSv1\.3 .* group=x25519 /);

    const bad = await within(runCli(['demo', '--scenario', 'bad-cert']), 30_000);
    expect(bad.code).toBe(0);
    expect(bad.stdout).toMatch(/✗ certificate chain for wrong\.example — depth 0 CN=localhost: NAME_MISMATCH/);
    expect(bad.stdout).toMatch(/\{Alert fatal certificate_unknown\} →/);
    expect(bad.stdout).not.toContain('Handshake complete');
  });
});
