/**
 * Issue 8, truncation: after the handshake a transport end without close_notify is not a clean
 * close (RFC 8446 §6.1). The core tells them apart (`eof()`, `truncated`), and with
 * `requireCloseNotify` the truncation is the error TRUNCATED. The default stays node:tls' (a plain
 * end). Before the fix the core had no way to be told of the transport's end at all.
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import type { TraceEvent } from '../../src/types.js';
import { appRec, CT, FakeServer13 } from '../helpers/fake-server13.js';

function connected(requireCloseNotify?: boolean) {
  const events: TraceEvent[] = [];
  const s = new FakeServer13({ client: { ...(requireCloseNotify !== undefined ? { requireCloseNotify } : {}), onEvent: (e) => events.push(e) } });
  s.completeHandshake();
  expect(s.send(appRec(CT.appData, new TextEncoder().encode('partial')))).toBeUndefined();
  return { s, events };
}

describe('eof(): the transport ended', () => {
  it('after close_notify: a clean close', () => {
    const { s } = connected(true);
    expect(s.send(appRec(CT.alert, Uint8Array.of(1, 0)))).toBeUndefined();
    expect(s.client.eof()).toBe('close_notify');
    expect(s.client.truncated).toBe(false);
    expect(s.client.error).toBeUndefined();
  });

  it('without close_notify, by default: "truncated", no error (node:tls behaviour), and a trace event', () => {
    const { s, events } = connected();
    expect(s.client.eof()).toBe('truncated');
    expect(s.client.truncated).toBe(true);
    expect(s.client.error).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('partial');
    expect(events.filter((e) => e.type === 'closed')).toEqual([{ type: 'closed', reason: 'truncated' }]);
    expect(s.client.eof()).toBe('truncated'); // idempotent
  });

  it('without close_notify, with requireCloseNotify: the error TRUNCATED (kept, no alert sent)', () => {
    const { s } = connected(true);
    const before = s.clientRaw.length;
    let err: unknown;
    try {
      s.client.eof();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).code).toBe('TRUNCATED');
    expect((err as TlsError).explanation).toMatch(/without close_notify/);
    expect(s.client.error).toBe(err);
    expect(s.client.status).toBe('failed');
    expect(s.client.takeOutput()).toBeNull();
    expect(s.clientRaw.length).toBe(before);
    expect(() => s.client.eof()).toThrow(err as Error);
  });

  it('after our own close_notify, a plain end is still TRUNCATED with requireCloseNotify (RFC 8446 §6.1: each side sends one)', () => {
    const strict = connected(true);
    strict.s.client.close();
    expect(() => strict.s.client.eof()).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    const lax = connected();
    lax.s.client.close();
    expect(lax.s.client.eof()).toBe('truncated');
  });

  it('during the handshake: CONNECTION_CLOSED', () => {
    const s = new FakeServer13();
    expect(() => s.client.eof()).toThrow(expect.objectContaining({ code: 'CONNECTION_CLOSED' }));
  });
});
