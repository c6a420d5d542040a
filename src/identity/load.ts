/**
 * The identity options (`cert`, `key`, `passphrase`, `pfx`, `signer`, `identity`) → one
 * ClientIdentity, checked before any byte is sent: a wrong passphrase, a key that does not match
 * the certificate and an unsupported format are BAD_CONFIG naming the cause.
 *
 * Two paths, because decrypting needs pkijs's ASN.1 classes and pkijs costs ~180 ms to import:
 * - `identityFromOptions` (synchronous, used by the ClientConnection constructor): certificates
 *   plus an unencrypted key (PKCS#8, PKCS#1, SEC1; PEM or DER), or a signer, or an identity that
 *   was loaded before.
 * - `loadIdentity` / `prepareIdentity` (asynchronous): everything, including encrypted PKCS#8 and
 *   PKCS#12; they import ./encrypted.js on demand. The async adapters (`connect`,
 *   `connectStreams`, the CLI) call `prepareIdentity` before building the connection, so there
 *   `key` + `passphrase` and `pfx` just work; a sans-IO user calls `await loadIdentity(opts)` once
 *   and passes `identity` (it can be reused for every connection).
 */
import type { ClientIdentityInfo, ClientOptions } from '../types.js';
import { parsePrivateKey } from '../crypto/private-key.js';
import { TlsError } from '../errors.js';
import { loadCertificates } from '../x509/index.js';
import { ClientIdentity } from './identity.js';
import { badKey, decodeKeyInput } from './key-input.js';

/** The identity options of `ClientOptions` (their meanings are documented there). */
export type IdentityOptions = Pick<ClientOptions, 'cert' | 'key' | 'passphrase' | 'pfx' | 'signer' | 'identity'>;

/** The ClientIdentity behind an `identity` option (checkShape has refused anything else). */
function loaded(identity: ClientIdentityInfo): ClientIdentity {
  if (!(identity instanceof ClientIdentity)) throw badKey('identity', 'expected the result of loadIdentity()');
  return identity;
}

function certificatesOf(options: IdentityOptions): Uint8Array[] {
  try {
    return loadCertificates(options.cert, 'cert');
  } catch (e) {
    if (e instanceof TlsError) throw new TlsError('BAD_CONFIG', e.reason, e.explanation, { cause: e });
    throw e;
  }
}

function checkShape(options: IdentityOptions): void {
  if (options.passphrase !== undefined && typeof options.passphrase !== 'string') throw badKey('passphrase', 'expected a string');
  if (options.pfx !== undefined && !(options.pfx instanceof Uint8Array)) throw badKey('pfx', 'expected the PKCS#12 file as bytes (Uint8Array)');
  const given = [options.pfx !== undefined && 'pfx', options.key !== undefined && 'key', options.signer !== undefined && 'signer', options.identity !== undefined && 'identity'].filter(Boolean);
  if (given.length > 1) throw badKey(given.join(' and '), 'give only one of key, signer, pfx or identity');
  if (options.pfx !== undefined && options.cert !== undefined) throw badKey('cert', 'a pfx carries its own certificates: give pfx or cert, not both');
  if (options.identity !== undefined && !(options.identity instanceof ClientIdentity)) throw badKey('identity', 'expected the result of loadIdentity()');
  if (options.cert !== undefined && options.key === undefined && options.signer === undefined) {
    throw badKey('cert', 'a client certificate needs its private key: add key (or signer, or use pfx)');
  }
  if ((options.key !== undefined || options.signer !== undefined) && options.cert === undefined) {
    throw badKey(options.key !== undefined ? 'key' : 'signer', 'a private key needs its certificate: add cert');
  }
}

/** True when loading the identity needs the asynchronous path (an encrypted key or a pfx). */
export function needsAsyncIdentity(options: IdentityOptions): boolean {
  if (options.identity !== undefined) return false;
  if (options.pfx !== undefined) return true;
  if (options.key === undefined) return false;
  try {
    return decodeKeyInput(options.key).kind === 'encrypted';
  } catch {
    return false; // the synchronous path reports the error
  }
}

