/**
 * The node:tls views of a puretls handshake, for TLSSocket (Node only: it uses node:crypto's
 * X509Certificate to print certificates exactly as node:tls does).
 *
 * - `peerCertificate()`: `getPeerCertificate(detailed)`'s object (subject, issuer,
 *   subjectaltname, valid_from/valid_to, fingerprint256, serialNumber, raw, and with `detailed`
 *   the issuerCertificate chain, the root pointing at itself as in node).
 * - `authorizationErrorCode()`: puretls' certificate flags as node's `authorizationError`
 *   codes (OpenSSL's X509_V_ERR names).
 * - `cipherView()`: `getCipher()`'s `{ name (OpenSSL's), standardName (IANA), version }`.
 *
 * The certificate checks themselves are puretls' own (src/x509); nothing here decides trust.
 */
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate as NodePeerCertificate, DetailedPeerCertificate } from 'node:tls';
import type { HandshakeInfo } from '../types.js';

export type PeerCertificate = NodePeerCertificate;
export type { DetailedPeerCertificate };

/** node:tls's object for one certificate: the same code (X509ToObject) behind toLegacyObject(). */
function legacy(x: X509Certificate): DetailedPeerCertificate {
  return x.toLegacyObject() as unknown as DetailedPeerCertificate;
}

/**
 * The leaf, and with `detailed` its issuers: the verified path when there is one (it ends at
 * the trust anchor), else the chain as sent, linked while each certificate issued the previous.
 */
export function peerCertificate(info: HandshakeInfo, detailed: boolean): DetailedPeerCertificate | Record<string, never> {
  const v = info.verify;
  const chain = v.verifiedChain.length > 0 ? v.verifiedChain : v.peerCertificates;
  if (chain.length === 0) return {};
  const xs = chain.map((der) => new X509Certificate(der));
  const objs = xs.map(legacy);
  if (!detailed) return objs[0]!;
  for (let i = 0; i < objs.length; i++) {
    const x = xs[i]!;
    const next = xs[i + 1];
    if (next !== undefined && x.checkIssued(next)) objs[i]!.issuerCertificate = objs[i + 1]!;
    else if (x.checkIssued(x)) objs[i]!.issuerCertificate = objs[i]!; // a root: node links it to itself
    else break;
  }
  return objs[0]!;
}

/** The leaf as node's X509Certificate. */
export function peerX509(info: HandshakeInfo): X509Certificate | undefined {
  const leaf = info.verify.peerCertificates[0];
  return leaf === undefined ? undefined : new X509Certificate(leaf);
}

/** puretls flag → node/OpenSSL verify error code (node's `authorizationError`, err.code in node:tls). */
const NODE_CODES: Record<string, string> = {
  EXPIRED: 'CERT_HAS_EXPIRED',
  FUTURE: 'CERT_NOT_YET_VALID',
  NAME_MISMATCH: 'ERR_TLS_CERT_ALTNAME_INVALID',
  BAD_SIGNATURE: 'CERT_SIGNATURE_FAILURE',
  NOT_CA: 'INVALID_CA',
  PATH_LENGTH: 'PATH_LENGTH_EXCEEDED',
  KEY_USAGE: 'INVALID_PURPOSE',
  EXT_KEY_USAGE: 'INVALID_PURPOSE',
  CHAIN_TOO_LONG: 'CERT_CHAIN_TOO_LONG',
  NAME_CONSTRAINTS: 'PERMITTED_SUBTREE_VIOLATION',
  UNHANDLED_CRITICAL_EXTENSION: 'UNHANDLED_CRITICAL_EXTENSION',
};

/**
 * node's `authorizationError` for a failed verification: the code of the first flag, and for
 * NOT_TRUSTED the case OpenSSL names (a lone self-signed leaf, a self-signed certificate in the
 * chain sent, or an issuer not found). undefined when verification passed.
 */
export function authorizationErrorCode(info: HandshakeInfo): string | undefined {
  const v = info.verify;
  if (v.status === 'ok') return undefined;
  if (v.status === 'skipped') return 'VERIFY_SKIPPED';
  const flag = v.flags[0];
  if (flag === undefined) return 'CERT_VERIFY_FAILED';
  if (flag === 'NOT_TRUSTED') {
    const sent = v.peerCertificates.map((d) => new X509Certificate(d));
    const last = sent[sent.length - 1];
    if (last !== undefined && last.checkIssued(last)) return sent.length === 1 ? 'DEPTH_ZERO_SELF_SIGNED_CERT' : 'SELF_SIGNED_CERT_IN_CHAIN';
    return sent.length === 1 ? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' : 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
  }
  return NODE_CODES[flag] ?? flag;
}

/** OpenSSL's name of a TLS 1.2 suite (node's getCipher().name); TLS 1.3 names are the IANA ones. */
export function opensslCipherName(iana: string): string {
  const m = /^TLS_(ECDHE_ECDSA|ECDHE_RSA|DHE_RSA|RSA)_WITH_(.+)$/.exec(iana);
  if (m === null) return iana;
  const kx = { ECDHE_ECDSA: 'ECDHE-ECDSA-', ECDHE_RSA: 'ECDHE-RSA-', DHE_RSA: 'DHE-RSA-', RSA: '' }[m[1] as 'RSA'];
  const cipher = m[2]!
    .replace(/^AES_(128|256)_GCM_(SHA\d+)$/, 'AES$1-GCM-$2')
    .replace(/^AES_(128|256)_CBC_(SHA\d*)$/, 'AES$1-$2')
    .replace(/^CHACHA20_POLY1305_SHA256$/, 'CHACHA20-POLY1305');
  return kx + cipher;
}

/** The lowest protocol a suite was defined for (OpenSSL's SSL_CIPHER_get_version, node's getCipher().version). */
function cipherVersion(iana: string, protocol: string): string {
  if (protocol === 'TLSv1.3') return 'TLSv1.3';
  if (/_CBC_SHA$/.test(iana)) return iana.startsWith('TLS_ECDHE_') ? 'TLSv1.0' : 'SSLv3';
  return 'TLSv1.2';
}

export function cipherView(info: HandshakeInfo): { name: string; standardName: string; version: string } {
  return { name: opensslCipherName(info.cipher), standardName: info.cipher, version: cipherVersion(info.cipher, info.protocol) };
}
