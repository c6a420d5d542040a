/** Argument parsing and the offline commands: help, version, usage errors (exit 2). */
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../src/cli/usage.js';
import { parseArgs, parseHostPort, unescape } from '../../src/cli/args.js';
import { TlsError } from '../../src/errors.js';
import { runCli } from './io.js';

function badConfig(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    expect((e as TlsError).code).toBe('BAD_CONFIG');
    return (e as TlsError).explanation;
  }
  throw new Error(`expected BAD_CONFIG for ${argv.join(' ')}`);
}

describe('parseArgs', () => {
  it('reads every connect option, in both --opt value and --opt=value forms', () => {
    const cmd = parseArgs([
      'connect', 'example.com:8443', '--ca', 'a.pem', '--ca=b.pem', '--verify', 'optional', '--servername=www.example.com',
      '--min-version', '1.2', '--max-version', '1.3', '--ciphers', 'TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256',
      '--groups', 'x25519,secp256r1', '--sigalgs', 'ecdsa_secp256r1_sha256', '--timeout', '1500', '--debug', 'state',
      '--quiet', '--ignore', 'EXPIRED,NOT_YET_VALID', '--alpn', 'h2,http/1.1', '--keylog', 'keys.txt', '--send', 'a\\r\\nb',
    ]);
    expect(cmd).toEqual({
      kind: 'connect',
      args: {
        host: 'example.com', port: 8443, caFiles: ['a.pem', 'b.pem'], verify: 'optional', servername: 'www.example.com',
        minVersion: '1.2', maxVersion: '1.3', ciphers: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
        groups: ['x25519', 'secp256r1'], sigalgs: ['ecdsa_secp256r1_sha256'], timeout: 1500, debug: 'state', quiet: true, showCerts: false, now: undefined, trace: undefined, traceFile: undefined, traceSecrets: false,
        ignore: ['EXPIRED', 'NOT_YET_VALID'], alpn: ['h2', 'http/1.1'], keylogFile: 'keys.txt', send: 'a\r\nb',
        allowLegacyRenegotiation: false,
      },
    });
  });

  it('has defaults: verify required, debug none, stdin (no --send)', () => {
    const cmd = parseArgs(['connect', '127.0.0.1:443']);
    expect(cmd.kind).toBe('connect');
    if (cmd.kind !== 'connect') return;
    expect(cmd.args.verify).toBe('required');
    expect(cmd.args.debug).toBe('none');
    expect(cmd.args.send).toBeUndefined();
    expect(cmd.args.servername).toBeUndefined();
  });

  it('knows help, version and demo', () => {
    for (const a of [[], ['--help'], ['-h'], ['help']]) expect(parseArgs(a)).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseArgs(['demo'])).toEqual({ kind: 'demo', args: { debug: 'none', scenario: 'tls13', html: undefined } });
    expect(parseArgs(['demo', '--debug', 'state', '--scenario=hrr'])).toEqual({ kind: 'demo', args: { debug: 'state', scenario: 'hrr', html: undefined } });
  });

  it('every command line the help text shows parses (demo [--scenario S] [--debug LEVEL])', () => {
    expect(USAGE).toMatch(/puretls demo \[--scenario S\] \[--debug LEVEL\]/);
    for (const s of ['tls13', 'tls12', 'hrr', 'bad-cert']) {
      expect(USAGE).toContain(s);
      expect(parseArgs(['demo', '--scenario', s, '--debug', 'info'])).toMatchObject({ kind: 'demo', args: { scenario: s, debug: 'info' } });
    }
    for (const flag of USAGE.matchAll(/^  (--[a-z-]+)/gm)) {
      const name = flag[1]!;
      const argv = ['connect', 'h:1', name];
      const values: Record<string, string> = { '--timeout': '10', '--verify': 'none', '--debug': 'info', '--min-version': '1.3', '--max-version': '1.3', '--now': '2026-01-31T12:00:00Z', '--trace': 'json', '--max-frag': '512', '--record-size-limit': '1000', '--max-handshake-size': '200000', '--key-update-after': '4096', '--psk-mode': 'psk_ke' };
      if (!['--quiet', '--show-certs', '--trace-secrets', '--allow-legacy-renegotiation'].includes(name)) argv.push(values[name] ?? 'x');
      expect(() => parseArgs(argv), name).not.toThrow();
    }
  });

  it('rejects mistakes with BAD_CONFIG', () => {
    expect(badConfig(['connect', 'h:1', '--bogus'])).toMatch(/unknown option --bogus/);
    expect(badConfig(['connect', 'h:1', '--ca'])).toMatch(/--ca needs a value/);
    expect(badConfig(['connect'])).toMatch(/HOST:PORT/);
    expect(badConfig(['connect', 'example.com'])).toMatch(/HOST:PORT/);
    expect(badConfig(['connect', 'example.com:http'])).toMatch(/bad port/);
    expect(badConfig(['connect', 'example.com:70000'])).toMatch(/bad port/);
    expect(badConfig(['connect', 'h:1', '--timeout', 'soon'])).toMatch(/--timeout/);
    expect(badConfig(['connect', 'h:1', '--verify', 'maybe'])).toMatch(/none, optional, required/);
    expect(badConfig(['connect', 'h:1', '--debug', 'loud'])).toMatch(/--debug/);
    expect(badConfig(['connect', 'h:1', '--min-version', '1.1'])).toMatch(/1\.2, 1\.3/);
    expect(badConfig(['connect', 'h:1', '--min-version', '1.3', '--max-version', '1.2'])).toMatch(/above/);
    expect(badConfig(['connect', 'h:1', 'h:2'])).toMatch(/unexpected argument/);
    expect(badConfig(['connect', 'h:1', '--quiet=yes'])).toMatch(/takes no value/);
    expect(badConfig(['frobnicate'])).toMatch(/unknown command/);
    expect(badConfig(['demo', '--tls12'])).toMatch(/unknown option --tls12/);
    expect(badConfig(['demo', 'now'])).toMatch(/no arguments/);
    expect(badConfig(['demo', '--scenario', 'tls11'])).toMatch(/tls13, tls12, hrr, bad-cert/);
  });

  it('parses HOST:PORT including bracketed IPv6', () => {
    expect(parseHostPort('localhost:443')).toEqual({ host: 'localhost', port: 443 });
    expect(parseHostPort('[::1]:8443')).toEqual({ host: '::1', port: 8443 });
    expect(() => parseHostPort('::1:443')).toThrow(/brackets/);
  });

  it('interprets --send escapes', () => {
    expect(unescape('GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')).toBe('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(unescape('a\\tb\\\\n\\x41\\q')).toBe('a\tb\\nA\\q');
  });
});

describe('main (offline)', () => {
  it('--help and help print the usage and exit 0', async () => {
    for (const argv of [['--help'], ['help']]) {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^puretls: /);
      expect(r.stdout).toContain('puretls connect HOST:PORT');
      expect(r.stdout).toContain('--verify MODE');
      expect(r.stderr).toBe('');
    }
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^puretls \d+\.\d+\.\d+/);
  });

  it('bad arguments print error: BAD_CONFIG and exit 2', async () => {
    for (const argv of [
      ['connect', 'localhost:443', '--nope'],
      ['connect', 'localhost'],
      ['connect', 'localhost:443', '--timeout', 'x'],
      ['connect', 'localhost:443', '--ca'],
      ['connect', 'localhost:443', '--ca', '/nonexistent/ca.pem'],
      ['bogus'],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(/^error: BAD_CONFIG: .+\n$/);
      expect(r.stdout).toBe('');
    }
  });

  it('an unreadable --ca file names the file', async () => {
    const r = await runCli(['connect', 'localhost:443', '--ca', '/nonexistent/ca.pem']);
    expect(r.stderr).toBe('error: BAD_CONFIG: cannot read --ca file /nonexistent/ca.pem: ENOENT\n');
  });
});
