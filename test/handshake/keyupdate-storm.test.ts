/**
 * Issue 8, finding Low (core part): a storm of requests that each ask for an answer.
 *
 * - TLS 1.3 (RFC 8446 §4.6.3): "an implementation which receives multiple KeyUpdates while it
 *   is silent to respond with a single update". Before the fix, each
 *   KeyUpdate(update_requested) queued its own KeyUpdate answer (and a write-key change).
 * - TLS 1.2: each HelloRequest queued its own no_renegotiation warning; now HelloRequests
 *   received while we sent nothing since our last warning are ignored (RFC 5246 §7.4.1.1 lets a
 *   client ignore them).
 *
 * The flood limit (32 records in a row without data, floods.test.ts) still applies on top.
 */
import { describe, expect, it } from 'vitest';
import { AlertDescription } from '../../src/errors.js';
import { appRec, CT, FakeServer13 } from '../helpers/fake-server13.js';
import { FakeServer12 } from './client12-fake-server.js';

const isKeyUpdate = (r: { type: number; encrypted: boolean; plaintext: Uint8Array }) => r.type === CT.handshake && r.encrypted && r.plaintext[0] === 24;

describe('TLS 1.3 KeyUpdate(update_requested) storm: one answer while silent', () => {
  it('20 requests in a row get ONE KeyUpdate answer; the read key still moves 20 generations', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    const before = s.clientRecords.filter(isKeyUpdate).length;
    const specs = Array.from({ length: 20 }, () => s.keyUpdateRecord(1));
    specs.push(appRec(CT.appData, new TextEncoder().encode('after the storm')));
    expect(s.send(specs)).toBeUndefined();
    expect(new TextDecoder().decode(s.client.read()!)).toBe('after the storm');
    const answers = s.clientRecords.filter(isKeyUpdate);
    expect(answers.length - before).toBe(1);
    expect([...answers.at(-1)!.plaintext]).toEqual([24, 0, 0, 1, 0]); // update_not_requested
    // Our write key moved once: the server reads our data with the next generation.
    s.client.write(new TextEncoder().encode('ping'));
    expect(s.clientAppData()).toBe('ping');
  });

  it('requests interleaved with server data, while we send nothing: still one answer', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    for (let i = 0; i < 5; i++) expect(s.send([s.keyUpdateRecord(1), appRec(CT.appData, Uint8Array.of(i))])).toBeUndefined();
    expect(s.clientRecords.filter(isKeyUpdate).length).toBe(1);
  });

  it('once we have sent data under the new key, the next request gets its own answer', () => {
    const s = new FakeServer13();
    s.completeHandshake();
    expect(s.send(s.keyUpdateRecord(1))).toBeUndefined();
    s.client.write(Uint8Array.of(1));
    expect(s.send(s.keyUpdateRecord(1))).toBeUndefined();
    s.client.write(Uint8Array.of(2));
    expect(s.clientRecords.filter(isKeyUpdate).length).toBe(2);
    expect(s.clientAppData()).toBe('\x01\x02');
  });
});

describe('TLS 1.2 HelloRequest storm: one no_renegotiation warning while silent', () => {
  const hello = Uint8Array.of(0, 0, 0, 0);
  const warnings = (recs: Array<{ type: number; content: Buffer }>) => recs.filter((r) => r.type === CT.alert && r.content[1] === AlertDescription.no_renegotiation).length;

  it('10 HelloRequests in a row get one warning; after we send data, the next gets another', () => {
    const f = new FakeServer12();
    f.handshake();
    for (let i = 0; i < 10; i++) f.conn.feed(f.write.seal(CT.handshake, hello));
    const first = f.clientRecords();
    expect(warnings(first)).toBe(1);
    expect(first.length).toBe(1);
    expect(f.conn.status).toBe('connected');
    f.conn.write(Uint8Array.of(7));
    f.conn.feed(f.write.seal(CT.handshake, hello));
    f.conn.feed(f.write.seal(CT.handshake, hello));
    const second = f.clientRecords();
    expect(second.map((r) => r.type)).toEqual([CT.appData, CT.alert]);
    expect(warnings(second)).toBe(1);
  });
});
