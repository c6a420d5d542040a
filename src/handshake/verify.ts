/**
 * The checks that authenticate the server, and the proof values they mint (style-anchors
 * example 3; rustls `verify.rs` HandshakeSignatureValid / FinishedMessageVerified). Later states
 * and `HandshakeContext.complete` require these values, so a state machine that forgot a check
 * does not compile: the SKIP/"goto fail" class of bugs is ruled out by types
 * (test/types/forbidden-shapes.typecheck.ts shows each forbidden shape).
 *
 * - `verifyServerCertificates` → `CertificateDecision`: a `ChainVerified` when the chain verified
 *   against the trust anchors and the server name (src/x509), a `ChainAccepted` when the
 *   configuration lets an unverified chain through (`verify: 'none'`, a failed `'optional'`).
 * - `verifyHandshakeSignature` → `SignatureVerified`: CertificateVerify (RFC 8446 §4.4.3) /
 *   ServerKeyExchange (RFC 5246 §7.4.3) with the leaf's key and the scheme the server chose.
 * - `keyTransportedTo` → `KeyTransported`: TLS 1.2 RSA key exchange (the Finished confirms it).
 * - `pskAccepted` → `PskAccepted`: the server accepted our external PSK (no certificate; its Finished proves the key).
 * - `verifyFinished` → `FinishedVerified`: constant-time comparison (RFC 8446 §4.4.4).
 * - `handshakeVerified(finished, decision, keyProof)` → `HandshakeVerified`, the only way into
 *   the traffic states and `complete()`.
 *
 * Each proof class demands a module-private mint in its constructor: one place, one function.
 */
import type { ResolvedConfig } from '../config.js';
import { verifySignature } from '../crypto/signature.js';
import { schemeAlgorithm, schemeByCode, schemeMatchesKey, type SignatureScheme } from '../crypto/sigschemes.js';
import type { PublicKey } from '../crypto/types.js';
import { internalError, peerError, TlsError } from '../errors.js';
import type { OcspInfo, VerifyReport } from '../types.js';
import { equalBytesCT } from '../wire/bytes.js';
import { parseCertificate, verifyChain, type Certificate } from '../x509/index.js';

/**
 * The module-private key every proof constructor demands. It is not exported, so no other module
 * can build a proof; each proof class is built in exactly one function below (the check that
 * earns it). The classes carry an ES private field, so a look-alike object is not a proof either.
 */
const MINT: unique symbol = Symbol('puretls.proof');
type Mint = typeof MINT;
function checkMint(m: Mint): void {
  if (m !== MINT) throw internalError('proof_forged', 'a handshake proof was built outside handshake/verify.ts');
}

interface ChainFacts extends VerifyReport {
  /** The leaf's public key (every later check uses it). */
  readonly leafKey: PublicKey;
  /** The stapled OCSP response's verdict, when one was checked. */
  readonly ocsp?: OcspInfo;
}

/**
 * The certificate decision when the chain verified (status 'ok'). Minted only by
 * `verifyServerCertificates`.
 */
export class ChainVerified {
  readonly #proof = 'chain verified';
  readonly status = 'ok' as const;
  readonly flags: string[];
  readonly certificates: VerifyReport['certificates'];
  readonly peerCertificates: Uint8Array[];
  readonly verifiedChain: Uint8Array[];
  readonly leafKey: PublicKey;
  readonly ocsp: OcspInfo | undefined;
  constructor(mint: Mint, facts: ChainFacts) {
    checkMint(mint);
    ({ flags: this.flags, certificates: this.certificates, peerCertificates: this.peerCertificates, verifiedChain: this.verifiedChain, leafKey: this.leafKey, ocsp: this.ocsp } = facts);
  }
  get proof(): string {
    return this.#proof;
  }
}

/**
 * The certificate decision when the configuration accepts a chain it did not verify:
 * `verify: 'none'` (status 'skipped') or a failed `verify: 'optional'` check (status 'failed').
 * Never a `ChainVerified`. Minted only by `verifyServerCertificates`.
 */
export class ChainAccepted {
  readonly #proof = 'chain accepted';
  readonly status: 'skipped' | 'failed';
  readonly flags: string[];
  readonly certificates: VerifyReport['certificates'];
  readonly peerCertificates: Uint8Array[];
  readonly verifiedChain: Uint8Array[];
  readonly leafKey: PublicKey;
  readonly ocsp: OcspInfo | undefined;
  constructor(mint: Mint, facts: ChainFacts & { status: 'skipped' | 'failed' }) {
    checkMint(mint);
    ({ status: this.status, flags: this.flags, certificates: this.certificates, peerCertificates: this.peerCertificates, verifiedChain: this.verifiedChain, leafKey: this.leafKey, ocsp: this.ocsp } = facts);
  }
  get proof(): string {
    return this.#proof;
  }
}

