/**
 * OCSP responses (RFC 6960), as stapled by a TLS server (RFC 6066 §8, RFC 8446 §4.4.2.1): parse
 * with our strict DER reader, then check that the response speaks for this certificate, was signed
 * by its issuer or by a responder the issuer delegated (id-kp-OCSPSigning), and is fresh.
 *
 *   OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
 *   ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING }           -- id-pkix-ocsp-basic
 *   BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm, signature BIT STRING,
 *                                    certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 *   ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID ResponderID, producedAt GeneralizedTime,
 *                               responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT OPTIONAL }
 *   ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }                    -- KeyHash: SHA-1 of the key BIT STRING
 *   SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
 *                                 nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] OPTIONAL }
 *   CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash OCTET STRING, issuerKeyHash OCTET STRING, serialNumber INTEGER }
 *   CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
 *   RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
 *
 * Pure functions: `parseOcspResponse` throws a TlsError MALFORMED_MESSAGE on bad DER;
 * `checkOcspResponse` never throws for a bad response: its `problem` says why.
 */
import { hash, type HashName } from '../crypto/hash.js';
import type { OcspInfo } from '../types.js';
import { verifySignature } from '../crypto/signature.js';
import { decodeError } from '../errors.js';
import { DerError, DerReader, Tag, readSequence, readSingle, type Tlv } from '../wire/der.js';
import { parseSignatureAlgorithm, type SignatureAlgorithmInfo } from './algorithms.js';
import { parseCertificate, parseTime, type Certificate } from './certificate.js';

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const CERTID_HASHES: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
/** RFC 6960 §4.2.1 OCSPResponseStatus names. */
const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(4)', 'sigRequired', 'unauthorized'];
/** RFC 5280 §5.3.1 CRLReason names. */
const CRL_REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation',
  'certificateHold', '(7)', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];

/** Clock skew allowed around thisUpdate / nextUpdate. */
export const OCSP_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface OcspSingleResponse {
  hashAlgorithm: HashName | undefined;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  serial: Uint8Array;
  status: 'good' | 'revoked' | 'unknown';
  revocationTime?: Date;
  revocationReason?: string;
  thisUpdate: Date;
  nextUpdate: Date | undefined;
}

export interface OcspResponse {
  /** RFC 6960 §4.2.1: 'successful', 'tryLater', ... */
  responseStatus: string;
  /** Present when responseStatus is 'successful'. */
  basic?: {
    tbs: Uint8Array;
    responderId: { byName: Uint8Array } | { byKey: Uint8Array };
    producedAt: Date;
    responses: OcspSingleResponse[];
    signatureAlgorithm: SignatureAlgorithmInfo;
    signature: Uint8Array;
    certs: Uint8Array[];
  };
}

function generalizedTime(t: Tlv, what: string): Date {
  if (t.tag !== Tag.GeneralizedTime) throw new DerError(`${what}: expected GeneralizedTime`);
  return parseTime(t);
}

function parseSingle(r: DerReader): OcspSingleResponse {
  const id = r.sequence('certID');
  const algSeq = id.sequence('hashAlgorithm');
  const algOid = algSeq.oid('algorithm');
  if (!algSeq.done) algSeq.null('parameters');
  algSeq.end();
  const issuerNameHash = id.octetString('issuerNameHash');
  const issuerKeyHash = id.octetString('issuerKeyHash');
  const serial = id.expect(Tag.INTEGER, 'serialNumber').value;
  id.end();
  const st = r.read('certStatus');
  let status: OcspSingleResponse['status'];
  let revocationTime: Date | undefined;
  let revocationReason: string | undefined;
  if (st.tag === 0x80) {
    if (st.value.length !== 0) throw new DerError('certStatus good: expected NULL');
    status = 'good';
  } else if (st.tag === 0xa1) {
    status = 'revoked';
    const ri = new DerReader(st.value, 'RevokedInfo');
    revocationTime = generalizedTime(ri.read('revocationTime'), 'revocationTime');
    const reason = ri.optional(0xa0, 'revocationReason');
    if (reason) {
      const e = readSingle(reason.value, 'CRLReason');
      if (e.tag !== 0x0a || e.value.length !== 1) throw new DerError('CRLReason: expected a small ENUMERATED');
      revocationReason = CRL_REASONS[e.value[0]!] ?? `(${e.value[0]})`;
    }
    ri.end();
  } else if (st.tag === 0x82) {
    if (st.value.length !== 0) throw new DerError('certStatus unknown: expected NULL');
    status = 'unknown';
  } else throw new DerError(`certStatus: unknown choice 0x${st.tag.toString(16)}`);
  const thisUpdate = generalizedTime(r.read('thisUpdate'), 'thisUpdate');
  const nu = r.optional(0xa0, 'nextUpdate');
  const nextUpdate = nu ? generalizedTime(readSingle(nu.value, 'nextUpdate'), 'nextUpdate') : undefined;
  r.optional(0xa1, 'singleExtensions');
  r.end();
  return {
    hashAlgorithm: CERTID_HASHES[algOid], issuerNameHash, issuerKeyHash, serial, status, thisUpdate, nextUpdate,
    ...(revocationTime ? { revocationTime } : {}),
    ...(revocationReason ? { revocationReason } : {}),
  };
}

