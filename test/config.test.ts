/**
 * Options are checked once, before any byte is sent: every bad option is a TlsError naming it
 * (BAD_CONFIG, reason bad_pem for certificate input), and nothing is queued for the peer.
 */
import { describe, expect, it } from 'vitest';
import { rootCertificates } from 'node:tls';
import { ClientConnection } from '../src/connection.js';
import { TlsError } from '../src/errors.js';
import { withDefaultRoots } from '../src/transport/node.js';
import type { ClientOptions } from '../src/types.js';
import { decodeClientHello } from '../src/handshake/messages/hello.js';
import { ExtensionType } from '../src/handshake/codec/types.js';
import { testPki } from './helpers/certs.js';

function configError(opts: ClientOptions): TlsError {
  try {
    new ClientConnection(opts);
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    return e as TlsError;
  }
  throw new Error('expected a configuration error');
}

describe('configuration errors', () => {
  const cases: Array<[string, ClientOptions, string, RegExp]> = [
    ['unknown minVersion', { verify: 'none', minVersion: '1.1' as never }, 'BAD_CONFIG', /minVersion/],
    ['min above max', { verify: 'none', minVersion: '1.3', maxVersion: '1.2' }, 'BAD_CONFIG', /above/],
    ['unknown cipher suite', { verify: 'none', ciphers: 'TLS_FOO' }, 'BAD_CONFIG', /TLS_FOO/],
    ['no suite for the enabled versions', { verify: 'none', minVersion: '1.3', ciphers: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] }, 'BAD_CONFIG', /./],
    ['unknown group', { verify: 'none', groups: ['x9999'] }, 'BAD_CONFIG', /x9999/],
    ['key share for a disabled group', { verify: 'none', groups: ['x25519'], keyShareGroups: ['secp256r1'] }, 'BAD_CONFIG', /keyShareGroups/],
    ['unknown signature scheme', { verify: 'none', sigalgs: ['rsa_md5'] }, 'BAD_CONFIG', /rsa_md5/],
    ['only certificate schemes for TLS 1.3', { verify: 'none', minVersion: '1.3', sigalgs: ['rsa_pkcs1_sha256'] }, 'BAD_CONFIG', /sigalgs/],
    ['unknown verify mode', { verify: 'sometimes' as never }, 'BAD_CONFIG', /verify/],
    ['verify required without trust anchors', { host: 'example.com' }, 'BAD_CONFIG', /trust anchors/],
    ['garbage CA', { host: 'example.com', ca: 'not a certificate' }, 'BAD_CONFIG', /ca/],
    ['negative timeout', { verify: 'none', timeout: -5 }, 'BAD_CONFIG', /timeout/],
    ['invalid server name', { verify: 'none', servername: 'bad name!' }, 'BAD_CONFIG', /servername/],
    ['ALPN name too long', { verify: 'none', alpn: ['x'.repeat(256)] }, 'BAD_CONFIG', /alpn/],
  ];
  for (const [what, opts, code, msg] of cases) {
    it(`${what} → ${code}`, () => {
      const e = configError(opts);
      expect(e.code).toBe(code);
      expect(e.explanation).toMatch(msg);
      expect(e.alert).toBeUndefined(); // nothing was sent, so no alert
    });
  }
});

describe('names and defaults', () => {
  const sni = (opts: ClientOptions) => {
    const c = new ClientConnection({ verify: 'none', ...opts });
    const out = c.takeOutput()!;
    const ch = decodeClientHello(out.subarray(9)); // record header (5) + handshake header (4)
    return ch.extensions.has(ExtensionType.server_name);
  };
  it('sends SNI for a DNS name and never for an IP address (RFC 6066 §3)', () => {
    expect(sni({ host: 'example.com' })).toBe(true);
    expect(sni({ host: '127.0.0.1' })).toBe(false);
    expect(sni({ host: '::1' })).toBe(false);
    expect(sni({ host: '10.0.0.1', servername: 'device.local' })).toBe(true);
    expect(sni({ host: 'example.com', servername: false })).toBe(false);
  });

  it("puretls/node trusts Node's bundled roots when no ca is given", () => {
    expect(withDefaultRoots<ClientOptions>({ host: 'x' }).ca).toBe(rootCertificates);
    const pki = testPki();
    expect(withDefaultRoots({ host: 'x', ca: pki.ca }).ca).toBe(pki.ca);
    expect(withDefaultRoots<ClientOptions>({ host: 'x', verify: 'none' }).ca).toBeUndefined();
    // and the core accepts them (about 140 roots, parsed once)
    expect(() => new ClientConnection(withDefaultRoots({ host: 'example.com' }))).not.toThrow();
  });
});

describe('the trust-anchor cache follows the ca list', () => {
  it('a CA removed from a reused ca array (in place) is no longer trusted', async () => {
    const { FakeServer13 } = await import('./helpers/fake-server13.js');
    const ca: string[] = [testPki().ca];
    new FakeServer13({ client: { ca } }).completeHandshake();
    // Swap the test CA for an unrelated root, in the same array object.
    ca[0] = rootCertificates[0]!;
    const s = new FakeServer13({ client: { ca } });
    const thrown = s.handshake();
    expect(thrown).toBeInstanceOf(TlsError);
    expect((thrown as TlsError).code).toBe('CERT_VERIFY_FAILED');
    // Emptied in place: no anchors is a configuration error again.
    ca.length = 0;
    expect(configError({ host: 'localhost', ca }).code).toBe('BAD_CONFIG');
  });
});
