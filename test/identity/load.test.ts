/**
 * Loading a client identity from every format a device may be given (keys made at run time by
 * the openssl CLI), the BAD_CONFIG causes, and signing with each key type, checked by node:crypto.
 */
import { describe, expect, it } from 'vitest';
import { createPublicKey, verify as nodeVerify, constants } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { clientPki, PASSPHRASE, type ClientKeyKind } from '../helpers/client-certs.js';
import { identityFromOptions, loadIdentity, needsAsyncIdentity, prepareIdentity, type IdentityOptions } from '../../src/identity/load.js';
import { ClientIdentity } from '../../src/identity/identity.js';
import { TlsError } from '../../src/errors.js';
import { secureRandom } from '../../src/crypto/random.js';
import { programMissing, skipFor } from '../helpers/env.js';

const skip = skipFor(programMissing('openssl'), 'identity loading (needs the openssl CLI)');
const KINDS: ClientKeyKind[] = ['p256', 'p384', 'p521', 'rsa2048', 'rsapss', 'ed25519', 'ed448'];
const MSG = new TextEncoder().encode('TLS 1.3, client CertificateVerify\0 transcript hash stand-in');

async function badConfig(p: Promise<unknown> | (() => unknown)): Promise<TlsError> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TlsError);
    expect((e as TlsError).code).toBe('BAD_CONFIG');
    return e as TlsError;
  }
  throw new Error('expected BAD_CONFIG');
}

/** node:crypto's verdict on our signature with the certificate's key. */
function nodeVerifies(certPem: string, scheme: string, message: Uint8Array, sig: Uint8Array): boolean {
  const key = createPublicKey(certPem);
  const hash = /sha(256|384|512)/.exec(scheme)?.[0] ?? null;
  if (scheme.startsWith('ecdsa')) return nodeVerify(hash, message, key, sig);
  if (scheme === 'ed25519' || scheme === 'ed448') return nodeVerify(null, message, key, sig);
  if (scheme.startsWith('rsa_pss')) {
    return nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(hash!.slice(3)) / 8 }, sig);
  }
  return nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
}

describe.skipIf(skip)('client identity: formats', () => {
  for (const kind of KINDS) {
    it(`${kind}: PKCS#8 PEM, traditional PEM and DER load synchronously and give the same key`, () => {
      const c = clientPki().cred(kind);
      for (const key of [c.keyPem, c.traditionalPem, c.keyDer, new TextEncoder().encode(c.keyPem)]) {
        const id = identityFromOptions({ cert: c.certPem, key })!;
        expect(id).toBeInstanceOf(ClientIdentity);
        expect(id.subject).toBe(`CN=device-${kind}`);
        expect(id.certificates).toHaveLength(1);
      }
    });

    it(`${kind}: encrypted PKCS#8 (AES-256/SHA-256 and AES-128/SHA-1) and PKCS#12 with the passphrase`, async () => {
      const c = clientPki().cred(kind);
      for (const key of [c.encryptedPem, c.encryptedSha1Pem]) {
        expect(needsAsyncIdentity({ cert: c.certPem, key, passphrase: PASSPHRASE })).toBe(true);
        const id = await loadIdentity({ cert: c.certPem, key, passphrase: PASSPHRASE });
        expect(id.subject).toBe(`CN=device-${kind}`);
      }
      const fromPfx = await loadIdentity({ pfx: c.pfx, passphrase: PASSPHRASE });
      expect(fromPfx.subject).toBe(`CN=device-${kind}`);
      // the CA from -certfile follows the leaf
      expect(fromPfx.certificates).toHaveLength(2);
      expect(fromPfx.issuer).toBe('CN=puretls test client CA');
    });

    it(`${kind}: every scheme it can sign, in both versions, verifies with node:crypto`, () => {
      const c = clientPki().cred(kind);
      const id = identityFromOptions({ cert: c.certPem, key: c.keyPem })!;
      for (const version of ['1.2', '1.3'] as const) {
        const schemes = id.signableSchemes(version);
        expect(schemes.length).toBeGreaterThan(0);
        for (const s of schemes) {
          const raw = id.sign(s, MSG, version, secureRandom) as Uint8Array;
          const sig = id.finishSignature(s, MSG, version, raw);
          expect(nodeVerifies(c.certPem, s.name, MSG, sig), `${kind} ${s.name} ${version}`).toBe(true);
        }
      }
    });
  }

  it('scheme choice: TLS 1.3 never picks rsa_pkcs1; TLS 1.2 may; ECDSA prefers the curve hash; PSS keys only rsa_pss_pss', () => {
    const pki = clientPki();
    const rsa = identityFromOptions({ cert: pki.cred('rsa2048').certPem, key: pki.cred('rsa2048').keyPem })!;
    expect(rsa.chooseScheme([0x0401], '1.3')).toBeUndefined();
    expect(rsa.chooseScheme([0x0401], '1.2')?.name).toBe('rsa_pkcs1_sha256');
    expect(rsa.chooseScheme([0x0401, 0x0804], '1.3')?.name).toBe('rsa_pss_rsae_sha256');
    expect(rsa.chooseScheme([0x0201], '1.2')).toBeUndefined(); // SHA-1 never
    const p384 = identityFromOptions({ cert: pki.cred('p384').certPem, key: pki.cred('p384').keyPem })!;
    expect(p384.chooseScheme([0x0403, 0x0503], '1.2')?.name).toBe('ecdsa_secp384r1_sha384');
    expect(p384.chooseScheme([0x0403], '1.2')?.name).toBe('ecdsa_secp256r1_sha256');
    expect(p384.chooseScheme([0x0403], '1.3')).toBeUndefined();
    const pss = identityFromOptions({ cert: pki.cred('rsapss').certPem, key: pki.cred('rsapss').keyPem })!;
    expect(pss.signableSchemes('1.3').map((s) => s.name)).toEqual(['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512']);
  });

  it('prepareIdentity hands the async adapters options that carry the loaded identity and no key material', async () => {
    const c = clientPki().cred('p256');
    const input: IdentityOptions & { host: string } = { host: 'x', cert: c.certPem, key: c.encryptedPem, passphrase: PASSPHRASE };
    const opts = await prepareIdentity(input);
    expect(opts.identity).toBeInstanceOf(ClientIdentity);
    expect(opts.key).toBeUndefined();
    expect(opts.passphrase).toBeUndefined();
    expect(identityFromOptions(opts)).toBe(opts.identity);
    // the private key is not reachable by enumeration or JSON
    expect(JSON.stringify(opts.identity)).not.toMatch(/"d"|seed|"p"/);
    expect(Object.keys(opts.identity!)).not.toContain('key');
  });
});

