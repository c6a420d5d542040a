/**
 * puretls/x509: certificate parsing, trust input, path building and validation (RFC 5280 §6),
 * server identity (RFC 6125 / RFC 9525) and the result as named flags.
 */
import type { CertInput, VerifyMode } from '../types.js';
import { configError } from '../errors.js';
import { loadCertificates } from './pem.js';
import { type ChainVerifyOptions, type ChainVerifyResult, verifyChainInternal } from './verify.js';

export { CERT_FLAGS, type CertFlag } from './flags.js';
export {
  parseCertificate,
  OID,
  KeyUsageBit,
  type Certificate,
  type Extension,
  type KeyUsageName,
  type NameConstraints,
  type GeneralSubtree,
  type AuthorityKeyIdentifier,
} from './certificate.js';
export type { GeneralName } from './general-names.js';
export type { Name } from './name.js';
export type { SignatureAlgorithmInfo } from './algorithms.js';
export { loadCertificates, pemToDer } from './pem.js';
export { matchServerName, normalizeDnsName } from './hostname.js';
export { parseIP as parseIp } from '../wire/ip.js';
export { MAX_EDGES, MAX_ISSUER_CANDIDATES, MAX_PATHS, MAX_SIGNATURE_CHECKS, MAX_SIGNATURE_WORK, verificationCost, type ChainVerifyOptions, type ChainVerifyResult, type CertificateReport, type VerifyPolicy } from './verify.js';

/**
 * Validate `peerChain` (DER, leaf first, the rest in any order) against the trust anchors. Never
 * throws for a bad chain: `flags` say why, `certificates` say which certificate.
 */
export function verifyChain(peerChain: Uint8Array[], opts: ChainVerifyOptions): ChainVerifyResult {
  return verifyChainInternal(peerChain, opts);
}

/**
 * Trust anchors from the `ca` option. An empty store when verification is required is a
 * configuration error (BAD_CONFIG), never a silent pass.
 */
export function loadTrustAnchors(ca: CertInput | CertInput[] | undefined, mode: VerifyMode = 'required'): Uint8Array[] {
  const anchors = loadCertificates(ca, 'ca');
  if (anchors.length === 0 && mode === 'required') {
    throw configError('no_trust_anchors', 'verify is "required" but no trust anchors were given (ca); pass ca, or verify: "none" to skip verification on purpose');
  }
  return anchors;
}