/** What the client decided about the server's certificate chain. */
export type CertificateDecision = ChainVerified | ChainAccepted;

/** The same decision, with the stapled OCSP response's verdict (handshake/revocation.ts). */
export function withOcsp(chain: CertificateDecision, ocsp: OcspInfo): CertificateDecision {
  return chain instanceof ChainVerified ? new ChainVerified(MINT, { ...chain, ocsp }) : new ChainAccepted(MINT, { ...chain, status: chain.status, ocsp });
}

/** The server's handshake signature verified with the leaf key. Minted only by `verifyHandshakeSignature`. */
export class SignatureVerified {
  readonly #proof = 'signature verified';
  constructor(
    mint: Mint,
    readonly scheme: SignatureScheme,
  ) {
    checkMint(mint);
  }
  get proof(): string {
    return this.#proof;
  }
}

/**
 * TLS 1.2 RSA key exchange (RFC 5246 §7.4.7.1): no signature; the premaster secret went to the
 * certificate's key, so only its holder can produce the Finished that completes the handshake.
 * Minted only by `keyTransportedTo`.
 */
export class KeyTransported {
  readonly #proof = 'key transported';
  constructor(mint: Mint) {
    checkMint(mint);
  }
  get proof(): string {
    return this.#proof;
  }
}

/** The server's Finished matched our transcript. Minted only by `verifyFinished`. */
export class FinishedVerified {
  readonly #proof = 'finished verified';
  constructor(mint: Mint) {
    checkMint(mint);
  }
  get proof(): string {
    return this.#proof;
  }
}

/**
 * An external PSK the server accepted: in TLS 1.3 the identity it selected from those we offered
 * (RFC 8446 §4.2.11), in TLS 1.2 the PSK suite it chose and the key our `psk` option gave
 * (RFC 4279 §2). No certificate: the server's Finished, keyed from that PSK, is what proves it
 * holds the key. Minted only by `pskAccepted`.
 */
export class PskAccepted {
  readonly #proof = 'psk accepted';
  constructor(
    mint: Mint,
    readonly identity: string,
  ) {
    checkMint(mint);
  }
  get proof(): string {
    return this.#proof;
  }
}

/** The server accepted the external PSK whose identity is `identity`. */
export function pskAccepted(identity: string): PskAccepted {
  return new PskAccepted(MINT, identity);
}

/**
 * How the server proved it holds the key its certificate names: a handshake signature (TLS 1.3
 * CertificateVerify, TLS 1.2 ServerKeyExchange) or, in TLS 1.2 RSA key exchange, the key
 * transport that the Finished then confirms.
 */
export type CertificateKeyProof = SignatureVerified | KeyTransported;

/** How the server proved its key: with its certificate's key, or by holding the PSK. */
export type KeyProof = CertificateKeyProof | PskAccepted;

/**
 * Everything that makes a handshake complete: the server's Finished, a certificate decision,
 * and a key proof. Minted only by `handshakeVerified`; `HandshakeContext.complete` and the
 * traffic states demand it.
 */
export class HandshakeVerified {
  readonly #proof = 'handshake verified';
  constructor(
    mint: Mint,
    readonly finished: FinishedVerified,
    /** The certificate decision; undefined only in a PSK handshake (no certificate). */
    readonly chain: CertificateDecision | undefined,
    readonly key: KeyProof,
  ) {
    checkMint(mint);
  }
  get proof(): string {
    return this.#proof;
  }
}

/**
 * The one way to a HandshakeVerified: the Finished proof, and either a certificate decision with
 * its key proof, or (no certificate) the PSK proof.
 */
export function handshakeVerified(finished: FinishedVerified, chain: CertificateDecision, key: CertificateKeyProof): HandshakeVerified;
export function handshakeVerified(finished: FinishedVerified, chain: undefined, key: PskAccepted): HandshakeVerified;
export function handshakeVerified(finished: FinishedVerified, chain: CertificateDecision | undefined, key: KeyProof): HandshakeVerified {
  if (!(finished instanceof FinishedVerified)) throw internalError('finished_proof_missing', 'the handshake cannot complete without the server Finished proof');
  if (key instanceof PskAccepted ? chain !== undefined : chain === undefined) {
    throw internalError('server_authentication_mismatch', 'a certificate key proof needs a certificate decision, a PSK proof none');
  }
  return new HandshakeVerified(MINT, finished, chain, key);
}

