/**
 * KeyUpdate sent by us (RFC 8446 §4.6.3): on request (`updateKeys`), every `keyUpdateAfterBytes`
 * bytes, and automatically before the AEAD's usage limit (RFC 8446 §5.5). The scripted server
 * reads our records with the key it derives itself, so a key switched at the wrong record shows.
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { HandshakeType } from '../../src/handshake/codec/types.js';
import { CT, FakeServer13 } from '../helpers/fake-server13.js';

const enc = (s: string) => new TextEncoder().encode(s);
const keyUpdates = (s: FakeServer13) =>
  s.clientRecords.filter((r) => r.type === CT.handshake && r.plaintext[0] === HandshakeType.key_update).map((r) => r.plaintext[4]);

describe('KeyUpdate sent by the client', () => {
  it('updateKeys(): KeyUpdate under the old key, then data under the new one; requestPeer asks the server to update', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    s.client.write(enc('one'));
    s.client.updateKeys();
    s.client.write(enc('two'));
    s.client.updateKeys({ requestPeer: true });
    s.client.write(enc('three'));
    expect(s.clientAppData()).toBe('onetwothree');
    expect(keyUpdates(s)).toEqual([0, 1]); // update_not_requested, update_requested
    expect(s.client.keyUpdatesSent).toBe(2);
    expect(s.clientRecords.some((r) => r.type === -1)).toBe(false); // every record opened with the server's key
  });

  it('keyUpdateAfterBytes: a KeyUpdate once that many bytes went out under one key', () => {
    const s = new FakeServer13({ client: { keyUpdateAfterBytes: 1000 } });
    s.completeHandshake();
    for (let i = 0; i < 10; i++) s.client.write(new Uint8Array(300).fill(0x61 + i));
    s.readClient();
    // 300-byte writes: the 5th, 9th... write finds ≥ 1000 bytes sent under the key.
    expect(keyUpdates(s)).toEqual([0, 0]);
    expect(s.clientAppData().length).toBe(3000);
  });

  it('automatically before the AES-GCM limit of 2^24.5 records', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    s.client.write(enc('a'));
    expect(keyUpdates(s)).toEqual([]);
    // Pretend the key has protected almost 2^24.5 records (the count is private state).
    (s.client as unknown as { writeKeyRecords: number }).writeKeyRecords = Math.floor(2 ** 24.5) - 1024;
    s.client.write(enc('b'));
    s.readClient();
    expect(keyUpdates(s)).toEqual([0]);
    expect(s.clientAppData()).toBe('ab');
  });

  it('not for ChaCha20-Poly1305, whose limit is beyond the sequence number space', () => {
    const s = new FakeServer13({ suite: 0x1303 });
    s.completeHandshake();
    (s.client as unknown as { writeKeyRecords: number }).writeKeyRecords = Math.floor(2 ** 24.5);
    s.client.write(enc('c'));
    s.readClient();
    expect(keyUpdates(s)).toEqual([]);
  });

  it('misuse is a typed error: before the handshake (BAD_CONFIG), after close (CLOSED)', () => {
    const s = new FakeServer13();
    expect(() => s.client.updateKeys()).toThrow(TlsError);
    s.completeHandshake();
    s.client.close();
    try {
      s.client.updateKeys();
      throw new Error('expected CLOSED');
    } catch (e) {
      expect((e as TlsError).code).toBe('CLOSED');
    }
  });
});