describe.skipIf(skip)('client identity: BAD_CONFIG names the cause before any connection', () => {
  it('a wrong passphrase (encrypted PKCS#8, both PRFs; PKCS#12 MAC)', async () => {
    const c = clientPki().cred('p256');
    for (const key of [c.encryptedPem, c.encryptedSha1Pem]) {
      const e = await badConfig(loadIdentity({ cert: c.certPem, key, passphrase: 'wrong' }));
      expect(e.explanation).toMatch(/^`key`: wrong passphrase/);
    }
    const e = await badConfig(loadIdentity({ pfx: c.pfx, passphrase: 'wrong' }));
    expect(e.explanation).toMatch(/^`pfx`: wrong passphrase: the PKCS#12 integrity MAC/);
  });

  it('a key that does not match the certificate', async () => {
    const pki = clientPki();
    const e = await badConfig(() => identityFromOptions({ cert: pki.cred('p256').certPem, key: pki.otherKeyPem('p256') }));
    expect(e.explanation).toMatch(/does not match the certificate's public key \(EC P-256, subject CN=device-p256\)/);
    const e2 = await badConfig(() => identityFromOptions({ cert: pki.cred('rsa2048').certPem, key: pki.cred('p256').keyPem }));
    expect(e2.explanation).toMatch(/private key \(EC P-256\) does not match .*RSA 2048-bit/);
  });

  it('an encrypted key without passphrase, or given to the synchronous path', async () => {
    const c = clientPki().cred('rsa2048');
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem, key: c.encryptedPem }))).explanation).toMatch(/encrypted: give its passphrase/);
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem, key: c.encryptedPem, passphrase: PASSPHRASE }))).explanation).toMatch(/loadIdentity/);
    expect((await badConfig(() => identityFromOptions({ pfx: c.pfx, passphrase: PASSPHRASE }))).explanation).toMatch(/loadIdentity/);
  });

  it('unsupported formats: legacy PEM encryption, legacy PKCS#12 ciphers, not a key, a certificate only', async () => {
    const pki = clientPki();
    const c = pki.cred('rsa2048');
    const legacyPem = execFileSync('openssl', ['rsa', '-in', c.keyFile, '-traditional', '-aes256', '-passout', 'pass:x'], { stdio: 'pipe' }).toString();
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem, key: legacyPem, passphrase: 'x' }))).explanation).toMatch(/legacy PEM encryption .*openssl pkcs8 -topk8/);
    // PBES1 (pbeWithSHA1AndDES-CBC) encrypted PKCS#8
    const pbes1 = execFileSync('openssl', ['pkcs8', '-topk8', '-in', c.keyFile, '-v1', 'PBE-SHA1-3DES', '-passout', 'pass:x'], { stdio: 'pipe' }).toString();
    expect((await badConfig(loadIdentity({ cert: c.certPem, key: pbes1, passphrase: 'x' }))).explanation).toMatch(/legacy pbeWithSHAAnd3-KeyTripleDES-CBC/);
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem, key: 'hello' }))).explanation).toMatch(/no PEM private key block/);
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem, key: c.certPem }))).explanation).toMatch(/no PEM private key block/);
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem, key: new Uint8Array([0x30, 3, 2, 1, 0]) }))).explanation).toMatch(/not a usable private key/);
    expect((await badConfig(() => identityFromOptions({ cert: c.certPem }))).explanation).toMatch(/needs its private key/);
    expect((await badConfig(() => identityFromOptions({ key: c.keyPem }))).explanation).toMatch(/needs its certificate/);
    expect((await badConfig(loadIdentity({ pfx: new Uint8Array([1, 2, 3]), passphrase: 'x' }))).explanation).toMatch(/^`pfx`: /);
  });

  it('a PKCS#12 made with -legacy (RC2/3DES) is refused with a re-export hint', async (ctx) => {
    const c = clientPki().cred('p256');
    const out = join(clientPki().dir, 'legacy.p12');
    try {
      execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-in', c.certFile, '-inkey', c.keyFile, '-passout', 'pass:x', '-out', out], { stdio: 'pipe' });
    } catch {
      // OpenSSL 3 without the legacy provider: 3DES with -keypbe/-certpbe instead.
      execFileSync('openssl', ['pkcs12', '-export', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-in', c.certFile, '-inkey', c.keyFile, '-passout', 'pass:x', '-out', out], { stdio: 'pipe' });
    }
    const { readFileSync } = await import('node:fs');
    const e = await badConfig(loadIdentity({ pfx: new Uint8Array(readFileSync(out)), passphrase: 'x' }));
    expect(e.explanation).toMatch(/legacy .* re-export it with PBES2/);
    void ctx;
  });
});
