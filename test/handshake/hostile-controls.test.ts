/**
 * Positive controls for the hostile-server suites: the unmodified fake TLS 1.3 server
 * (test/helpers/fake-server13.ts) completes handshakes with the sans-IO client, so every refusal in
 * the hostile-* files is caused by the one violation each test makes, not by the harness.
 */
import { describe, expect, it } from 'vitest';
import { appRec, CT, FakeServer13 } from '../helpers/fake-server13.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('fake TLS 1.3 server: positive controls', () => {
  it('completes a handshake (chain verified against the test CA) and exchanges data both ways', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    expect(s.client.info).toMatchObject({ protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', group: 'x25519', signatureScheme: 'ed25519', helloRetry: false });
    expect(s.client.info!.verify.status).toBe('ok');
    s.client.write(enc('ping'));
    expect(s.clientAppData()).toBe('ping');
    expect(s.send(appRec(CT.appData, enc('pong')))).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('pong');
    expect(s.clientAlerts()).toEqual([]);
  });

  it('works with a P-256 certificate, AES-256-GCM/SHA-384 and a secp256r1 key share', () => {
    const s = new FakeServer13({ cred: 'p256', suite: 0x1302, group: 'secp256r1', client: { keyShareGroups: ['x25519', 'secp256r1'] } });
    s.completeHandshake();
    expect(s.client.info).toMatchObject({ cipher: 'TLS_AES_256_GCM_SHA384', group: 'secp256r1', signatureScheme: 'ecdsa_secp256r1_sha256' });
  });

  it('works with ChaCha20-Poly1305, the whole flight in one record, and no compatibility CCS', () => {
    const s = new FakeServer13({ suite: 0x1303 });
    s.completeHandshake({ coalesce: true, ccs: false });
    expect(s.client.info!.cipher).toBe('TLS_CHACHA20_POLY1305_SHA256');
  });

  it('works when every byte of the server flight arrives in its own feed() call', () => {
    const s = new FakeServer13();
    s.completeHandshake({ chunk: 1 });
    s.client.write(enc('x'));
    expect(s.clientAppData()).toBe('x');
  });

  it('answers a KeyUpdate(update_requested) with its own KeyUpdate; data still flows both ways', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    expect(s.send([s.keyUpdateRecord(1), appRec(CT.appData, enc('after-update'))])).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('after-update');
    // The client's KeyUpdate(update_not_requested) came back, and its next record is under the new key.
    const kus = s.clientRecords.filter((r) => r.type === CT.handshake && r.plaintext[0] === 24);
    expect(kus.map((r) => [...r.plaintext])).toEqual([[24, 0, 0, 1, 0]]);
    s.client.write(enc('client-after-update'));
    expect(s.clientAppData()).toBe('client-after-update');
    // And a second round, update_not_requested: the client does not answer.
    expect(s.send([s.keyUpdateRecord(0), appRec(CT.appData, enc('again'))])).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('again');
    expect(s.clientRecords.filter((r) => r.type === CT.handshake && r.plaintext[0] === 24)).toHaveLength(1);
  });

  it('accepts a HelloRetryRequest with a cookie and echoes the cookie', () => {
    const s = new FakeServer13();
    const cookie = Uint8Array.from([9, 8, 7, 6, 5]);
    s.completeHandshake({ hrr: [{ cookie }] });
    expect(s.clientHellos).toHaveLength(2);
    const echoed = s.clientHello.extensions.get(ExtensionType.cookie)!;
    expect([...echoed]).toEqual([0, 5, 9, 8, 7, 6, 5]);
    expect(s.client.info!.helloRetry).toBe(true);
  });

  it('accepts a HelloRetryRequest asking for secp384r1 and retries with that share only', () => {
    const s = new FakeServer13({ client: { groups: ['x25519', 'secp256r1', 'secp384r1'] } });
    s.completeHandshake({ hrr: [{ group: 0x0018 }] });
    expect(s.client.info).toMatchObject({ group: 'secp384r1', helloRetry: true });
  });

  it('stores a NewSessionTicket and accepts the ALPN protocol it offered', () => {
    const s = new FakeServer13({ client: { alpn: ['h2', 'http/1.1'] }, alpn: 'http/1.1' });
    s.completeHandshake();
    expect(s.client.info!.alpn).toBe('http/1.1');
    expect(s.send(appRec(CT.handshake, s.newSessionTicket()))).toBeUndefined();
    expect(s.client.tickets).toHaveLength(1);
  });
});
