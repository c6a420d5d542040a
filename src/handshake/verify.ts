/**
 * The two checks that authenticate the server, and the proof values they mint
 * (style-anchors example 3; rustls `verify.rs` HandshakeSignatureValid / FinishedMessageVerified).
 * Later states require these branded values in their constructors, so a state machine that
 * forgot a check does not compile: the SKIP/"goto fail" class of bugs is ruled out by types.
 *
 * - `verifyServerCertificates`: the chain against the trust anchors and the server name
 *   (src/x509), under the verify mode none / optional / required.
 * - `verifyHandshakeSignature`: CertificateVerify (RFC 8446 §4.4.3) / ServerKeyExchange
 *   (RFC 5246 §7.4.3) with the leaf's key and the scheme the server chose.
 * - `verifyFinished`: constant-time comparison of Finished values (RFC 8446 §4.4.4).
 */
import type { ResolvedConfig } from '../config.js';
import { verifySignature } from '../crypto/signature.js';
import { schemeAlgorithm, schemeByCode, schemeMatchesKey, type SignatureScheme } from '../crypto/sigschemes.js';
import type { PublicKey } from '../crypto/types.js';
import { TlsError } from '../errors.js';
import type { OcspInfo, VerifyReport } from '../types.js';
import { equalBytesCT } from '../wire/bytes.js';
import { parseCertificate, verifyChain, type Certificate } from '../x509/index.js';

declare const chainBrand: unique symbol;
declare const sigBrand: unique symbol;
declare const finBrand: unique symbol;
/** Minted only by verifyServerCertificates. */
export type ChainVerified = VerifyReport & { readonly [chainBrand]: true; readonly leafKey: PublicKey; readonly ocsp?: OcspInfo };
/** Minted only by verifyHandshakeSignature. */
export type SignatureVerified = { readonly [sigBrand]: true; readonly scheme: SignatureScheme };
/** Minted only by verifyFinished. */
export type FinishedVerified = { readonly [finBrand]: true };

/**
 * Validate the server's chain. Mode 'none' only parses the leaf (its key is still needed);
 * 'optional' reports failures and goes on; 'required' aborts with CERT_VERIFY_FAILED and the
 * alert that best names the failure.
 */
export function verifyServerCertificates(
  config: ResolvedConfig,
  chainDer: Uint8Array[],
  now: Date,
  /** The leaf's keyUsage the key exchange needs, when it has the extension (RFC 5246 §7.4.2; TLS 1.3: digitalSignature). */
  keyUsage?: 'digitalSignature' | 'keyEncipherment',
): ChainVerified {
  if (chainDer.length === 0) {
    // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
    throw new TlsError('DECODE_ERROR', 'the server sent an empty certificate chain', { alert: 'decode_error' });
  }
  let leaf: Certificate;
  try {
    leaf = parseCertificate(chainDer[0]!);
  } catch (e) {
    if (e instanceof TlsError) throw e;
    throw new TlsError('BAD_CERTIFICATE', 'the server certificate cannot be parsed', { alert: 'bad_certificate', cause: e });
  }
  const leafKey = leaf.publicKey;
  if (leafKey.kind === 'unsupported') {
    throw new TlsError('UNSUPPORTED_CERTIFICATE', `the server certificate has an unsupported key type (${leafKey.algorithm})`, {
      alert: 'unsupported_certificate',
    });
  }
  const mode = config.verify;
  // RFC 8446 §4.4.2.2 / RFC 5246 §7.4.2: the leaf's key must be allowed for its use here (signing
  // the handshake, or RSA key encipherment). A protocol constraint, not a trust decision: it holds
  // under verify 'none' and 'optional' too (only `ignore: ['KEY_USAGE']` lifts it). Under
  // 'required' the chain validator reports it with the other flags.
  if (mode !== 'required' && keyUsage && leaf.keyUsage && !leaf.keyUsage.has(keyUsage) && !config.options.ignore?.includes('KEY_USAGE')) {
    throw new TlsError('BAD_CERTIFICATE', `the server certificate's keyUsage does not allow ${keyUsage}, which ${keyUsage === 'keyEncipherment' ? 'RSA key exchange' : 'the handshake signature'} needs`, {
      alert: 'bad_certificate',
    });
  }
  if (mode === 'none') {
    return { status: 'skipped', flags: [], certificates: [], peerCertificates: chainDer, verifiedChain: [], leafKey } as unknown as ChainVerified;
  }
  const o = config.options;
  const result = verifyChain(chainDer, {
    trustAnchors: config.trustAnchors as Uint8Array[],
    intermediates: config.intermediates as Uint8Array[],
    name: config.verifyName,
    now,
    eku: 'serverAuth',
    allowCnFallback: o.allowCnFallback ?? false,
    verifyCallback: o.verifyCallback,
    ignore: o.ignore,
    ...(keyUsage ? { keyUsage } : {}),
  });
  // The report outlives the handshake (conn.info): it gets its own copies of the peer's
  // certificates, so x509's parse cache (a WeakMap keyed by these bytes) lets the parsed
  // certificates go once the handshake is done — about 19 KiB per idle connection otherwise.
  const copies = new Map(chainDer.map((d) => [d, d.slice()]));
  const report: VerifyReport = {
    status: result.ok ? 'ok' : 'failed',
    flags: result.flags,
    certificates: result.certificates,
    peerCertificates: chainDer.map((d) => copies.get(d)!),
    verifiedChain: result.chain.map((c) => copies.get(c.der) ?? c.der),
  };
  if (!result.ok && mode === 'required') {
    const where = result.certificates
      .filter((c) => c.flags.length > 0)
      .map((c) => `depth ${c.depth} (${c.subject}): ${c.flags.join(',')}`)
      .join('; ');
    throw new TlsError('CERT_VERIFY_FAILED', `certificate verification failed: ${result.flags.join(',')}${where ? ` [${where}]` : ''}${flagHint(result.flags, config)}`, {
      alert: alertForFlags(result.flags),
      detail: { flags: result.flags, certificates: result.certificates },
    });
  }
  return { ...report, leafKey } as unknown as ChainVerified;
}

