/**
 * Secrets only on request (issue 10): an `onEvent` observer without `traceSecrets` never sees a
 * byte of any secret the TLS 1.3 key schedule produced; with `traceSecrets: true` it gets each
 * one, as a copy (zeroing it breaks nothing).
 *
 * The same handshake is run twice, byte for byte (fixed client randomness, a fixed server key
 * share, a deterministic Ed25519 signature): once with the opt-in, which reveals every secret
 * (early, handshake, both handshake traffic, master, both application traffic, exporter,
 * resumption), once without, whose events are then searched for each of them, as bytes anywhere
 * in any Uint8Array and as hex in any string.
 */
import { describe, expect, it } from 'vitest';
import { generateKeyShare, groupByName } from '../../src/crypto/groups.js';
import { encodeKeyShareServerHello, ext } from '../../src/handshake/extensions/index.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';
import type { TraceEvent } from '../../src/types.js';
import { appRec, CT, FakeServer13 } from '../helpers/fake-server13.js';

/** A deterministic "random" source: the same bytes on every run. */
function counterRandom(seed: number): (n: number) => Uint8Array {
  let x = seed;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      out[i] = x >>> 24;
    }
    return out;
  };
}

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface Run {
  events: TraceEvent[];
  keyLog: string[];
  server: FakeServer13;
}

/** One full handshake, a NewSessionTicket, a KeyUpdate both ways, and data both ways. */
function run(traceSecrets: boolean | undefined, onKey?: (secret: Uint8Array) => void): Run {
  const events: TraceEvent[] = [];
  const keyLog: string[] = [];
  const s = new FakeServer13({
    client: {
      random: counterRandom(7),
      keyShareGroups: ['x25519'],
      groups: ['x25519'],
      ...(traceSecrets !== undefined ? { traceSecrets } : {}),
      keyLog: (line) => keyLog.push(line),
      onEvent: (e) => {
        if (e.type === 'key' && e.secret) onKey?.(e.secret);
        events.push(e);
      },
    },
  });
  const g = groupByName('x25519')!;
  s.completeHandshake({
    serverHello: (sh, server) => {
      // The same server share on every run, so both runs derive the same secrets.
      server.serverShare = generateKeyShare(g, counterRandom(99));
      const i = sh.extensions.findIndex((x) => x.type === ExtensionType.key_share);
      sh.extensions[i] = ext(ExtensionType.key_share, encodeKeyShareServerHello({ group: g.code, keyExchange: server.serverShare.publicKey }));
    },
  });
  expect(s.send(appRec(CT.handshake, s.newSessionTicket({ nonce: Uint8Array.of(1, 2, 3) })))).toBeUndefined();
  expect(s.send([appRec(CT.appData, new TextEncoder().encode('before the update')), s.keyUpdateRecord(1)])).toBeUndefined();
  expect(s.send(appRec(CT.appData, new TextEncoder().encode('after the update')))).toBeUndefined();
  s.client.write(new TextEncoder().encode('hello from the client'));
  return { events, keyLog, server: s };
}

/** Every byte string and string reachable from an event (depth-first, cycles cut). */
function leaves(v: unknown, out: { bytes: Uint8Array[]; strings: string[] }, seen = new Set<unknown>()): void {
  if (typeof v === 'string') out.strings.push(v.toLowerCase());
  else if (v instanceof Uint8Array) out.bytes.push(v);
  else if (v !== null && typeof v === 'object' && !seen.has(v)) {
    seen.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) leaves(x, out, seen);
  }
}

function containsBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const SCHEDULE = [
  'early_secret',
  'handshake_secret',
  'client_handshake_traffic_secret',
  'server_handshake_traffic_secret',
  'master_secret',
  'client_application_traffic_secret_0',
  'server_application_traffic_secret_0',
  'exporter_master_secret',
  'resumption_master_secret',
];

describe('secrets only on request (onEvent)', () => {
  it('with traceSecrets: every secret of the key schedule, as a copy the observer may zero', () => {
    const zeroed: Uint8Array[] = [];
    // The observer wipes every secret it gets: the connection must not notice.
    const a = run(true, (secret) => {
      zeroed.push(secret);
      secret.fill(0);
    });
    const keys = a.events.filter((e): e is Extract<TraceEvent, { type: 'key' }> => e.type === 'key' && e.secret !== undefined);
    expect(keys.map((k) => k.label)).toEqual(SCHEDULE);
    expect(zeroed.length).toBe(SCHEDULE.length);
    expect(zeroed.every((z) => z.every((b) => b === 0))).toBe(true);
    // Still working after the wipe: the ticket, the KeyUpdate both ways and the data in both directions.
    expect(new TextDecoder().decode(a.server.client.read()!)).toBe('before the updateafter the update');
    expect(a.server.clientAppData()).toBe('hello from the client');
    expect(a.server.client.error).toBeUndefined();
  });

  it('without traceSecrets: no byte of any secret in any event (but the key events still name them)', () => {
    const a = run(true);
    const secrets = new Map(a.events.flatMap((e) => (e.type === 'key' && e.secret ? [[e.label, e.secret] as const] : [])));
    expect([...secrets.keys()]).toEqual(SCHEDULE);
    // The key log (its own opt-in) agrees with what the trace revealed, so both runs are the same handshake.
    const logged = new Map(a.keyLog.map((l) => [l.split(' ')[0]!, l.split(' ')[2]!]));
    expect(logged.get('CLIENT_HANDSHAKE_TRAFFIC_SECRET')).toBe(toHex(secrets.get('client_handshake_traffic_secret')!));
    expect(logged.get('SERVER_TRAFFIC_SECRET_0')).toBe(toHex(secrets.get('server_application_traffic_secret_0')!));

    for (const opt of [undefined, false]) {
      const b = run(opt);
      expect(b.keyLog).toEqual(a.keyLog); // the same secrets were derived
      const keyEvents = b.events.filter((e) => e.type === 'key');
      expect(keyEvents.filter((e) => e.type === 'key' && SCHEDULE.includes(e.label)).map((e) => e.type === 'key' && e.label)).toEqual(SCHEDULE);
      expect(keyEvents.some((e) => e.type === 'key' && e.secret !== undefined)).toBe(false);
      const found = { bytes: [] as Uint8Array[], strings: [] as string[] };
      leaves(b.events, found);
      expect(found.bytes.length).toBeGreaterThan(10); // records and messages are there to search
      for (const [label, secret] of secrets) {
        const hex = toHex(secret);
        expect(found.bytes.some((x) => containsBytes(x, secret)), `${label} bytes in an event`).toBe(false);
        expect(found.strings.some((x) => x.includes(hex)), `${label} hex in an event`).toBe(false);
        // nor any 8-byte window of it, in case a summary shortens it
        for (let i = 0; i + 8 <= secret.length; i += 8) {
          expect(found.bytes.some((x) => containsBytes(x, secret.subarray(i, i + 8))), `${label}[${i}..] bytes in an event`).toBe(false);
          expect(found.strings.some((x) => x.includes(hex.slice(2 * i, 2 * i + 16))), `${label}[${i}..] hex in an event`).toBe(false);
        }
      }
    }
  });
});
