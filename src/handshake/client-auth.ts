/**
 * Client authentication, shared by both versions: turning a CertificateRequest into the
 * identity and scheme to answer with, and signing (synchronously, or through the
 * AwaitingOperation state when a signer answers with a Promise).
 *
 * - RFC 8446 §4.3.2 / §4.4.2: TLS 1.3 CertificateRequest (signature_algorithms,
 *   certificate_authorities) → Certificate (empty if we have nothing suitable) + CertificateVerify.
 * - RFC 5246 §7.4.4 / §7.4.6 / §7.4.8: TLS 1.2 CertificateRequest (certificate_types,
 *   supported_signature_algorithms, certificate_authorities) → Certificate + CertificateVerify.
 *
 * Selection: `selectIdentity(request)` when given, else the configured identity; then the first
 * scheme of ours that the server accepts for the key. With none, the client sends an empty
 * Certificate (RFC 8446 §4.4.2.4, RFC 5246 §7.4.6) and the server decides.
 */
import type { SignatureScheme } from '../crypto/sigschemes.js';
import { schemeByCode } from '../crypto/sigschemes.js';
import { TlsError } from '../errors.js';
import { ClientIdentity } from '../identity/identity.js';
import type { CertificateRequestInfo, ClientIdentityInfo } from '../types.js';
import { parseName } from '../x509/name.js';
import { readSingle } from '../wire/der.js';
import { toHex } from '../wire/bytes.js';
import { AwaitingOperation, isThenable, type HandshakeContext, type HandshakeState } from './state.js';

export interface ClientAuthChoice {
  identity: ClientIdentity;
  scheme: SignatureScheme;
}

/** A DistinguishedName as RFC 4514 text (hex when it does not parse). */
function describeName(der: Uint8Array): string {
  try {
    return parseName(readSingle(der, 'DistinguishedName')).text;
  } catch {
    return `#${toHex(der)}`;
  }
}

const CERT_TYPE_NAMES: Record<number, string> = { 1: 'rsa_sign', 2: 'dss_sign', 3: 'rsa_fixed_dh', 4: 'dss_fixed_dh', 64: 'ecdsa_sign' };

export function requestInfo(
  version: '1.2' | '1.3',
  schemes: readonly number[],
  cas: readonly Uint8Array[],
  postHandshake: boolean,
  certificateTypes?: readonly number[],
): CertificateRequestInfo {
  return {
    version,
    signatureSchemes: schemes.map((c) => schemeByCode(c)?.name ?? `0x${c.toString(16).padStart(4, '0')}`),
    certificateAuthorities: cas.map((n) => describeName(n)),
    certificateAuthoritiesDer: cas.map((n) => n.slice()),
    ...(certificateTypes ? { certificateTypes: certificateTypes.map((t) => CERT_TYPE_NAMES[t] ?? `type(${t})`) } : {}),
    postHandshake,
  };
}

/**
 * The identity and scheme to answer a CertificateRequest with, or undefined (send an empty
 * Certificate). Emits a check event saying why.
 */
export function chooseClientAuth(ctx: HandshakeContext, info: CertificateRequestInfo, schemes: readonly number[], certificateTypes?: readonly number[]): ClientAuthChoice | undefined {
  const opts = ctx.config.options;
  let identity: ClientIdentity | undefined | null = ctx.config.identity;
  if (opts.selectIdentity) {
    let chosen: ClientIdentityInfo | undefined | null;
    try {
      chosen = opts.selectIdentity(info);
    } catch (e) {
      throw new TlsError('BAD_CONFIG', 'select_identity_failed', `\`selectIdentity\` threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (chosen != null && !(chosen instanceof ClientIdentity)) {
      throw new TlsError('BAD_CONFIG', 'select_identity_failed', '`selectIdentity`: expected a ClientIdentity (from loadIdentity()) or undefined');
    }
    identity = chosen;
  }
  const report = (ok: boolean, detail: string) => ctx.emit({ type: 'check', what: 'client certificate for the CertificateRequest', ok, detail });
  if (!identity) {
    report(false, 'no client identity configured: an empty Certificate is sent');
    return undefined;
  }
  // RFC 5246 §7.4.4: the certificate's key must be of a requested type (ecdsa_sign covers EdDSA, RFC 8422 §5.5).
  if (certificateTypes) {
    const k = identity.publicKey.kind;
    const need = k === 'rsa' ? 1 : 64;
    if (!certificateTypes.includes(need)) {
      report(false, `the server accepts ${certificateTypes.map((t) => CERT_TYPE_NAMES[t] ?? t).join(', ')}, not the ${identity.keyDescription} key: an empty Certificate is sent`);
      return undefined;
    }
  }
  const scheme = identity.chooseScheme(schemes, info.version);
  if (!scheme) {
    report(false, `none of the server's schemes (${info.signatureSchemes.join(', ')}) fits the ${identity.keyDescription} key: an empty Certificate is sent`);
    return undefined;
  }
  report(true, `${identity.subject} (${identity.keyDescription}), signing with ${scheme.name}`);
  return { identity, scheme };
}

/**
 * A signer's TlsError raised mid-handshake: the server is told (internal_error). One that has
 * no alert of its own (a configuration error) becomes BAD_CONFIG `signer_failed`, which has one.
 */
function signerFailed(e: TlsError, always = false): TlsError {
  if (e.alert !== undefined && !always) return e;
  if (e.code === 'INTERNAL' || e.reason === 'signer_failed') return e;
  return new TlsError('BAD_CONFIG', 'signer_failed', e.explanation, { cause: e, detail: { code: e.code, reason: e.reason } });
}

/**
 * Sign `content` and continue with the checked signature. A signer answering with a Promise
 * parks the handshake in an AwaitingOperation state; the driver resumes it.
 */
export function signThen(
  ctx: HandshakeContext,
  choice: ClientAuthChoice,
  content: Uint8Array,
  version: '1.2' | '1.3',
  then: (signature: Uint8Array, ctx: HandshakeContext) => HandshakeState,
): HandshakeState {
  const { identity, scheme } = choice;
  let r: Uint8Array | PromiseLike<Uint8Array>;
  try {
    r = identity.sign(scheme, content, version, ctx.config.random);
  } catch (e) {
    if (e instanceof TlsError) throw signerFailed(e);
    throw new TlsError('BAD_CONFIG', 'signer_failed', `\`signer\`: sign() threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const finish = (value: unknown, c: HandshakeContext): HandshakeState => {
    let sig: Uint8Array;
    try {
      sig = identity.finishSignature(scheme, content, version, value);
    } catch (e) {
      if (e instanceof TlsError) throw signerFailed(e, true);
      throw e;
    }
    return then(sig, c);
  };
  if (!isThenable(r)) return finish(r, ctx);
  const description = `CertificateVerify signature (${scheme.name})`;
  ctx.emit({ type: 'check', what: `waiting for the signer: ${description}`, ok: true });
  return new AwaitingOperation({ kind: 'sign', description, result: r }, finish, 'AwaitingSignature');
}
