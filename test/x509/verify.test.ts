import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERT_FLAGS, parseCertificate, verifyChain, type ChainVerifyOptions } from '../../src/x509/index.js';
import { CA_EXT, type Issued, Pki, leafExt } from './pki.js';

let pki: Pki;
let ok: { root: Issued; ica: Issued; leaf: Issued };
const NAME = { kind: 'dns' as const, value: 'example.com' };

beforeAll(() => {
  pki = new Pki();
  ok = pki.chain('ok');
});
afterAll(() => pki.cleanup());

function verify(chain: Issued[], anchors: Issued[], extra: Partial<ChainVerifyOptions> = {}) {
  return verifyChain(
    chain.map((c) => c.der),
    { trustAnchors: anchors.map((a) => a.der), name: NAME, ...extra },
  );
}

/** The chain fails with `flag` on the certificate at `depth`. */
function expectFlag(r: ReturnType<typeof verify>, flag: string, depth: number) {
  expect(r.ok).toBe(false);
  expect(r.flags).toContain(flag);
  expect(r.certificates.find((c) => c.depth === depth)?.flags).toContain(flag);
}

describe('verifyChain: a good chain', () => {
  it('validates root → ICA → leaf (ECDSA P-256)', () => {
    const r = verify([ok.leaf, ok.ica], [ok.root]);
    expect(r.flags).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.trusted).toBe(true);
    expect(r.chain.map((c) => c.subject)).toEqual(['CN=ok leaf', 'CN=ok ICA', 'CN=ok Root']);
    expect(r.certificates.map((c) => c.depth)).toEqual([0, 1, 2]);
  });
  it('validates RSA-2048, P-384 and Ed25519 chains', () => {
    for (const keyAlg of ['rsa2048', 'p384', 'ed25519'] as const) {
      const c = pki.chain(`alg-${keyAlg}`, { keyAlg });
      const r = verify([c.leaf, c.ica], [c.root]);
      expect(r.flags, keyAlg).toEqual([]);
    }
  });
  it('validates an RSA-PSS signed leaf', () => {
    const root = pki.cert({ name: 'pss-root', subject: '/CN=PSS Root', keyAlg: 'rsa2048', ext: CA_EXT });
    const leaf = pki.cert({ name: 'pss-leaf', subject: '/CN=pss', issuer: root, ext: leafExt('example.com'), sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'] });
    expect(parseCertificate(leaf.der).signatureAlgorithm.alg).toEqual({ kind: 'rsa-pss', hash: 'sha256', mgfHash: 'sha256', saltLength: 32 });
    expect(verify([leaf], [root]).flags).toEqual([]);
  });
  it('accepts a self-signed leaf configured as the trust anchor', () => {
    const self = pki.cert({ name: 'self', subject: '/CN=example.com', ext: ['basicConstraints=critical,CA:TRUE', 'subjectAltName=DNS:example.com'] });
    expect(verify([self], [self]).ok).toBe(true);
  });
  it('every flag name is listed in CERT_FLAGS', () => {
    expect(CERT_FLAGS).toEqual(expect.arrayContaining(['EXPIRED', 'FUTURE', 'NOT_TRUSTED', 'NAME_MISMATCH', 'BAD_SIGNATURE', 'BAD_ALGORITHM', 'BAD_KEY', 'NOT_CA', 'PATH_LENGTH', 'NAME_CONSTRAINTS', 'KEY_USAGE', 'EXT_KEY_USAGE', 'UNHANDLED_CRITICAL_EXTENSION', 'CHAIN_TOO_LONG', 'BAD_CERTIFICATE']));
  });
});

describe('verifyChain: each flag from a real bad certificate', () => {
  it('EXPIRED and FUTURE (validity at a configurable time)', () => {
    expectFlag(verify([ok.leaf, ok.ica], [ok.root], { now: new Date(Date.now() + 400 * 86400_000) }), 'EXPIRED', 0);
    expectFlag(verify([ok.leaf, ok.ica], [ok.root], { now: new Date(Date.now() - 400 * 86400_000) }), 'FUTURE', 0);
    const longRoot = pki.cert({ name: 'long-root', subject: '/CN=Long Root', ext: CA_EXT, days: 3650 });
    const shortLeaf = pki.cert({ name: 'short-leaf', subject: '/CN=short', issuer: longRoot, ext: leafExt('example.com'), days: 1 });
    const r = verify([shortLeaf], [longRoot], { now: new Date(Date.now() + 5 * 86400_000) });
    expect(r.flags).toEqual(['EXPIRED']);
    expect(r.certificates[0]!.reasons[0]).toMatch(/expired at/);
  });
  it('NOT_TRUSTED for an unknown root, on the top certificate', () => {
    const other = pki.cert({ name: 'other-root', subject: '/CN=Other Root', ext: CA_EXT });
    const r = verify([ok.leaf, ok.ica], [other]);
    expect(r.flags).toEqual(['NOT_TRUSTED']);
    expect(r.certificates.at(-1)!.flags).toEqual(['NOT_TRUSTED']);
    // the root sent by the server does not make it trusted
    expect(verify([ok.leaf, ok.ica, ok.root], [other]).flags).toEqual(['NOT_TRUSTED']);
  });
  it('NAME_MISMATCH for a wrong host, and only that', () => {
    const r = verify([ok.leaf, ok.ica], [ok.root], { name: { kind: 'dns', value: 'example.org' } });
    expect(r.flags).toEqual(['NAME_MISMATCH']);
    expect(r.certificates[0]!.flags).toEqual(['NAME_MISMATCH']);
  });
  it('BAD_SIGNATURE for a tampered signature', () => {
    const bad = Uint8Array.from(ok.leaf.der);
    bad[bad.length - 3]! ^= 0x55;
    const r = verifyChain([bad, ok.ica.der], { trustAnchors: [ok.root.der], name: NAME });
    expectFlag(r, 'BAD_SIGNATURE', 0);
  });
  it('BAD_ALGORITHM for SHA-1, allowed by policy', () => {
    const root = pki.cert({ name: 'sha1-root', subject: '/CN=SHA1 Root', keyAlg: 'rsa2048', ext: CA_EXT });
    const leaf = pki.cert({ name: 'sha1-leaf', subject: '/CN=sha1', issuer: root, ext: leafExt('example.com'), md: 'sha1' });
    expectFlag(verify([leaf], [root]), 'BAD_ALGORITHM', 0);
    expect(verify([leaf], [root], { policy: { allowSha1: true } }).ok).toBe(true);
  });
  it('BAD_KEY for RSA-1024, loosened by policy', () => {
    const root = pki.cert({ name: 'rsa-root', subject: '/CN=RSA Root', keyAlg: 'rsa2048', ext: CA_EXT });
    const leaf = pki.cert({ name: 'weak-leaf', subject: '/CN=weak', keyAlg: 'rsa1024', issuer: root, ext: leafExt('example.com') });
    expectFlag(verify([leaf], [root]), 'BAD_KEY', 0);
    expect(verify([leaf], [root], { policy: { minRsaBits: 1024 } }).ok).toBe(true);
  });
  it('NOT_CA for an intermediate without cA', () => {
    const c = pki.chain('notca', { icaExt: ['basicConstraints=critical,CA:FALSE'] });
    expectFlag(verify([c.leaf, c.ica], [c.root]), 'NOT_CA', 1);
    const d = pki.chain('nobc', { icaExt: ['keyUsage=critical,keyCertSign'] });
    expectFlag(verify([d.leaf, d.ica], [d.root]), 'NOT_CA', 1);
  });
  it('PATH_LENGTH for pathLenConstraint 0 above an intermediate', () => {
    const c = pki.chain('pathlen', { rootExt: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign'] });
    expectFlag(verify([c.leaf, c.ica], [c.root]), 'PATH_LENGTH', 2);
  });
  it('NAME_CONSTRAINTS: permitted and excluded dNSName, iPAddress', () => {
    const c = pki.chain('nc', { icaExt: [...CA_EXT, 'nameConstraints=critical,permitted;DNS:example.org'] });
    expectFlag(verify([c.leaf, c.ica], [c.root]), 'NAME_CONSTRAINTS', 0);
    const d = pki.chain('nc-ok', { icaExt: [...CA_EXT, 'nameConstraints=critical,permitted;DNS:example.com'] });
    expect(verify([d.leaf, d.ica], [d.root]).ok).toBe(true);
    const e = pki.chain('nc-ex', { icaExt: [...CA_EXT, 'nameConstraints=critical,excluded;DNS:example.com'] });
    expectFlag(verify([e.leaf, e.ica], [e.root]), 'NAME_CONSTRAINTS', 0);
    const ip = pki.chain('nc-ip', {
      icaExt: [...CA_EXT, 'nameConstraints=critical,permitted;IP:192.0.2.0/255.255.255.0'],
      leafExt: leafExt('IP:192.0.3.1'),
    });
    expectFlag(verify([ip.leaf, ip.ica], [ip.root], { name: { kind: 'ip', value: '192.0.3.1' } }), 'NAME_CONSTRAINTS', 0);
  });
  it('KEY_USAGE: issuer without keyCertSign; leaf without what the key exchange needs', () => {
    const c = pki.chain('ku', { icaExt: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature'] });
    expectFlag(verify([c.leaf, c.ica], [c.root]), 'KEY_USAGE', 1);
    expect(verify([ok.leaf, ok.ica], [ok.root], { keyUsage: 'digitalSignature' }).ok).toBe(true);
    expectFlag(verify([ok.leaf, ok.ica], [ok.root], { keyUsage: 'keyEncipherment' }), 'KEY_USAGE', 0);
  });
  it('EXT_KEY_USAGE: a clientAuth-only leaf', () => {
    const c = pki.chain('eku', { leafExt: ['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=clientAuth', 'subjectAltName=DNS:example.com'] });
    expectFlag(verify([c.leaf, c.ica], [c.root]), 'EXT_KEY_USAGE', 0);
    expect(verify([c.leaf, c.ica], [c.root], { eku: 'clientAuth' }).ok).toBe(true);
  });
  it('UNHANDLED_CRITICAL_EXTENSION', () => {
    const c = pki.chain('crit', { leafExt: [...leafExt('example.com'), '1.3.6.1.4.1.99999.1=critical,ASN1:NULL'] });
    expectFlag(verify([c.leaf, c.ica], [c.root]), 'UNHANDLED_CRITICAL_EXTENSION', 0);
  });
  it('CHAIN_TOO_LONG with maxDepth', () => {
    expect(verify([ok.leaf, ok.ica], [ok.root], { maxDepth: 1 }).ok).toBe(true);
    const r = verify([ok.leaf, ok.ica], [ok.root], { maxDepth: 0 });
    expect(r.ok).toBe(false);
    expect(r.flags).toContain('CHAIN_TOO_LONG');
  });
  it('BAD_CERTIFICATE for an unparsable leaf; never throws', () => {
    const r = verifyChain([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], { trustAnchors: [ok.root.der] });
    expect(r.ok).toBe(false);
    expect(r.flags).toEqual(['BAD_CERTIFICATE']);
    expect(verifyChain([], { trustAnchors: [ok.root.der] }).flags).toEqual(['BAD_CERTIFICATE']);
  });
  it('an empty trust store is NOT_TRUSTED', () => {
    expect(verify([ok.leaf, ok.ica], []).flags).toEqual(['NOT_TRUSTED']);
  });
});

describe('verifyChain: callback and ignore', () => {
  it('ignore accepts named failures on purpose, and only those', () => {
    const late = { now: new Date(Date.now() + 400 * 86400_000) };
    const r = verify([ok.leaf, ok.ica], [ok.root], { ...late, ignore: ['EXPIRED'] });
    expect(r.ok).toBe(true);
    expect(r.flags).toEqual([]);
    expect(r.certificates[0]!.flags).toContain('EXPIRED'); // still reported per certificate
    const both = verify([ok.leaf, ok.ica], [ok.root], { ...late, ignore: ['EXPIRED'], name: { kind: 'dns', value: 'wrong.test' } });
    expect(both.ok).toBe(false);
    expect(both.flags).toEqual(['NAME_MISMATCH']);
  });
  it('ignoring EXPIRED still checks signatures', () => {
    const bad = Uint8Array.from(ok.leaf.der);
    bad[bad.length - 3]! ^= 0x55;
    const r = verifyChain([bad, ok.ica.der], { trustAnchors: [ok.root.der], name: NAME, now: new Date(Date.now() + 400 * 86400_000), ignore: ['EXPIRED'] });
    expect(r.ok).toBe(false);
    expect(r.flags).toContain('BAD_SIGNATURE');
  });
  it('the callback sees every certificate with depth and flags, top down, and may clear or add', () => {
    const seen: Array<[number, string, string[]]> = [];
    const r = verify([ok.leaf, ok.ica], [ok.root], {
      name: { kind: 'dns', value: 'wrong.test' },
      verifyCallback: (info) => {
        seen.push([info.depth, info.subject, info.flags]);
        expect(parseCertificate(info.der).subject).toBe(info.subject);
        if (info.depth === 0) return info.flags.filter((f) => f !== 'NAME_MISMATCH');
        return undefined;
      },
    });
    expect(seen).toEqual([
      [2, 'CN=ok Root', []],
      [1, 'CN=ok ICA', []],
      [0, 'CN=ok leaf', ['NAME_MISMATCH']],
    ]);
    expect(r.ok).toBe(true);
    const added = verify([ok.leaf, ok.ica], [ok.root], { verifyCallback: (i) => (i.depth === 1 ? ['NOT_TRUSTED'] : undefined) });
    expect(added.ok).toBe(false);
    expect(added.certificates[1]!.flags).toEqual(['NOT_TRUSTED']);
  });
});

describe('verifyChain: path building', () => {
  it('accepts the server certificates in any order, with extra and missing ones', () => {
    const stray = pki.cert({ name: 'stray', subject: '/CN=Stray', ext: CA_EXT });
    expect(verify([ok.leaf, stray, ok.root, ok.ica], [ok.root]).ok).toBe(true);
    // the intermediate missing from the server, found in the configured pool
    expect(verify([ok.leaf], [ok.root]).flags).toEqual(['NOT_TRUSTED']);
    expect(verify([ok.leaf], [ok.root], { intermediates: [stray.der, ok.ica.der] }).ok).toBe(true);
  });
  it('tries candidate issuers with the same subject and different keys in turn', () => {
    const root = pki.cert({ name: 'x-root', subject: '/CN=X Root', ext: CA_EXT });
    const icaA = pki.cert({ name: 'x-ica-a', subject: '/CN=X ICA', issuer: root, ext: CA_EXT });
    const icaB = pki.cert({ name: 'x-ica-b', subject: '/CN=X ICA', issuer: root, ext: CA_EXT });
    const leaf = pki.cert({ name: 'x-leaf', subject: '/CN=x', issuer: icaB, ext: leafExt('example.com') });
    expect(verify([leaf, icaA, icaB], [root]).ok).toBe(true);
    expect(verify([leaf, icaB, icaA], [root]).ok).toBe(true);
    expectFlag(verify([leaf, icaA], [root]), 'BAD_SIGNATURE', 0);
  });
  it('follows a cross-signed intermediate to whichever root is trusted', () => {
    const oldRoot = pki.cert({ name: 'old-root', subject: '/CN=Old Root', ext: CA_EXT });
    const newRoot = pki.cert({ name: 'new-root', subject: '/CN=New Root', ext: CA_EXT });
    const cross = pki.cert({ name: 'new-by-old', subject: '/CN=New Root', issuer: oldRoot, reuseKeyOf: newRoot, ext: CA_EXT });
    const leaf = pki.cert({ name: 'cross-leaf', subject: '/CN=c', issuer: newRoot, ext: leafExt('example.com') });
    expect(verify([leaf, cross], [oldRoot]).ok).toBe(true);
    const r = verify([leaf, cross], [newRoot]);
    expect(r.ok).toBe(true);
    expect(r.chain.length).toBe(2);
    // an expired alternative is passed over for a valid one
    expect(verify([leaf, cross], [oldRoot, newRoot]).ok).toBe(true);
  });
  it('bounds the work on a crafted pool of many candidate issuers', () => {
    // 5 layers of 4 certificates with the same subject and key each: 4^5 paths, none trusted
    const root = pki.cert({ name: 'dos-root', subject: '/CN=DoS Top', ext: CA_EXT });
    let layer: Issued[] = [root];
    const pool: Issued[] = [];
    for (let l = 0; l < 5; l++) {
      const first = pki.cert({ name: `dos-${l}-0`, subject: `/CN=DoS ${l}`, issuer: layer[0], ext: CA_EXT });
      const next = [first];
      for (let k = 1; k < 4; k++) next.push(pki.cert({ name: `dos-${l}-${k}`, subject: `/CN=DoS ${l}`, issuer: layer[k % layer.length], reuseKeyOf: first, ext: CA_EXT }));
      pool.push(...next);
      layer = next;
    }
    const leaf = pki.cert({ name: 'dos-leaf', subject: '/CN=dos', issuer: layer[0], ext: leafExt('example.com') });
    const other = pki.cert({ name: 'dos-other', subject: '/CN=Unrelated', ext: CA_EXT });
    const t0 = performance.now();
    const r = verifyChain([leaf.der, ...pool.map((p) => p.der)], { trustAnchors: [other.der], name: NAME });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.ok).toBe(false);
    expect(r.flags).toContain('NOT_TRUSTED');
  });
});
