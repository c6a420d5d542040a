/**
 * OCSP responses (src/x509/ocsp.ts, RFC 6960) made by `openssl ocsp` at run time: parsed with
 * our DER reader and checked for the certificate, the signer and freshness.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate, type Certificate } from '../../src/x509/certificate.js';
import { pemToDer } from '../../src/x509/pem.js';
import { checkOcspResponse, parseOcspResponse } from '../../src/x509/ocsp.js';
import { TlsError } from '../../src/errors.js';
import { programMissing, skipFor } from '../helpers/env.js';
import { makeOcspPki, type OcspPki } from '../helpers/ocsp-pki.js';

describe.skipIf(skipFor(programMissing('openssl'), 'OCSP tests'))('OCSP responses (RFC 6960)', () => {
  let pki: OcspPki;
  let ca: Certificate;
  const cert = (name: 'leaf' | 'revoked' | 'muststaple' | 'ca') => parseCertificate(pemToDer(readFileSync(pki.certFile(name), 'utf8'), name)[0]!);
  const der = (file: string) => new Uint8Array(readFileSync(file));
  const now = () => new Date();
  beforeAll(() => {
    pki = makeOcspPki();
    ca = cert('ca');
  });
  afterAll(() => pki?.cleanup());

  it('parses a response: status, certID, times', () => {
    const r = parseOcspResponse(der(pki.response('leaf')));
    expect(r.responseStatus).toBe('successful');
    const s = r.basic!.responses[0]!;
    expect(s.status).toBe('good');
    expect(s.hashAlgorithm).toBe('sha1');
    expect([...s.serial]).toEqual([0x10, 0x01]);
    expect(s.nextUpdate!.getTime() - s.thisUpdate.getTime()).toBe(24 * 3600 * 1000);
  });

  it('good, signed by the issuer', () => {
    const v = checkOcspResponse(der(pki.response('leaf')), cert('leaf'), ca, now());
    expect(v).toMatchObject({ status: 'good', signer: 'issuer' });
  });

  it('good, signed by a delegated responder with id-kp-OCSPSigning', () => {
    const v = checkOcspResponse(der(pki.response('leaf', 'responder')), cert('leaf'), ca, now());
    expect(v).toMatchObject({ status: 'good', signer: 'delegated' });
  });

  it('revoked, with time and reason', () => {
    const v = checkOcspResponse(der(pki.response('revoked')), cert('revoked'), ca, now());
    expect(v).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    expect(v.revocationTime!.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('expired: nextUpdate is past', () => {
    const later = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    const v = checkOcspResponse(der(pki.response('leaf')), cert('leaf'), ca, later);
    expect(v).toMatchObject({ status: 'invalid', problem: expect.stringContaining('expired') });
  });

  it('not yet valid: thisUpdate in the future', () => {
    const earlier = new Date(Date.now() - 3600 * 1000);
    const v = checkOcspResponse(der(pki.response('leaf')), cert('leaf'), ca, earlier);
    expect(v).toMatchObject({ status: 'invalid', problem: 'thisUpdate is in the future' });
  });

  it("wrongly signed: an impostor with the CA's name", () => {
    const v = checkOcspResponse(der(pki.response('leaf', 'rogue')), cert('leaf'), ca, now());
    expect(v).toMatchObject({ status: 'invalid', problem: expect.stringContaining('signature does not verify') });
  });

  it('a response about another certificate does not count', () => {
    const v = checkOcspResponse(der(pki.response('revoked')), cert('leaf'), ca, now());
    expect(v).toMatchObject({ status: 'invalid', problem: expect.stringContaining('certID') });
  });

  it('a tampered signature fails', () => {
    const bytes = der(pki.response('leaf'));
    const sig = parseOcspResponse(bytes).basic!.signature;
    bytes[sig.byteOffset + sig.length - 3]! ^= 0x01;
    const v = checkOcspResponse(bytes, cert('leaf'), ca, now());
    expect(v.status).toBe('invalid');
  });

  it('non-successful statuses and garbage are invalid, never a throw from check', () => {
    expect(checkOcspResponse(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x03), cert('leaf'), ca, now())).toMatchObject({ status: 'invalid', problem: 'the responder answered tryLater' });
    expect(checkOcspResponse(Uint8Array.of(1, 2, 3, 4), cert('leaf'), ca, now()).status).toBe('invalid');
    expect(() => parseOcspResponse(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00))).toThrow(TlsError); // successful without bytes
  });

  it('every truncation of a response is a MALFORMED_MESSAGE', () => {
    const bytes = der(pki.response('leaf'));
    for (let n = 0; n < bytes.length; n += 7) {
      expect(() => parseOcspResponse(bytes.subarray(0, n))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE' }));
    }
  });
});