/** The identity the options describe, synchronously; undefined when none is configured. */
export function identityFromOptions(options: IdentityOptions): ClientIdentity | undefined {
  checkShape(options);
  if (options.identity !== undefined) return loaded(options.identity);
  if (options.pfx !== undefined) {
    throw badKey('pfx', 'a PKCS#12 file is decrypted asynchronously: use connectAsync()/connectStreams() (they load it), or pass identity: await loadIdentity({ pfx, passphrase })');
  }
  if (options.cert === undefined) return undefined;
  const certs = certificatesOf(options);
  if (options.signer !== undefined) return new ClientIdentity(certs, { signer: options.signer });
  const material = decodeKeyInput(options.key);
  if (material.kind === 'encrypted') {
    if (options.passphrase === undefined) throw badKey('key', 'the private key is encrypted: give its passphrase');
    throw badKey('key', 'an encrypted key is decrypted asynchronously: use connectAsync()/connectStreams() (they load it), or pass identity: await loadIdentity({ cert, key, passphrase })');
  }
  return new ClientIdentity(certs, { key: material.key });
}

function keyFromDer(der: Uint8Array, what: string) {
  try {
    return parsePrivateKey(der);
  } catch (e) {
    throw badKey(what, `the decrypted private key is not usable (${e instanceof TlsError ? e.explanation : e instanceof Error ? e.message : String(e)})`, e);
  }
}

/** Load any identity (also encrypted keys and PKCS#12). Rejects with BAD_CONFIG naming the cause. */
export async function loadIdentity(options: IdentityOptions): Promise<ClientIdentity> {
  checkShape(options);
  if (options.identity !== undefined) return loaded(options.identity);
  if (options.pfx === undefined && options.cert === undefined) throw badKey('cert', 'no identity given (cert + key, cert + signer, or pfx)');
  if (options.pfx !== undefined) {
    if (options.passphrase === undefined) throw badKey('pfx', 'a PKCS#12 file needs its passphrase (an empty string if it has none)');
    const { openPfx } = await import('./encrypted.js');
    const contents = openPfx(options.pfx, options.passphrase);
    if (contents.keys.length !== 1) throw badKey('pfx', `expected exactly one private key in the PKCS#12 file, found ${contents.keys.length}`);
    if (contents.certificates.length === 0) throw badKey('pfx', 'the PKCS#12 file holds no certificate');
    const key = keyFromDer(contents.keys[0]!, 'pfx');
    // The leaf is the certificate of this key; the others follow as the chain.
    for (let i = 0; i < contents.certificates.length; i++) {
      const chain = [contents.certificates[i]!, ...contents.certificates.filter((_, j) => j !== i)];
      try {
        return new ClientIdentity(chain, { key }, 'pfx');
      } catch (e) {
        if (!(e instanceof TlsError) || !e.explanation.includes('does not match') || i === contents.certificates.length - 1) throw e;
      }
    }
  }
  const material = options.key !== undefined ? decodeKeyInput(options.key) : undefined;
  if (material?.kind === 'encrypted') {
    if (options.passphrase === undefined) throw badKey('key', 'the private key is encrypted: give its passphrase');
    const { decryptPkcs8 } = await import('./encrypted.js');
    const der = decryptPkcs8(material.der, options.passphrase, 'key');
    return new ClientIdentity(certificatesOf(options), { key: keyFromDer(der, 'key') });
  }
  return identityFromOptions(options)!;
}

/**
 * For the async adapters: when the options need the asynchronous path, load the identity and
 * return options that carry it (the key material itself is left out of the copy).
 */
export async function prepareIdentity<T extends IdentityOptions>(options: T): Promise<T> {
  if (options === null || typeof options !== 'object' || !needsAsyncIdentity(options)) return options;
  const identity = await loadIdentity(options);
  const { key: _k, pfx: _p, passphrase: _pw, cert: _c, ...rest } = options;
  return { ...rest, identity: identity as ClientIdentityInfo } as T;
}
