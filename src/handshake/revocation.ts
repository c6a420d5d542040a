/**
 * Revocation by a stapled OCSP response (RFC 6066 §8; RFC 8446 §4.4.2.1; RFC 6960 for the
 * response; RFC 7633 must-staple), applied with the `revocation` option:
 *
 * - 'off': status_request is not sent; nothing is checked.
 * - 'soft' (default): a good staple is reported; a revoked or unusable one fails; none is fine,
 *   unless the leaf is must-staple.
 * - 'hard': a verified, fresh staple saying 'good' is required.
 *
 * It needs a verified chain (the issuer signs the response): under `verify: 'none'` the staple
 * is only reported ('skipped'); under 'optional' every failure is reported and the handshake goes on.
 */
import type { ResolvedConfig } from '../config.js';
import { peerError } from '../errors.js';
import type { OcspInfo } from '../types.js';
import { DerError, readSequence, Tag } from '../wire/der.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import { checkOcspResponse } from '../x509/ocsp.js';
import type { HandshakeContext } from './state.js';
import { withOcsp, type CertificateDecision } from './verify.js';

const OID_TLS_FEATURE = '1.3.6.1.5.5.7.1.24';
/** RFC 7633 §3: the TLS feature status_request (extension 5) asks for a staple. */
function mustStaple(leaf: Certificate): boolean {
  const ext = leaf.extensions.find((e) => e.oid === OID_TLS_FEATURE);
  if (!ext) return false;
  try {
    const r = readSequence(ext.value, 'TLSFeature');
    while (!r.done) {
      const v = r.expect(Tag.INTEGER, 'feature').value;
      if (v.length === 1 && v[0] === 5) return true;
    }
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
  return false;
}

/** Check `staple` (the OCSPResponse DER, or undefined) for the verified chain; return the chain with `ocsp`. */
export function applyRevocation(config: ResolvedConfig, chain: CertificateDecision, staple: Uint8Array | undefined, ctx: HandshakeContext): CertificateDecision {
  if (config.revocation === 'off') return chain;
  const leaf = parseCertificate(chain.peerCertificates[0]!);
  const must = mustStaple(leaf);
  const response = staple ? { response: staple.slice() } : {};
  let info: OcspInfo;
  if (config.verify === 'none') {
    info = { status: 'skipped', problem: "verify is 'none': no issuer to check the staple against", mustStaple: must, ...response };
  } else if (!staple) {
    info = { status: 'none', mustStaple: must };
  } else if (chain.verifiedChain.length < 2) {
    info = { status: 'skipped', problem: 'no verified issuer to check the staple against', mustStaple: must, ...response };
  } else {
    const issuer = parseCertificate(chain.verifiedChain[1]!);
    const v = checkOcspResponse(staple, leaf, issuer, ctx.now());
    info = { ...v, mustStaple: must, ...response };
  }

  let failure: { why: string; alert: 'certificate_revoked' | 'bad_certificate_status_response' } | undefined;
  if (info.status === 'revoked') {
    failure = { why: `the server certificate is revoked (OCSP${info.revocationReason ? `: ${info.revocationReason}` : ''}, since ${info.revocationTime?.toISOString()})`, alert: 'certificate_revoked' };
  } else if (info.status === 'invalid') {
    // RFC 6066 §8: an unsatisfactory response aborts with bad_certificate_status_response.
    failure = { why: `the stapled OCSP response cannot be used: ${info.problem}`, alert: 'bad_certificate_status_response' };
  } else if (info.status === 'none' && (must || config.revocation === 'hard')) {
    failure = {
      why: must
        ? 'the server certificate is must-staple (RFC 7633) but no OCSP response was stapled'
        : "`revocation` is 'hard' but the server stapled no OCSP response",
      alert: 'bad_certificate_status_response',
    };
  } else if (info.status === 'unknown' && config.revocation === 'hard') {
    failure = { why: "the OCSP responder does not know the server certificate and `revocation` is 'hard'", alert: 'bad_certificate_status_response' };
  }
  ctx.emit({ type: 'check', what: 'stapled OCSP response (RFC 6066 §8, RFC 6960)', ok: !failure, detail: failure?.why ?? `${info.status}${info.problem ? `: ${info.problem}` : ''}` });
  if (failure && config.verify === 'required') {
    throw peerError('CERT_VERIFY_FAILED', failure.alert === 'certificate_revoked' ? 'revoked' : 'bad_status_response', failure.why, { detail: { ocsp: info } });
  }
  return withOcsp(chain, info);
}
