/**
 * Misuse of the sans-IO ClientConnection's public API: only TlsErrors leave it (options of the
 * wrong type, a caller feeding something that is not bytes), and nothing is sent after our own
 * close_notify (RFC 8446 §6.1): close() during the handshake cancels it (user_canceled, then
 * close_notify), and a KeyUpdate received after close() is not answered.
 */
import { describe, expect, it } from 'vitest';
import { ClientConnection } from '../../src/connection.js';
import { AlertDescription, TlsError } from '../../src/errors.js';
import type { ClientOptions } from '../../src/types.js';
import { appRec, CT, FakeServer13 } from '../helpers/fake-server13.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('the constructor throws only TlsErrors', () => {
  const cases: [string, Partial<ClientOptions>][] = [
    ['host of the wrong type with servername: false', { servername: false, host: 123 as never }],
    ['an ALPN name of 200 characters but 400 UTF-8 bytes', { host: 'a.example', alpn: ['é'.repeat(200)] }],
    ['ciphers of the wrong type', { host: 'a.example', ciphers: 5 as never }],
    ['sigalgs of the wrong type', { host: 'a.example', sigalgs: 5 as never }],
    ['a random source that returns too few bytes', { host: 'a.example', random: (() => new Uint8Array(3)) as never }],
    ['a random source that throws', { host: 'a.example', random: () => { throw new Error('no entropy'); } }],
    // These used to pass the constructor and fail mid-handshake as INTERNAL (internal_error sent).
    ['ignore that is not a list', { host: 'a.example', ignore: 5 as never }],
    ['ignore given as one string', { host: 'a.example', ignore: 'EXPIRED' as never }],
    ['now that is not a function', { host: 'a.example', now: new Date() as never }],
    ['verifyCallback that is not a function', { host: 'a.example', verifyCallback: true as never }],
  ];
  for (const [what, opts] of cases) {
    it(`BAD_CONFIG for ${what}`, () => {
      let thrown: unknown;
      try {
        new ClientConnection({ verify: 'none', ...opts });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(TlsError);
      expect((thrown as TlsError).code).toBe('BAD_CONFIG');
    });
  }
});

describe('feed() with something that is not bytes', () => {
  it('throws BAD_CONFIG and leaves the connection usable (no alert to the peer)', () => {
    const s = new FakeServer13();
    expect(() => s.client.feed('hello' as never)).toThrow(expect.objectContaining({ code: 'BAD_CONFIG' }));
    expect(s.client.error).toBeUndefined();
    expect(s.client.takeOutput()).toBeNull();
    s.completeHandshake();
  });
});

describe('close() during the handshake cancels it (RFC 8446 §6.1)', () => {
  it('before any server byte: user_canceled then close_notify, then nothing (no Finished, no early data)', () => {
    const s = new FakeServer13();
    s.client.write(enc('early'));
    s.client.close();
    expect(s.clientAlerts()).toEqual([
      { level: 1, description: AlertDescription.user_canceled },
      { level: 1, description: AlertDescription.close_notify },
    ]);
    const n = s.clientRecords.length;
    const thrown = s.handshake();
    expect(thrown).toBeInstanceOf(TlsError);
    expect((thrown as TlsError).code).toBe('CLOSED');
    expect(s.clientRecords.length).toBe(n);
    expect(s.clientAppData()).toBe('');
    expect(s.client.handshakeComplete).toBe(false);
    expect(s.client.status).toBe('closed');
  });

  it('after the ServerHello: the alerts go out under the client handshake key, and the rest of the flight is refused', () => {
    const s = new FakeServer13();
    let rest = new Uint8Array(0);
    const t = s.handshake({
      wire: (b) => {
        const shLen = 5 + ((b[3]! << 8) | b[4]!);
        rest = b.slice(shLen);
        return b.subarray(0, shLen);
      },
    });
    expect(t).toBeUndefined();
    s.client.close();
    const n = s.clientRecords.length;
    expect(s.clientAlerts()).toEqual([
      { level: 1, description: AlertDescription.user_canceled },
      { level: 1, description: AlertDescription.close_notify },
    ]);
    expect(s.clientRecords.slice(n).every((r) => r.encrypted)).toBe(true);
    const m = s.clientRecords.length;
    expect((s.deliver(rest) as TlsError).code).toBe('CLOSED');
    expect(s.clientRecords.length).toBe(m);
  });
});

describe('close() after the handshake', () => {
  it('sends close_notify only, and a KeyUpdate(update_requested) received after it is not answered', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    s.client.close();
    expect(s.clientAlerts()).toEqual([{ level: 1, description: AlertDescription.close_notify }]);
    const n = s.clientRecords.length;
    // Reading goes on (half-close): the KeyUpdate and the data under the new key are read.
    expect(s.send([s.keyUpdateRecord(1), appRec(CT.appData, enc('after'))])).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('after');
    s.readClient();
    expect(s.clientRecords.length).toBe(n);
    expect(s.client.takeOutput()).toBeNull();
  });
});

describe('callbacks that call back into the connection', () => {
  it('a write() from the handshake-complete event goes after the data written during the handshake', () => {
    let s!: FakeServer13;
    s = new FakeServer13({
      client: {
        onEvent: (e) => {
          if (e.type === 'handshake-complete') s.client.write(enc('second'));
        },
      },
    });
    s.client.write(enc('first,'));
    s.completeHandshake();
    expect(s.clientAppData()).toBe('first,second');
  });
});

describe('close() from an observer in the middle of feed()', () => {
  it('during the handshake: the rest of the flight is not processed and nothing follows close_notify', () => {
    let s!: FakeServer13;
    s = new FakeServer13({
      client: {
        onEvent: (e) => {
          if (e.type === 'state' && e.to === 'ExpectCertificateVerify') s.client.close();
        },
      },
    });
    s.client.write(enc('early'));
    expect(s.handshake()).toBeUndefined();
    expect(s.client.handshakeComplete).toBe(false);
    expect(s.client.stateName).toBe('ExpectCertificateVerify');
    expect(s.clientAlerts()).toEqual([
      { level: 1, description: AlertDescription.user_canceled },
      { level: 1, description: AlertDescription.close_notify },
    ]);
    expect(s.clientRecords.at(-1)!.type).toBe(CT.alert);
    expect(s.clientAppData()).toBe('');
  });
});
