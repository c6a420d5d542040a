/**
 * Issue 8, "tests that would notice": iPAddress constraints respect the address family, and
 * rfc822Name constraints are enforced (RFC 5280 §4.2.1.10). Real certificates (openssl CLI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/x509/index.js';
import { CA_EXT, type Issued, Pki } from './pki.js';

let pki: Pki;
let root: Issued;
const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'];
beforeAll(() => {
  pki = new Pki();
  root = pki.cert({ name: 'ncf-root', subject: '/CN=NCF Root', ext: CA_EXT });
});
afterAll(() => pki.cleanup());

function under(nc: string, san: string, name: { kind: 'dns' | 'ip'; value: string }) {
  const tag = Math.random().toString(36).slice(2, 8);
  const ca = pki.cert({ name: `ncf-ca-${tag}`, subject: `/CN=NCF CA ${tag}`, issuer: root, ext: [...CA_EXT, `nameConstraints=critical,${nc}`] });
  const leaf = pki.cert({ name: `ncf-leaf-${tag}`, subject: '/CN=leaf', issuer: ca, ext: [...LEAF, `subjectAltName=${san}`] });
  return verifyChain([leaf.der, ca.der], { trustAnchors: [root.der], name });
}

describe('name constraints by form', () => {
  it('an IPv4 permitted subtree admits an address inside it, not one outside', () => {
    expect(under('permitted;IP:192.0.2.0/255.255.255.0', 'IP:192.0.2.7', { kind: 'ip', value: '192.0.2.7' }).flags).toEqual([]);
    expect(under('permitted;IP:192.0.2.0/255.255.255.0', 'IP:198.51.100.7', { kind: 'ip', value: '198.51.100.7' }).flags).toContain('NAME_CONSTRAINTS');
  });

  it('an IPv4 permitted subtree does not admit an IPv6 address (address family), and IPv6 constraints work', () => {
    expect(under('permitted;IP:192.0.2.0/255.255.255.0', 'IP:::1', { kind: 'ip', value: '::1' }).flags).toContain('NAME_CONSTRAINTS');
    expect(under('permitted;IP:2001:db8::/ffff:ffff::', 'IP:2001:db8::5', { kind: 'ip', value: '2001:db8::5' }).flags).toEqual([]);
    // An IPv4-mapped address is not inside an IPv4 subtree either: a different family on the wire.
    expect(under('permitted;IP:192.0.2.0/255.255.255.0', 'IP:::ffff:192.0.2.7', { kind: 'ip', value: '::ffff:192.0.2.7' }).flags).toContain('NAME_CONSTRAINTS');
  });

  it('an excluded IPv4 subtree refuses an address inside it', () => {
    expect(under('excluded;IP:10.0.0.0/255.0.0.0', 'IP:10.1.2.3', { kind: 'ip', value: '10.1.2.3' }).flags).toContain('NAME_CONSTRAINTS');
  });

  it('rfc822Name: permitted .example.com admits a@mail.example.com, not a@evil.com', () => {
    expect(under('permitted;email:.example.com', 'DNS:x.test,email:a@mail.example.com', { kind: 'dns', value: 'x.test' }).flags).toEqual([]);
    expect(under('permitted;email:.example.com', 'DNS:x.test,email:a@evil.com', { kind: 'dns', value: 'x.test' }).flags).toContain('NAME_CONSTRAINTS');
  });
});