function alertForFlags(flags: string[]): 'bad_certificate' | 'certificate_expired' | 'unknown_ca' | 'unsupported_certificate' | 'certificate_unknown' {
  // RFC 8446 §6.2 / RFC 5246 §7.2.2: the most specific alert for the first reason.
  if (flags.includes('NOT_TRUSTED')) return 'unknown_ca';
  if (flags.includes('EXPIRED') || flags.includes('FUTURE')) return 'certificate_expired';
  if (flags.includes('BAD_ALGORITHM') || flags.includes('BAD_KEY')) return 'unsupported_certificate';
  if (flags.includes('NAME_MISMATCH')) return 'certificate_unknown';
  return 'bad_certificate';
}

function flagHint(flags: string[], config: ResolvedConfig): string {
  if (flags.includes('NAME_MISMATCH') && config.verifyName?.kind === 'ip') {
    return ` (connecting by IP address ${config.verifyName.value}: the certificate needs an iPAddress SAN for it, or set \`servername\` to a DNS name it holds)`;
  }
  if (flags.includes('NAME_MISMATCH')) return ` (the certificate is not valid for ${config.verifyName?.value ?? 'the requested name'})`;
  if (flags.includes('NOT_TRUSTED')) return ' (the chain does not lead to a configured CA: add the issuing CA to `ca`)';
  if (flags.includes('EXPIRED')) return ' (a certificate has expired, or the local clock is wrong)';
  if (flags.includes('FUTURE')) return ' (a certificate is not yet valid, or the local clock is wrong)';
  return '';
}

/** The public report of a chain check (for HandshakeInfo.verify). */
export function verifyReport(chain: ChainVerified): VerifyReport {
  return {
    status: chain.status,
    flags: chain.flags,
    certificates: chain.certificates,
    peerCertificates: chain.peerCertificates,
    verifiedChain: chain.verifiedChain,
  };
}

/** RFC 8446 §4.4.3: the content covered by a server CertificateVerify signature. */
export function certificateVerifyContent13(transcriptHash: Uint8Array): Uint8Array {
  const context = 'TLS 1.3, server CertificateVerify';
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  for (let i = 0; i < context.length; i++) out[64 + i] = context.charCodeAt(i);
  out[64 + context.length] = 0;
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

/**
 * Verify a handshake signature (TLS 1.3 CertificateVerify or TLS 1.2 ServerKeyExchange).
 * The scheme must be one we offered, allowed in this version, and fit the leaf's key.
 */
export function verifyHandshakeSignature(
  config: ResolvedConfig,
  version: '1.2' | '1.3',
  chain: ChainVerified,
  schemeCode: number,
  content: Uint8Array,
  signature: Uint8Array,
): SignatureVerified {
  const scheme = schemeByCode(schemeCode);
  const offered = config.sigSchemes.some((s) => s.code === schemeCode);
  // RFC 8446 §4.4.3: the scheme MUST be one offered in signature_algorithms.
  if (!scheme || !offered || (version === '1.3' && !scheme.tls13)) {
    throw new TlsError('ILLEGAL_PARAMETER', `the server signed with a signature scheme we did not offer (0x${schemeCode.toString(16).padStart(4, '0')}${scheme ? ` ${scheme.name}` : ''})`, {
      alert: 'illegal_parameter',
    });
  }
  if (!schemeMatchesKey(scheme, chain.leafKey, version)) {
    throw new TlsError('ILLEGAL_PARAMETER', `signature scheme ${scheme.name} does not fit the certificate's ${chain.leafKey.kind} key`, {
      alert: 'illegal_parameter',
    });
  }
  const ok = verifySignature(schemeAlgorithm(scheme, version), chain.leafKey, content, signature);
  if (!ok) {
    throw new TlsError('BAD_SIGNATURE', `the server's ${version === '1.3' ? 'CertificateVerify' : 'ServerKeyExchange'} signature (${scheme.name}) does not verify with its certificate key`, {
      alert: 'decrypt_error',
    });
  }
  return { scheme } as unknown as SignatureVerified;
}

/** RFC 8446 §4.4.4 / RFC 5246 §7.4.9: compare Finished in constant time. */
export function verifyFinished(expected: Uint8Array, received: Uint8Array): FinishedVerified {
  if (!equalBytesCT(expected, received)) {
    throw new TlsError('BAD_FINISHED', "the server's Finished does not match the handshake (tampering, or a key mismatch)", {
      alert: 'decrypt_error',
    });
  }
  return {} as FinishedVerified;
}
