/**
 * Encrypted private keys (PKCS#8 EncryptedPrivateKeyInfo, RFC 5208 §6 with PBES2, RFC 8018 §6.2)
 * and PKCS#12 files (RFC 7292: `.p12` / `.pfx`, as device provisioning delivers them).
 *
 * The ASN.1 structures are pkijs's (PFX, AuthenticatedSafe, SafeContents, SafeBag,
 * PKCS8ShroudedKeyBag, CertBag, PBES2Params, PBKDF2Params, MacData), parsed with its synchronous
 * `schema` constructors. pkijs's own decryption runs on WebCrypto and is asynchronous; we use
 * none of it: the password-based crypto is src/crypto/pbe.ts on noble, synchronous. What is
 * asynchronous is only loading this module (pkijs costs ~180 ms to import), which is why it is
 * imported on demand by load.ts (`loadIdentity`, and the async adapters before they build the
 * connection) and never by the sans-IO core.
 *
 * Supported: PBES2 = PBKDF2 (HMAC-SHA1/224/256/384/512) + AES-128/192/256-CBC, the PKCS#12 MAC
 * with SHA-1/256/384/512 (RFC 7292 §B), unencrypted and PBES2-encrypted SafeContents. Refused
 * with a hint: the legacy PKCS#12 ciphers (3DES, RC2: `openssl pkcs12 -legacy`) and PBMAC1.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { aesCbcDecryptPadded, bmpPassword, pbkdf2, pkcs12MacMatches, PbeError } from '../crypto/pbe.js';
import type { HashName } from '../crypto/hash.js';
import { utf8 } from '../wire/bytes.js';
import { badKey } from './key-input.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  pbmac1: '1.2.840.113549.1.5.14',
} as const;

/** RFC 8018 §B.1.1-B.1.2: PBKDF2 PRFs (default hmacWithSHA1). */
const PRF: Record<string, HashName> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
/** RFC 8018 §B.2.5 / NIST: AES-CBC-Pad key lengths. */
const AES_CBC: Record<string, number> = {
  '2.16.840.1.101.3.4.1.2': 16,
  '2.16.840.1.101.3.4.1.22': 24,
  '2.16.840.1.101.3.4.1.42': 32,
};
/** Digest OIDs for the PFX MAC. */
const DIGEST: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** RFC 7292 Appendix C: the legacy PKCS#12 PBE schemes, named in the refusal. */
const LEGACY_PBE: Record<string, string> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbewithSHAAnd40BitRC2-CBC',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
};

class WrongPassphrase extends Error {}

function ber(bytes: Uint8Array, what: string): asn1js.AsnType {
  const asn = asn1js.fromBER(bytes);
  if (asn.offset === -1 || asn.offset !== bytes.length) throw badKey(what, 'not valid DER/BER');
  return asn.result;
}

/** The bytes of an OCTET STRING, primitive or (BER) constructed. */
function octets(os: unknown): Uint8Array {
  const vb = (os as { valueBlock?: { isConstructed?: boolean; valueHexView?: Uint8Array; value?: unknown[] } } | undefined)?.valueBlock;
  if (!vb) throw new Error('expected an OCTET STRING');
  if (!vb.isConstructed) return vb.valueHexView ?? new Uint8Array(0);
  const parts = (vb.value ?? []).map(octets);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function structure<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof Error && e.name === 'TlsError') throw e;
    throw badKey(what, `malformed structure (${e instanceof Error ? e.message : String(e)})`, e);
  }
}