/** Parse an OCSPResponse (DER). Throws a TlsError MALFORMED_MESSAGE when it is not one. */
export function parseOcspResponse(der: Uint8Array): OcspResponse {
  try {
    return parseOcspDer(der);
  } catch (e) {
    if (e instanceof DerError) throw decodeError('ocsp_response_malformed', e.fault, { cause: e, detail: { fault: e.fault } });
    throw e;
  }
}

/** The parser proper: throws DerError, whose `fault` `checkOcspResponse` reports as its problem. */
function parseOcspDer(der: Uint8Array): OcspResponse {
  const top = readSequence(der, 'OCSPResponse');
  const st = top.expect(0x0a, 'responseStatus');
  if (st.value.length !== 1) throw new DerError('OCSPResponse: responseStatus: expected a small ENUMERATED');
  const responseStatus = RESPONSE_STATUS[st.value[0]!] ?? `(${st.value[0]})`;
  const rb = top.optional(0xa0, 'responseBytes');
  top.end();
  if (responseStatus !== 'successful') {
    // RFC 6960 §4.2.1: only a successful response carries responseBytes.
    if (rb) throw new DerError(`OCSPResponse: responseBytes in a ${responseStatus} response`);
    return { responseStatus };
  }
  if (!rb) throw new DerError('OCSPResponse: successful without responseBytes');
  const bytes = readSequence(rb.value, 'ResponseBytes');
  const type = bytes.oid('responseType');
  const body = bytes.octetString('response');
  bytes.end();
  if (type !== OID_OCSP_BASIC) throw new DerError(`ResponseBytes: unknown responseType ${type}`);

  const basic = readSequence(body, 'BasicOCSPResponse');
  const tbsTlv = basic.expect(Tag.SEQUENCE, 'tbsResponseData');
  const signatureAlgorithm = parseSignatureAlgorithm(basic.expect(Tag.SEQUENCE, 'signatureAlgorithm'));
  const signature = basic.bitStringBytes('signature');
  const certs: Uint8Array[] = [];
  const certsTlv = basic.optional(0xa0, 'certs');
  if (certsTlv) {
    const list = readSequence(certsTlv.value, 'certs');
    while (!list.done) certs.push(list.expect(Tag.SEQUENCE, 'Certificate').raw);
  }
  basic.end();

  const tbs = new DerReader(tbsTlv.value, 'ResponseData');
  const version = tbs.optional(0xa0, 'version');
  if (version) {
    const v = readSingle(version.value, 'version');
    if (v.tag !== Tag.INTEGER || v.value.length !== 1 || v.value[0] !== 0) throw new DerError('ResponseData: version must be v1');
  }
  const rid = tbs.read('responderID');
  let responderId: { byName: Uint8Array } | { byKey: Uint8Array };
  if (rid.tag === 0xa1) responderId = { byName: readSingle(rid.value, 'responderID byName').raw };
  else if (rid.tag === 0xa2) {
    const k = readSingle(rid.value, 'responderID byKey');
    if (k.tag !== Tag.OCTET_STRING) throw new DerError('responderID byKey: expected OCTET STRING');
    responderId = { byKey: k.value };
  } else throw new DerError(`responderID: unknown choice 0x${rid.tag.toString(16)}`);
  const producedAt = generalizedTime(tbs.read('producedAt'), 'producedAt');
  const list = tbs.sequence('responses');
  const responses: OcspSingleResponse[] = [];
  while (!list.done) responses.push(parseSingle(list.sequence('SingleResponse')));
  tbs.optional(0xa1, 'responseExtensions');
  tbs.end();
  return { responseStatus, basic: { tbs: tbsTlv.raw, responderId, producedAt, responses, signatureAlgorithm, signature, certs } };
}

/**
 * What a stapled response says about one certificate, after every check: `OcspInfo` without
 * what only the connection knows ('none' / 'skipped', must-staple, the bytes received).
 */
export type OcspVerdict = Omit<OcspInfo, 'status' | 'mustStaple' | 'response'> & {
  /** 'good' / 'revoked' / 'unknown' from a verified, fresh, matching response; 'invalid' otherwise. */
  status: 'good' | 'revoked' | 'unknown' | 'invalid';
};