/** TLS 1.2 RSA key exchange: the premaster secret is encrypted to this chain's leaf key. */
export function keyTransportedTo(chain: CertificateDecision): KeyTransported {
  if (chain.leafKey.kind !== 'rsa') throw internalError('rsa_key_exchange_without_rsa_key', 'RSA key exchange without an RSA key');
  return new KeyTransported(MINT);
}

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
): CertificateDecision {
  if (chainDer.length === 0) {
    // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
    throw peerError('MALFORMED_MESSAGE', 'empty_certificate_chain', 'the server sent an empty certificate chain');
  }
  let leaf: Certificate;
  try {
    leaf = parseCertificate(chainDer[0]!);
  } catch (e) {
    if (e instanceof TlsError) throw e;
    throw peerError('BAD_CERTIFICATE', 'leaf_certificate_unparsable', 'the server certificate cannot be parsed', { cause: e });
  }
  const leafKey = leaf.publicKey;
  if (leafKey.kind === 'unsupported') {
    throw peerError('UNSUPPORTED_CERTIFICATE', 'leaf_key_unsupported', `the server certificate has an unsupported key type (${leafKey.algorithm})`);
  }
  const mode = config.verify;
  // RFC 8446 §4.4.2.2 / RFC 5246 §7.4.2: the leaf's key must be allowed for its use here (signing
  // the handshake, or RSA key encipherment). A protocol constraint, not a trust decision: it holds
  // under verify 'none' and 'optional' too (only `ignore: ['KEY_USAGE']` lifts it). Under
  // 'required' the chain validator reports it with the other flags.
  if (mode !== 'required' && keyUsage && leaf.keyUsage && !leaf.keyUsage.has(keyUsage) && !config.options.ignore?.includes('KEY_USAGE')) {
    throw peerError('BAD_CERTIFICATE', 'key_usage_forbids', `the server certificate's keyUsage does not allow ${keyUsage}, which ${keyUsage === 'keyEncipherment' ? 'RSA key exchange' : 'the handshake signature'} needs`);
  }
  if (mode === 'none') {
    return new ChainAccepted(MINT, { status: 'skipped', flags: [], certificates: [], peerCertificates: chainDer, verifiedChain: [], leafKey });
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
    throw peerError('CERT_VERIFY_FAILED', decidingFlag(result.flags), `certificate verification failed: ${result.flags.join(',')}${where ? ` [${where}]` : ''}${flagHint(result.flags, config)}`, { detail: { flags: result.flags, certificates: result.certificates } });
  }
  const facts = { ...report, leafKey };
  return result.ok ? new ChainVerified(MINT, facts) : new ChainAccepted(MINT, { ...facts, status: 'failed' });
}

/**
 * The flag that decides the error's reason (lower case), and so its alert through `ALERT_FOR`
 * (RFC 8446 §6.2 / RFC 5246 §7.2.2: the most specific alert): an untrusted root first, then
 * validity, algorithms and keys, the name; otherwise the first flag.
 */
function decidingFlag(flags: string[]): string {
  const order = ['NOT_TRUSTED', 'EXPIRED', 'FUTURE', 'BAD_ALGORITHM', 'BAD_KEY', 'NAME_MISMATCH'];
  const f = order.find((x) => flags.includes(x)) ?? flags[0] ?? 'bad_certificate';
  return f.toLowerCase();
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
export function verifyReport(chain: CertificateDecision): VerifyReport {
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
  chain: CertificateDecision,
  schemeCode: number,
  content: Uint8Array,
  signature: Uint8Array,
): SignatureVerified {
  const scheme = schemeByCode(schemeCode);
  const offered = config.sigSchemes.some((s) => s.code === schemeCode);
  // RFC 8446 §4.4.3: the scheme MUST be one offered in signature_algorithms.
  if (!scheme || !offered || (version === '1.3' && !scheme.tls13)) {
    throw peerError('ILLEGAL_VALUE', 'signature_scheme_not_offered', `the server signed with a signature scheme we did not offer (0x${schemeCode.toString(16).padStart(4, '0')}${scheme ? ` ${scheme.name}` : ''})`);
  }
  if (!schemeMatchesKey(scheme, chain.leafKey, version)) {
    throw peerError('ILLEGAL_VALUE', 'signature_scheme_key_mismatch', `signature scheme ${scheme.name} does not fit the certificate's ${chain.leafKey.kind} key`);
  }
  const ok = verifySignature(schemeAlgorithm(scheme, version), chain.leafKey, content, signature);
  if (!ok) {
    throw peerError('BAD_SIGNATURE', 'signature_invalid', `the server's ${version === '1.3' ? 'CertificateVerify' : 'ServerKeyExchange'} signature (${scheme.name}) does not verify with its certificate key`);
  }
  return new SignatureVerified(MINT, scheme);
}

/** RFC 8446 §4.4.4 / RFC 5246 §7.4.9: compare Finished in constant time. */
export function verifyFinished(expected: Uint8Array, received: Uint8Array): FinishedVerified {
  if (!equalBytesCT(expected, received)) {
    throw peerError('BAD_FINISHED', 'finished_mismatch', "the server's Finished does not match the handshake (tampering, or a key mismatch)");
  }
  return new FinishedVerified(MINT);
}