/** RFC 8018 §6.2.2 PBES2 decryption of `data` with the scheme in `alg`. */
function pbes2Decrypt(alg: pkijs.AlgorithmIdentifier, data: Uint8Array, password: Uint8Array, what: string): Uint8Array {
  const oid = alg.algorithmId;
  if (LEGACY_PBE[oid]) {
    throw badKey(
      what,
      `encrypted with the legacy ${LEGACY_PBE[oid]} scheme, which puretls does not support; re-export it with PBES2/AES (OpenSSL 3 defaults): openssl pkcs12 -export ... (without -legacy), or openssl pkcs8 -topk8 -v2 aes-256-cbc`,
    );
  }
  if (oid !== OID.pbes2) throw badKey(what, `unsupported encryption scheme ${oid} (supported: PBES2 with PBKDF2 and AES-CBC)`);
  const params = structure(what, () => new pkijs.PBES2Params({ schema: alg.algorithmParams }));
  if (params.keyDerivationFunc.algorithmId !== OID.pbkdf2) {
    throw badKey(what, `unsupported PBES2 key derivation ${params.keyDerivationFunc.algorithmId} (supported: PBKDF2)`);
  }
  const kdf = structure(what, () => new pkijs.PBKDF2Params({ schema: params.keyDerivationFunc.algorithmParams }));
  const prfOid = kdf.prf?.algorithmId ?? '1.2.840.113549.2.7';
  const prf = PRF[prfOid];
  if (!prf) throw badKey(what, `unsupported PBKDF2 PRF ${prfOid} (supported: HMAC-SHA1/256/384/512)`);
  const keyLen = AES_CBC[params.encryptionScheme.algorithmId];
  if (!keyLen) throw badKey(what, `unsupported PBES2 cipher ${params.encryptionScheme.algorithmId} (supported: AES-128/192/256-CBC)`);
  if (kdf.keyLength !== undefined && kdf.keyLength !== keyLen) throw badKey(what, 'PBKDF2 keyLength does not fit the cipher');
  if (!(kdf.salt instanceof asn1js.OctetString)) throw badKey(what, 'PBKDF2 salt must be specified (RFC 8018 §A.2)');
  const ivParam = params.encryptionScheme.algorithmParams;
  if (!(ivParam instanceof asn1js.OctetString)) throw badKey(what, 'AES-CBC parameters must be the IV');
  try {
    const key = pbkdf2(prf, password, octets(kdf.salt), kdf.iterationCount, keyLen);
    return aesCbcDecryptPadded(key, octets(ivParam), data);
  } catch (e) {
    if (e instanceof PbeError && e.reason === 'padding') throw new WrongPassphrase();
    if (e instanceof PbeError && e.reason === 'iterations') throw badKey(what, 'PBKDF2 iteration count out of range (1..10,000,000)');
    throw badKey(what, `decryption failed (${e instanceof Error ? e.message : String(e)})`, e);
  }
}

function wrongPassphrase(what: string): never {
  throw badKey(what, 'wrong passphrase: the key could not be decrypted with the given passphrase');
}

/**
 * RFC 5208 §6 EncryptedPrivateKeyInfo → PrivateKeyInfo DER. A wrong passphrase is BAD_CONFIG
 * "wrong passphrase" (the padding check; a decryption that passes it by chance, 1 in 256, fails
 * the DER check that follows).
 */
export function decryptPkcs8(der: Uint8Array, passphrase: string, what = 'key'): Uint8Array {
  const info = structure(what, () => new pkijs.PKCS8ShroudedKeyBag({ schema: ber(der, what) }));
  try {
    const plain = pbes2Decrypt(info.encryptionAlgorithm, octets(info.encryptedData), utf8(passphrase), what);
    const asn = asn1js.fromBER(plain);
    if (asn.offset !== plain.length || !(asn.result instanceof asn1js.Sequence)) wrongPassphrase(what);
    return plain;
  } catch (e) {
    if (e instanceof WrongPassphrase) wrongPassphrase(what);
    throw e;
  }
}

export interface PfxContents {
  certificates: Uint8Array[];
  /** PrivateKeyInfo DER, decrypted. */
  keys: Uint8Array[];
}