/** The subjectPublicKey BIT STRING contents of a certificate (what KeyHash and issuerKeyHash hash). */
function keyBits(cert: Certificate): Uint8Array {
  const spki = readSequence(cert.spki, 'SubjectPublicKeyInfo');
  spki.read('algorithm');
  return spki.bitStringBytes('subjectPublicKey');
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function responderIs(rid: { byName: Uint8Array } | { byKey: Uint8Array }, cert: Certificate): boolean {
  if ('byName' in rid) return equal(rid.byName, cert.subjectName.der);
  return equal(rid.byKey, hash('sha1', keyBits(cert)));
}

/**
 * Check a stapled OCSP response for `leaf`, issued by `issuer`, at `now` (RFC 6960 §3.2):
 * the certID names this certificate; the signature is the issuer's, or a delegated responder's
 * whose certificate the issuer signed and which carries id-kp-OCSPSigning (§4.2.2.2); thisUpdate
 * is not in the future and nextUpdate (when given) not in the past (§4.2.2.1), within
 * OCSP_CLOCK_SKEW_MS.
 */
export function checkOcspResponse(der: Uint8Array, leaf: Certificate, issuer: Certificate, now: Date): OcspVerdict {
  let resp: OcspResponse;
  try {
    resp = parseOcspDer(der);
  } catch (e) {
    return { status: 'invalid', problem: e instanceof DerError ? e.fault : String(e) };
  }
  if (!resp.basic) return { status: 'invalid', problem: `the responder answered ${resp.responseStatus}` };
  const b = resp.basic;
  const issuerKeyBits = keyBits(issuer);
  const single = b.responses.find((s) => {
    if (!s.hashAlgorithm) return false;
    return equal(s.serial, leaf.serial) && equal(s.issuerNameHash, hash(s.hashAlgorithm, issuer.subjectName.der)) &&
      equal(s.issuerKeyHash, hash(s.hashAlgorithm, issuerKeyBits));
  });
  const base = { producedAt: b.producedAt };
  if (!single) return { ...base, status: 'invalid', problem: 'no response in it is for this certificate (certID does not match)' };

  // Who signed it: the issuer, or a delegated responder certificate from `certs`.
  let signerKey: Certificate | undefined;
  let signer: 'issuer' | 'delegated' | undefined;
  if (responderIs(b.responderId, issuer)) {
    signerKey = issuer;
    signer = 'issuer';
  } else {
    for (const c of b.certs) {
      let cert: Certificate;
      try {
        cert = parseCertificate(c);
      } catch {
        continue;
      }
      if (!responderIs(b.responderId, cert)) continue;
      // RFC 6960 §4.2.2.2: issued directly by the CA that issued the certificate in question,
      // with id-kp-OCSPSigning in its extendedKeyUsage.
      if (!cert.extKeyUsage?.includes(OID_KP_OCSP_SIGNING)) {
        return { ...base, status: 'invalid', problem: 'the responder certificate lacks the OCSPSigning extended key usage' };
      }
      const alg = cert.signatureAlgorithm.alg;
      if (!equal(cert.issuerName.der, issuer.subjectName.der) || !alg || issuer.publicKey.kind === 'unsupported' ||
        !verifySignature(alg, issuer.publicKey, cert.tbs, cert.signature)) {
        return { ...base, status: 'invalid', problem: 'the responder certificate was not issued by the certificate\'s issuer' };
      }
      if (now < cert.notBefore || now > cert.notAfter) {
        return { ...base, status: 'invalid', problem: 'the responder certificate is not valid now' };
      }
      signerKey = cert;
      signer = 'delegated';
      break;
    }
  }
  if (!signerKey || !signer) return { ...base, status: 'invalid', problem: 'signed neither by the issuer nor by a responder it authorized' };
  const alg = b.signatureAlgorithm.alg;
  if (!alg || signerKey.publicKey.kind === 'unsupported' || !verifySignature(alg, signerKey.publicKey, b.tbs, b.signature)) {
    return { ...base, status: 'invalid', problem: `the response signature does not verify (${b.signatureAlgorithm.name})`, signer };
  }
  const times = { thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
  const t = now.getTime();
  if (single.thisUpdate.getTime() > t + OCSP_CLOCK_SKEW_MS) {
    return { ...base, ...times, signer, status: 'invalid', problem: 'thisUpdate is in the future' };
  }
  if (single.nextUpdate && single.nextUpdate.getTime() < t - OCSP_CLOCK_SKEW_MS) {
    return { ...base, ...times, signer, status: 'invalid', problem: 'the response has expired (nextUpdate is past)' };
  }
  return {
    ...base, ...times, signer, status: single.status,
    ...(single.revocationTime ? { revocationTime: single.revocationTime } : {}),
    ...(single.revocationReason ? { revocationReason: single.revocationReason } : {}),
  };
}
