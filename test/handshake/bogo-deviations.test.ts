/**
 * Deviations BoringSSL's BoGo runner found (issue 9), each pinned here in our own suite:
 * the record order of a TLS 1.3 refusal, the flood budget and tickets, TLS 1.2 supported_groups
 * in ServerHello, the ECDSA leaf's curve, handshake data sent with ServerHelloDone or with a
 * HelloRetryRequest, and the leaf's keyUsage under verify 'none'.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';
import { ext } from '../../src/handshake/extensions/index.js';
import { decodeCertificateRequest12 } from '../../src/handshake/messages/certificate-request.js';
import { appRec, cat, CT, credential, expectRefused, FakeServer13, plain } from '../helpers/fake-server13.js';
import { FakeServer12, parseRecords } from './client12-fake-server.js';

describe('TLS 1.3: the compatibility CCS precedes our encrypted alert (RFC 8446 Appendix D.4)', () => {
  it('a refused encrypted flight gets CCS, then the alert under the handshake keys', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ certificateVerify: (cv) => void (cv.signature[5]! ^= 1) });
    expectRefused(s, thrown, 'BAD_SIGNATURE', 'decrypt_error');
    const kinds = s.clientRecords.map((r) => `${r.type}${r.encrypted ? '*' : ''}`);
    expect(kinds).toEqual([`${CT.handshake}`, `${CT.ccs}`, `${CT.alert}*`]);
  });

  it('no CCS in front of a plaintext alert (refusing the ServerHello)', () => {
    const s = new FakeServer13();
    const thrown = s.handshake({ serverHello: (sh) => void (sh.compression = 1) });
    expect(thrown).toBeInstanceOf(TlsError);
    expect(s.clientRecords.map((r) => r.type)).toEqual([CT.handshake, CT.alert]);
  });

  it('only one CCS when it already went out before the second ClientHello', () => {
    const s = new FakeServer13({ group: 'secp384r1' });
    const thrown = s.handshake({ hrr: [{ group: 0x0018 }], certificateVerify: (cv) => void (cv.signature[5]! ^= 1) });
    expect(thrown).toBeInstanceOf(TlsError);
    expect(s.clientRecords.filter((r) => r.type === CT.ccs)).toHaveLength(1);
    expect(s.clientRecords.at(-1)).toMatchObject({ type: CT.alert, encrypted: true });
  });

  it('middleboxCompat false: no CCS at all', () => {
    const s = new FakeServer13({ client: { middleboxCompat: false } });
    const thrown = s.handshake({ certificateVerify: (cv) => void (cv.signature[5]! ^= 1) });
    expect(thrown).toBeInstanceOf(TlsError);
    expect(s.clientRecords.map((r) => r.type)).toEqual([CT.handshake, CT.alert]);
  });
});

describe('NewSessionTickets do not use the empty-record budget', () => {
  it('a ticket followed by 32 empty records is accepted', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    const empties = Array.from({ length: 32 }, () => appRec(CT.appData, new Uint8Array(0)));
    expect(s.send([appRec(CT.handshake, s.newSessionTicket()), ...empties, appRec(CT.appData, Uint8Array.of(7))])).toBeUndefined();
    expect([...s.client.read()!]).toEqual([7]);
  });

  it('33 empty records after a ticket are still refused', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    const empties = Array.from({ length: 33 }, () => appRec(CT.appData, new Uint8Array(0)));
    expectRefused(s, s.send([appRec(CT.handshake, s.newSessionTicket()), ...empties]), 'TOO_MANY_MESSAGES', 'unexpected_message');
  });

  it('tickets have their own bound: 33 in a row are refused', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    const tickets = Array.from({ length: 33 }, () => appRec(CT.handshake, s.newSessionTicket()));
    expectRefused(s, s.send(tickets), 'TOO_MANY_MESSAGES', 'unexpected_message');
  });
});

describe('TLS 1.2 ServerHello', () => {
  it('supported_groups (offered by us) is accepted and ignored (RFC 5246 §7.4.1.4)', () => {
    const f = new FakeServer12({}, { extraExtensions: [ext(ExtensionType.supported_groups, Uint8Array.of(0, 2, 0, 0x17))] });
    f.handshake();
    expect(f.conn.handshakeComplete).toBe(true);
  });

  it('an ECDSA leaf on a curve we did not list is refused (RFC 8422 §5.1)', () => {
    const f = new FakeServer12({ groups: ['x25519', 'secp384r1'] });
    let thrown: unknown;
    try {
      f.conn.feed(f.firstFlight());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TlsError);
    expect((thrown as TlsError).code).toBe('ILLEGAL_VALUE');
    expect((thrown as TlsError).message).toContain('P-256');
    const alert = parseRecords(f.conn.takeOutput()).find((r) => r.type === CT.alert);
    expect([...alert!.body]).toEqual([2, 47]);
  });

  it('handshake bytes sent with ServerHelloDone (part of a NewSessionTicket) are refused', () => {
    const f = new FakeServer12({}, { ticket: Uint8Array.of(1, 2, 3) });
    const flight = f.firstFlight();
    // Append the first bytes of a NewSessionTicket to the record that ends with ServerHelloDone.
    const partial = Buffer.from([4, 0, 0, 10, 0, 0]);
    const body = Buffer.concat([flight.subarray(5), partial]);
    const rec = Buffer.concat([flight.subarray(0, 3), Buffer.from([body.length >> 8, body.length & 0xff]), body]);
    expect(() => f.conn.feed(rec)).toThrow(expect.objectContaining({ code: 'UNEXPECTED_MESSAGE', alertName: 'unexpected_message' }));
    // Nothing of our flight went out: the refusal came before it.
    const types = parseRecords(f.conn.takeOutput()).map((r) => r.type);
    expect(types).toEqual([CT.alert]);
  });
});

describe('TLS 1.2 CertificateRequest (RFC 5246 §7.4.4)', () => {
  it('an empty supported_signature_algorithms (<2..2^16-2>) is a decode_error', () => {
    // certificate_types [rsa_sign], supported_signature_algorithms [], certificate_authorities []
    expect(() => decodeCertificateRequest12(Uint8Array.of(1, 1, 0, 0, 0, 0))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE', alertName: 'decode_error' }));
    expect(decodeCertificateRequest12(Uint8Array.of(1, 1, 0, 2, 4, 1, 0, 0)).signatureAlgorithms).toEqual([0x0401]);
  });
});

describe('TLS 1.3 HelloRetryRequest (RFC 8446 §4.1.4, §5.1)', () => {
  it('handshake bytes sent with it (the first byte of a ServerHello) are refused before our second ClientHello', () => {
    const s = new FakeServer13({ group: 'secp384r1' });
    const hrr = s.helloRetryRequest({ group: 0x0018 });
    const thrown = s.send([plain(CT.handshake, cat(hrr, Uint8Array.of(2))), plain(CT.ccs, Uint8Array.of(1))]);
    expectRefused(s, thrown, 'UNEXPECTED_MESSAGE', 'unexpected_message');
    expect(s.clientHellos).toHaveLength(1);
  });

  it('the same HelloRetryRequest alone in its record is answered', () => {
    const s = new FakeServer13({ group: 'secp384r1' });
    expect(s.sendHelloRetryRequest({ group: 0x0018 })).toBeUndefined();
    expect(s.clientHellos).toHaveLength(2);
  });
});

describe("the leaf's keyUsage is checked under verify 'none' (RFC 8446 §4.4.2.2, RFC 5246 §7.4.2)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-ku-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A self-signed certificate for the fake server's P-256 key with only keyAgreement allowed. */
  function keyAgreementLeaf(): Uint8Array {
    const cred = credential('p256');
    writeFileSync(join(dir, 'k.pem'), cred.keyPem);
    execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'k.pem'), '-subj', '/CN=localhost', '-days', '2',
      '-addext', 'keyUsage=critical,keyAgreement', '-addext', 'subjectAltName=DNS:localhost', '-outform', 'DER', '-out', join(dir, 'c.der')]);
    return new Uint8Array(execFileSync('cat', [join(dir, 'c.der')]));
  }

  it('TLS 1.3: a leaf that may not sign is refused with bad_certificate', () => {
    const leaf = keyAgreementLeaf();
    const s = new FakeServer13({ cred: 'p256', client: { verify: 'none' } });
    const thrown = s.handshake({ certificate: (c) => void (c.entries = [{ data: leaf, extensions: [] }]) });
    const err = expectRefused(s, thrown, 'BAD_CERTIFICATE', 'bad_certificate');
    expect(err.message).toContain('digitalSignature');
  });

  it("ignore: ['KEY_USAGE'] lifts it on purpose", () => {
    const leaf = keyAgreementLeaf();
    const s = new FakeServer13({ cred: 'p256', client: { verify: 'none', ignore: ['KEY_USAGE'] } });
    s.completeHandshake({ certificate: (c) => void (c.entries = [{ data: leaf, extensions: [] }]) });
  });

  it("verify 'required' still reports it as a KEY_USAGE chain flag", () => {
    const leaf = keyAgreementLeaf();
    const s = new FakeServer13({ cred: 'p256', client: { verify: 'required', ca: leafPem(leaf) } });
    const thrown = s.handshake({ certificate: (c) => void (c.entries = [{ data: leaf, extensions: [] }]) });
    expect(thrown).toMatchObject({ code: 'CERT_VERIFY_FAILED' });
    expect((thrown as TlsError).message).toContain('KEY_USAGE');
  });
});

function leafPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