/** RFC 7292: a PFX (password integrity mode) → its certificates and private keys. */
export function openPfx(der: Uint8Array, passphrase: string, what = 'pfx'): PfxContents {
  const pfx = structure(what, () => new pkijs.PFX({ schema: ber(der, what) }));
  if (pfx.version !== 3) throw badKey(what, `PFX version ${pfx.version} (expected 3)`);
  // RFC 7292 §4: password integrity mode uses id-data; public-key mode (id-signedData) is not supported.
  if (pfx.authSafe.contentType !== OID.data) throw badKey(what, 'only password-integrity PKCS#12 files are supported (authSafe must be id-data)');
  const authSafeBytes = structure(what, () => octets(pfx.authSafe.content));
  const mac = pfx.macData;
  if (mac) {
    const alg = mac.mac.digestAlgorithm.algorithmId;
    if (alg === OID.pbmac1) throw badKey(what, 'PBMAC1 integrity (openssl -pbmac1_pbkdf2) is not supported; export without it');
    const h = DIGEST[alg];
    if (!h) throw badKey(what, `unsupported PKCS#12 MAC digest ${alg}`);
    // RFC 7292 §B.4: the MAC key comes from the PKCS#12 KDF (ID 3) over the BMPString password.
    let ok: boolean;
    try {
      ok = pkcs12MacMatches(h, bmpPassword(passphrase), octets(mac.macSalt), mac.iterations ?? 1, authSafeBytes, octets(mac.mac.digest));
    } catch (e) {
      throw badKey(what, `the MAC could not be checked (${e instanceof PbeError ? e.reason : String(e)})`, e);
    }
    if (!ok) throw badKey(what, 'wrong passphrase: the PKCS#12 integrity MAC does not verify with the given passphrase');
  }
  const password = utf8(passphrase);
  const out: PfxContents = { certificates: [], keys: [] };
  const authSafe = structure(what, () => new pkijs.AuthenticatedSafe({ schema: ber(authSafeBytes, what) }));
  try {
    for (const ci of authSafe.safeContents) {
      let contents: Uint8Array;
      if (ci.contentType === OID.data) {
        contents = octets(ci.content);
      } else if (ci.contentType === OID.encryptedData) {
        const ed = structure(what, () => new pkijs.EncryptedData({ schema: ci.content }));
        const eci = ed.encryptedContentInfo;
        if (!eci.encryptedContent) throw badKey(what, 'EncryptedData without content');
        contents = pbes2Decrypt(eci.contentEncryptionAlgorithm, octets(eci.encryptedContent), password, what);
      } else {
        throw badKey(what, `unsupported SafeContents type ${ci.contentType}`);
      }
      const safe = structure(what, () => new pkijs.SafeContents({ schema: ber(contents, what) }));
      for (const bag of safe.safeBags) {
        if (bag.bagId === OID.keyBag) {
          out.keys.push(new Uint8Array((bag.bagValue as pkijs.PrivateKeyInfo).toSchema().toBER(false)));
        } else if (bag.bagId === OID.shroudedKeyBag) {
          const sk = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          out.keys.push(pbes2Decrypt(sk.encryptionAlgorithm, octets(sk.encryptedData), password, what));
        } else if (bag.bagId === OID.certBag) {
          const cb = bag.bagValue as pkijs.CertBag;
          if (cb.certId !== OID.x509Certificate) continue; // SDSI certificates: not ours
          // RFC 7292 §4.2.3: certValue is an OCTET STRING holding the certificate's DER (kept as is).
          const v = cb.certValue as { valueBlock?: unknown; toSchema?: () => asn1js.AsnType };
          out.certificates.push(v.valueBlock !== undefined ? octets(v).slice() : new Uint8Array(v.toSchema!().toBER(false)));
        }
        // CRL bags, secret bags, nested SafeContents: not needed for a client identity.
      }
    }
  } catch (e) {
    // Without a MAC, a wrong passphrase is found by the padding check.
    if (e instanceof WrongPassphrase) wrongPassphrase(what);
    throw e;
  }
  return out;
}
