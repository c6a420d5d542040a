/**
 * Issue 8, finding Medium: a subject CN used as a DNS identity (`allowCnFallback`, RFC 6125
 * §6.4.4) must satisfy the dNSName name constraints of the CAs above it (RFC 5280 §4.2.1.10), as
 * OpenSSL requires (error 47). Before the fix, a CA constrained to example.com could issue a
 * SAN-less leaf with CN=evil.com and it was accepted for evil.com. Real certificates, made by the
 * openssl CLI at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/x509/index.js';
import { CA_EXT, type Issued, Pki } from './pki.js';

let pki: Pki;
let root: Issued;
let permitted: Issued;
let excluded: Issued;
const LEAF_NO_SAN = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'];

beforeAll(() => {
  pki = new Pki();
  root = pki.cert({ name: 'cnnc-root', subject: '/CN=CN-NC Root', ext: CA_EXT });
  permitted = pki.cert({ name: 'cnnc-perm', subject: '/CN=CN-NC permitted example.com', issuer: root, ext: [...CA_EXT, 'nameConstraints=critical,permitted;DNS:example.com'] });
  excluded = pki.cert({ name: 'cnnc-excl', subject: '/CN=CN-NC excluded bad.example.com', issuer: root, ext: [...CA_EXT, 'nameConstraints=critical,excluded;DNS:bad.example.com'] });
});
afterAll(() => pki.cleanup());

function leafUnder(ca: Issued, cn: string, ext = LEAF_NO_SAN): Issued {
  return pki.cert({ name: `cnnc-${ca.name}-${cn.replace(/[^a-z0-9]/gi, '_')}`, subject: `/CN=${cn}`, issuer: ca, ext });
}

function check(leaf: Issued, ca: Issued, host: string, allowCnFallback: boolean) {
  return verifyChain([leaf.der, ca.der], { trustAnchors: [root.der], name: { kind: 'dns', value: host }, allowCnFallback });
}

describe('CN fallback under dNSName constraints', () => {
  it('a CA permitted only example.com cannot vouch for CN=evil.com: NAME_CONSTRAINTS', () => {
    const r = check(leafUnder(permitted, 'evil.com'), permitted, 'evil.com', true);
    expect(r.ok).toBe(false);
    expect(r.certificates[0]!.flags).toContain('NAME_CONSTRAINTS');
    expect(r.certificates[0]!.reasons.join(' ')).toMatch(/subject CN evil\.com .*outside the permitted subtrees/);
  });

  it('nor for a wildcard CN outside the subtree (CN=*.evil.com)', () => {
    const r = check(leafUnder(permitted, '*.evil.com'), permitted, 'www.evil.com', true);
    expect(r.certificates[0]!.flags).toContain('NAME_CONSTRAINTS');
  });

  it('a CN inside the permitted subtree is accepted (CN=www.example.com)', () => {
    const r = check(leafUnder(permitted, 'www.example.com'), permitted, 'www.example.com', true);
    expect(r.flags).toEqual([]);
  });

  it('an excluded subtree applies to the CN too (CN=x.bad.example.com)', () => {
    const bad = check(leafUnder(excluded, 'x.bad.example.com'), excluded, 'x.bad.example.com', true);
    expect(bad.certificates[0]!.flags).toContain('NAME_CONSTRAINTS');
    const good = check(leafUnder(excluded, 'good.example.com'), excluded, 'good.example.com', true);
    expect(good.flags).toEqual([]);
  });

  it('without CN fallback the CN is no DNS identity: only NAME_MISMATCH (the name is not used)', () => {
    const r = check(leafUnder(permitted, 'evil.com'), permitted, 'evil.com', false);
    expect(r.flags).toEqual(['NAME_MISMATCH']);
  });

  it('a CN that is not a host name ("My Device") is not a DNS identity and meets no DNS constraint', () => {
    const r = check(leafUnder(permitted, 'My Device'), permitted, 'www.example.com', true);
    expect(r.flags).toEqual(['NAME_MISMATCH']);
  });

  it('CN fallback is off by default: a SAN-less leaf never matches on its CN', () => {
    const leaf = leafUnder(permitted, 'www.example.com');
    const r = verifyChain([leaf.der, permitted.der], { trustAnchors: [root.der], name: { kind: 'dns', value: 'www.example.com' } });
    expect(r.flags).toEqual(['NAME_MISMATCH']);
  });

  it('permitted example.com does not admit evilexample.com (label boundary), in a SAN or a CN', () => {
    const san = leafUnder(permitted, 'x', [...LEAF_NO_SAN, 'subjectAltName=DNS:evilexample.com']);
    expect(check(san, permitted, 'evilexample.com', false).certificates[0]!.flags).toContain('NAME_CONSTRAINTS');
    expect(check(leafUnder(permitted, 'evilexample.com'), permitted, 'evilexample.com', true).certificates[0]!.flags).toContain('NAME_CONSTRAINTS');
  });

  it('with a DNS SAN the CN is never consulted, for matching nor for constraints', () => {
    const leaf = leafUnder(permitted, 'evil.com', [...LEAF_NO_SAN, 'subjectAltName=DNS:www.example.com']);
    expect(check(leaf, permitted, 'www.example.com', true).flags).toEqual([]);
    expect(check(leaf, permitted, 'evil.com', true).flags).toEqual(['NAME_MISMATCH']);
  });
});
