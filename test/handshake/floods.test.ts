/**
 * Floods that carry nothing (RFC 8446 does not bound them; every careful stack does): empty
 * application-data records, warning alerts, KeyUpdates, NewSessionTickets, ChangeCipherSpecs.
 * Each must be refused after a small bound (TOO_MANY_MESSAGES, alert unexpected_message), without
 * processing the whole flood, and quickly. The bound counts records *in a row*: real data resets it.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/types.js';
import { appRec, CT, expectRefused, FakeServer13, plain, type RecordSpec } from '../helpers/fake-server13.js';

const N = 1000;
/** Generous: the client's bound is 32 in a row; what matters is that it is far below N. */
const BOUND = 64;

function server(afterHandshake: boolean) {
  const received: TraceEvent[] = [];
  const s = new FakeServer13({ client: { onEvent: (e) => e.type === 'record' && e.direction === 'received' && received.push(e) } });
  if (afterHandshake) s.completeHandshake();
  const before = received.length;
  return { s, recordsSince: () => received.length - before };
}

function flood(afterHandshake: boolean, make: (s: FakeServer13, i: number) => RecordSpec) {
  const { s, recordsSince } = server(afterHandshake);
  const specs = Array.from({ length: N }, (_, i) => make(s, i));
  const bytes = s.seal(specs);
  const t0 = performance.now();
  const thrown = s.deliver(bytes);
  const ms = performance.now() - t0;
  expectRefused(s, thrown, 'TOO_MANY_MESSAGES', 'unexpected_message');
  expect(recordsSince()).toBeGreaterThan(8);
  expect(recordsSince()).toBeLessThanOrEqual(BOUND);
  expect(ms).toBeLessThan(2000);
  return s;
}

describe('floods are bounded (TOO_MANY_MESSAGES / unexpected_message)', () => {
  it(`${N} empty application-data records`, () => {
    flood(true, () => appRec(CT.appData, new Uint8Array(0)));
  });

  it(`${N} empty application-data records carrying 2 KiB of padding each`, () => {
    flood(true, () => appRec(CT.appData, new Uint8Array(0), { padding: 2048 }));
  });

  it(`${N} warning user_canceled alerts (protected)`, () => {
    flood(true, () => appRec(CT.alert, Uint8Array.of(1, 90)));
  });

  it(`${N} KeyUpdate(update_not_requested), each followed by the key change`, () => {
    flood(true, (s) => s.keyUpdateRecord(0));
  });

  it(`${N} KeyUpdate(update_requested): one answer for the whole storm (RFC 8446 §4.6.3), then the bound`, () => {
    const s = flood(true, (srv) => srv.keyUpdateRecord(1));
    const answers = s.clientRecords.filter((r) => r.type === CT.handshake && r.encrypted && r.plaintext[0] === 24);
    expect(answers.length).toBe(1);
  });

  it(`${N} NewSessionTickets, and at most a few tickets are kept`, () => {
    const s = flood(true, (srv) => appRec(CT.handshake, srv.newSessionTicket()));
    expect(s.client.tickets.length).toBeLessThanOrEqual(8);
  });

  it(`${N} ChangeCipherSpecs before the ServerHello`, () => {
    flood(false, () => plain(CT.ccs, Uint8Array.of(1)));
  });

  it(`${N} warning alerts before the ServerHello`, () => {
    flood(false, () => plain(CT.alert, Uint8Array.of(1, 90)));
  });

  it(`${N} ChangeCipherSpecs between the ServerHello and EncryptedExtensions`, () => {
    const { s, recordsSince } = server(false);
    const thrown = s.handshake({ records: (r) => [r[0]!, ...Array.from({ length: N }, () => plain(CT.ccs, Uint8Array.of(1))), ...r.slice(2)] });
    expectRefused(s, thrown, 'TOO_MANY_MESSAGES', 'unexpected_message');
    expect(recordsSince()).toBeLessThanOrEqual(BOUND);
  });
});

describe('the bound is on records in a row, not on the connection (positive controls)', () => {
  it(`accepts ${N} empty records when each is followed by data`, () => {
    const { s } = server(true);
    const specs = Array.from({ length: N }, (_, i) => [appRec(CT.appData, new Uint8Array(0)), appRec(CT.appData, Uint8Array.of(i & 0xff))]).flat();
    expect(s.send(specs)).toBeUndefined();
    expect(s.client.read()!.length).toBe(N);
  });

  it('accepts a few KeyUpdates, tickets and warning alerts in a row', () => {
    const { s } = server(true);
    const specs = [s.keyUpdateRecord(0), appRec(CT.alert, Uint8Array.of(1, 90)), appRec(CT.handshake, s.newSessionTicket()), s.keyUpdateRecord(1), appRec(CT.appData, Uint8Array.of(1))];
    expect(s.send(specs)).toBeUndefined();
    expect([...s.client.read()!]).toEqual([1]);
  });
});
