/**
 * A client identity (RFC 8446 §4.4.2 / RFC 5246 §7.4.6): the certificate chain to send, and the
 * means to sign with the leaf's key: a private key held here, or a `signer` callback for a key
 * that never enters JavaScript (a secure element behind a serial link, a TPM or HSM, a
 * non-extractable WebCrypto key). The private key lives in a private field: it is not
 * enumerable, not serialisable, and no method hands it out.
 *
 * Every signature is checked before it leaves: RSA signs with the CRT, blinding and a check of
 * the result against the public key (src/crypto/rsa.ts, so a faulted CRT computation cannot leak
 * a factor); ECDSA/EdDSA signatures and everything a signer returns are verified with the
 * certificate's public key, so a faulty signer (or a signer holding another key) is reported as
 * such instead of failing somewhere in the server.
 */
import { hash } from '../crypto/hash.js';
import { publicKeyOf, type PrivateKey } from '../crypto/private-key.js';
import { ecdsaSignatureToDer, signMessage, verifySignature } from '../crypto/signature.js';
import { withOptions } from '../handshake/crypto-errors.js';
import { SIGNATURE_SCHEMES, schemeAlgorithm, schemeByName, schemeMatchesKey, type SignatureScheme } from '../crypto/sigschemes.js';
import type { PublicKey } from '../crypto/types.js';
import { TlsError } from '../errors.js';
import type { ClientIdentityInfo, ClientSigner, RandomSource, SignRequest, TlsVersionName } from '../types.js';
import { equalBytesCT } from '../wire/bytes.js';
import { parseCertificate, type Certificate } from '../x509/index.js';

export type { ClientSigner, SignRequest };

function badIdentity(what: string, why: string, cause?: unknown): TlsError {
  return new TlsError('BAD_CONFIG', 'bad_identity', `\`${what}\`: ${why}`, cause !== undefined ? { cause } : {});
}

function samePublicKey(a: PublicKey, b: PublicKey): boolean {
  switch (a.kind) {
    case 'ec':
      return b.kind === 'ec' && a.curve === b.curve && equalBytesCT(a.point, b.point);
    case 'ed25519':
    case 'ed448':
      return b.kind === a.kind && equalBytesCT(a.raw, b.raw);
    case 'rsa':
      return b.kind === 'rsa' && a.n === b.n && a.e === b.e;
    default:
      return false;
  }
}

function describeKey(k: PublicKey): string {
  if (k.kind === 'ec') return `EC ${k.curve}`;
  if (k.kind === 'rsa') return `RSA ${k.bits}-bit${k.pss ? ' (RSASSA-PSS)' : ''}`;
  return k.kind === 'unsupported' ? `unsupported (${k.algorithm})` : k.kind === 'ed25519' ? 'Ed25519' : 'Ed448';
}

export class ClientIdentity implements ClientIdentityInfo {
  /** DER, leaf first. */
  readonly certificates: readonly Uint8Array[];
  readonly publicKey: PublicKey;
  readonly subject: string;
  readonly issuer: string;
  /** DER of the issuer Names along the chain (to answer certificate_authorities / CA names). */
  readonly issuerNames: readonly Uint8Array[];
  readonly keyDescription: string;
  readonly #key: PrivateKey | undefined;
  readonly #signer: ClientSigner | undefined;
  readonly #signerSchemes: ReadonlySet<string> | undefined;

  constructor(certificates: readonly Uint8Array[], secret: { key: PrivateKey } | { signer: ClientSigner }, what = 'cert') {
    if (certificates.length === 0) throw badIdentity(what, 'no certificate given (the leaf certificate comes first)');
    const parsed: Certificate[] = certificates.map((der, i) => {
      try {
        return parseCertificate(der);
      } catch (e) {
        throw badIdentity(`${what}[${i}]`, `not a parseable X.509 certificate (${e instanceof Error ? e.message : String(e)})`, e);
      }
    });
    const leaf = parsed[0]!;
    if (leaf.publicKey.kind === 'unsupported') throw badIdentity(what, `the certificate's key type is not supported (${leaf.publicKey.algorithm})`);
    this.certificates = Object.freeze(certificates.map((c) => c.slice()));
    this.publicKey = leaf.publicKey;
    this.subject = leaf.subject;
    this.issuer = leaf.issuer;
    this.issuerNames = Object.freeze(parsed.map((c) => c.issuerName.der));
    this.keyDescription = describeKey(leaf.publicKey);
    if ('key' in secret) {
      const pub = publicKeyOf(secret.key);
      if (!samePublicKey(pub, leaf.publicKey)) {
        throw badIdentity(
          'key',
          `the private key (${describeKey(pub)}) does not match the certificate's public key (${this.keyDescription}, subject ${leaf.subject}); check that cert and key belong together`,
        );
      }
      this.#key = secret.key;
      this.#signer = undefined;
      this.#signerSchemes = undefined;
    } else {
      const s = secret.signer;
      if (s === null || typeof s !== 'object' || typeof s.sign !== 'function') throw badIdentity('signer', 'expected an object with a sign(request) method');
      let names: Set<string> | undefined;
      if (s.schemes !== undefined) {
        if (!Array.isArray(s.schemes) || s.schemes.length === 0) throw badIdentity('signer.schemes', 'expected a non-empty list of scheme names');
        names = new Set();
        for (const n of s.schemes) {
          const sc = typeof n === 'string' ? schemeByName(n) : undefined;
          if (!sc) throw badIdentity('signer.schemes', `unknown signature scheme ${JSON.stringify(n)}`);
          if (!schemeMatchesKey(sc, leaf.publicKey, '1.2')) throw badIdentity('signer.schemes', `${sc.name} cannot be made with the certificate's ${this.keyDescription} key`);
          names.add(sc.name);
        }
      }
      this.#key = undefined;
      this.#signer = s;
      this.#signerSchemes = names;
    }
  }

  /** Whether the signature comes from a callback (possibly asynchronous). */
  get usesSigner(): boolean {
    return this.#signer !== undefined;
  }

  /**
   * The schemes this identity can sign a handshake with in `version`, in preference order
   * (RFC 8446 §4.2.3: rsa_pkcs1 is not for TLS 1.3 CertificateVerify; TLS 1.3 ECDSA schemes name
   * the key's curve; SHA-1 schemes are never chosen). In TLS 1.2, ECDSA prefers the hash that
   * matches the key's curve.
   */
  signableSchemes(version: TlsVersionName): SignatureScheme[] {
    const key = this.publicKey;
    const out = SIGNATURE_SCHEMES.filter((s) => {
      if ('hash' in s.alg && s.alg.hash === 'sha1') return false;
      if (version === '1.3' && (!s.tls13 || s.certOnly)) return false;
      return schemeMatchesKey(s, key, version) && (this.#signerSchemes === undefined || this.#signerSchemes.has(s.name));
    });
    if (key.kind === 'ec') out.sort((a, b) => Number(b.curve === key.curve) - Number(a.curve === key.curve));
    return out;
  }

  /** The first scheme (our preference) that the server also accepts, or undefined. */
  chooseScheme(offered: readonly number[], version: TlsVersionName): SignatureScheme | undefined {
    return this.signableSchemes(version).find((s) => offered.includes(s.code));
  }

  /**
   * Sign `message` with `scheme`. Synchronous for a key held here; a signer may answer with a
   * Promise. Use `finishSignature` on the result before sending it.
   */
  sign(scheme: SignatureScheme, message: Uint8Array, version: TlsVersionName, random: RandomSource): Uint8Array | PromiseLike<Uint8Array> {
    const alg = schemeAlgorithm(scheme, version);
    if (this.#key) {
      const key = this.#key;
      return withOptions(() => signMessage(alg, key, message, random));
    }
    const h = alg.kind === 'ecdsa' || alg.kind === 'rsa-pkcs1' || alg.kind === 'rsa-pss' ? alg.hash : undefined;
    const req: SignRequest = { scheme: scheme.name, message: message.slice(), version, ...(h ? { hash: h, digest: hash(h, message) } : {}) };
    return this.#signer!.sign(req);
  }

  /**
   * Check a signature before it is sent: converts a signer's r || s ECDSA output to DER and
   * verifies it with the certificate's key. Throws BAD_CONFIG naming the signer or the key.
   */
  finishSignature(scheme: SignatureScheme, message: Uint8Array, version: TlsVersionName, signature: unknown): Uint8Array {
    const who = this.#signer ? 'signer' : 'key';
    if (!(signature instanceof Uint8Array)) throw badIdentity(who, `sign() returned ${signature === null ? 'null' : typeof signature}, expected a Uint8Array`);
    let sig = signature;
    if (this.publicKey.kind === 'ec') {
      const der = ecdsaSignatureToDer(this.publicKey.curve, sig);
      if (!der) throw badIdentity(who, `the ${scheme.name} signature is neither DER nor r || s`);
      sig = der;
    }
    if (this.#key && this.publicKey.kind === 'rsa') return sig; // rsa.ts checked it (CRT fault check)
    if (!verifySignature(schemeAlgorithm(scheme, version), this.publicKey, message, sig)) {
      throw badIdentity(
        who,
        `the ${scheme.name} signature does not verify with the certificate's public key (${this.keyDescription}): ${this.#signer ? 'the signer uses another key than the certificate, or it is faulty' : 'a fault in the signing computation'}; nothing was sent`,
      );
    }
    return sig;
  }

}
