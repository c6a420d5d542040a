/**
 * max_fragment_length (RFC 6066 §4), record_size_limit (RFC 8449), the TLS 1.3 padding policy
 * and the Certificate message size limit, against the scripted TLS 1.3 server: what the client
 * offers, what it accepts back, and that the limits bind both directions.
 */
import { describe, expect, it } from 'vitest';
import { TlsError } from '../../src/errors.js';
import { ExtensionType } from '../../src/handshake/codec/types.js';
import { encodeMaxFragmentLength, encodeRecordSizeLimit } from '../../src/handshake/extensions/limits.js';
import { ext } from '../../src/handshake/extensions/index.js';
import { decodeClientHello } from '../../src/handshake/messages/hello.js';
import { ClientConnection } from '../../src/connection.js';
import { appRec, CT, expectRefused, FakeServer13, hsMsg, setExt, type RecordSpec } from '../helpers/fake-server13.js';

const MFL_CODE = { 512: 1, 1024: 2, 2048: 3, 4096: 4 } as const;

function helloExtensions(opts: ConstructorParameters<typeof ClientConnection>[0]): Map<number, Uint8Array> {
  const c = new ClientConnection({ verify: 'none', ...opts });
  return decodeClientHello(c.takeOutput()!.subarray(9)).extensions;
}

/** A `records` hook: split each protected handshake record so its content is at most `max` bytes. */
const splitTo = (max: number) => (recs: RecordSpec[]): RecordSpec[] =>
  recs.flatMap((r) => {
    if (r.key === 'plain' || r.payload.length <= max) return [r];
    const out: RecordSpec[] = [];
    for (let o = 0; o < r.payload.length; o += max) out.push({ ...r, payload: r.payload.subarray(o, o + max) });
    return out;
  });

/** Inner plaintext lengths of the client's protected records after the handshake (ciphertext − 16-byte tag). */
function clientInnerLengths(s: FakeServer13, from: number): number[] {
  return s.clientRaw.slice(from).filter((r) => r[0] === CT.appData).map((r) => r.length - 5 - 16);
}

describe('offering record sizes in the ClientHello', () => {
  it('maxFragmentLength offers max_fragment_length and record_size_limit with the same value', () => {
    for (const n of [512, 1024, 2048, 4096] as const) {
      const e = helloExtensions({ maxFragmentLength: n });
      expect(e.get(ExtensionType.max_fragment_length)).toEqual(Uint8Array.of(MFL_CODE[n]));
      expect(e.get(ExtensionType.record_size_limit)).toEqual(encodeRecordSizeLimit(n));
    }
  });
  it('recordSizeLimit alone offers only record_size_limit; neither by default', () => {
    const e = helloExtensions({ recordSizeLimit: 1000 });
    expect(e.has(ExtensionType.max_fragment_length)).toBe(false);
    expect(e.get(ExtensionType.record_size_limit)).toEqual(encodeRecordSizeLimit(1000));
    const d = helloExtensions({});
    expect(d.has(ExtensionType.max_fragment_length) || d.has(ExtensionType.record_size_limit)).toBe(false);
  });
  it('bad values are BAD_CONFIG naming the option', () => {
    for (const [opts, name] of [
      [{ maxFragmentLength: 1000 }, 'maxFragmentLength'],
      [{ recordSizeLimit: 63 }, 'recordSizeLimit'],
      [{ recordSizeLimit: 16386 }, 'recordSizeLimit'],
      [{ recordPadding: -1 }, 'recordPadding'],
      [{ maxHandshakeSize: 10 }, 'maxHandshakeSize'],
    ] as const) {
      let err: unknown;
      try {
        new ClientConnection({ verify: 'none', ...(opts as object) });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).code).toBe('BAD_CONFIG');
      expect((err as TlsError).explanation.startsWith(`${name}:`)).toBe(true);
    }
  });
});

describe('max_fragment_length honoured both ways (TLS 1.3)', () => {
  for (const n of [512, 1024, 2048, 4096] as const) {
    it(`${n}: our records are split to ${n}; a server record of ${n} passes, ${n + 1} is record_overflow`, () => {
      const s = new FakeServer13({ client: { maxFragmentLength: n } });
      s.completeHandshake({ encryptedExtensions: (x) => x.push(ext(ExtensionType.max_fragment_length, encodeMaxFragmentLength(MFL_CODE[n]))), records: splitTo(n) });
      expect(s.client.info?.recordLimits).toMatchObject({ sendFragment: n, receiveFragment: n });
      const from = s.clientRaw.length;
      s.client.write(new Uint8Array(3 * n + 7).fill(0x61));
      s.readClient();
      const inner = clientInnerLengths(s, from);
      expect(inner.map((x) => x - 1)).toEqual([n, n, n, 7]);
      expect(s.send(appRec(CT.appData, new Uint8Array(n).fill(0x62)))).toBeUndefined();
      expect(s.client.read()?.length).toBe(n);
      expectRefused(s, s.send(appRec(CT.appData, new Uint8Array(n + 1))), 'RECORD_OVERFLOW', 'record_overflow');
    });
  }

  it('a different value echoed is illegal_parameter', () => {
    const s = new FakeServer13({ client: { maxFragmentLength: 512 } });
    const t = s.handshake({ encryptedExtensions: (x) => x.push(ext(ExtensionType.max_fragment_length, encodeMaxFragmentLength(2))) });
    expect(expectRefused(s, t, 'ILLEGAL_VALUE', 'illegal_parameter').explanation).toMatch(/echoes max_fragment_length 1024, but we asked for 512/);
  });
  it('an answer to an extension not offered is unsupported_extension', () => {
    const s = new FakeServer13();
    const t = s.handshake({ encryptedExtensions: (x) => x.push(ext(ExtensionType.max_fragment_length, encodeMaxFragmentLength(1))) });
    expectRefused(s, t, 'UNOFFERED_EXTENSION', 'unsupported_extension');
  });
  it('both extensions answered is illegal_parameter (RFC 8449 §5)', () => {
    const s = new FakeServer13({ client: { maxFragmentLength: 1024 } });
    const t = s.handshake({
      encryptedExtensions: (x) => {
        x.push(ext(ExtensionType.max_fragment_length, encodeMaxFragmentLength(2)));
        x.push(ext(ExtensionType.record_size_limit, encodeRecordSizeLimit(1024)));
      },
    });
    expectRefused(s, t, 'ILLEGAL_VALUE', 'illegal_parameter');
  });
});

describe('record_size_limit honoured both ways (TLS 1.3: the content type byte and padding count)', () => {
  it("our records fit the server's limit; the server's records must fit ours", () => {
    const s = new FakeServer13({ client: { recordSizeLimit: 1000 } });
    s.completeHandshake({ encryptedExtensions: (x) => setExt(x, ExtensionType.record_size_limit, encodeRecordSizeLimit(300)) });
    expect(s.client.info?.recordLimits).toMatchObject({ peerRecordSizeLimit: 300, ownRecordSizeLimit: 1000 });
    const from = s.clientRaw.length;
    s.client.write(new Uint8Array(1000).fill(0x61));
    s.readClient();
    expect(clientInnerLengths(s, from)).toEqual([300, 300, 300, 104]); // 299 + 299 + 299 + 103 bytes of content
    expect(s.clientAppData()).toBe('a'.repeat(1000));
    // 999 bytes + the type byte = 1000: at the limit. With one byte of padding: over it.
    expect(s.send(appRec(CT.appData, new Uint8Array(999)))).toBeUndefined();
    expectRefused(s, s.send(appRec(CT.appData, new Uint8Array(999), { padding: 1 })), 'RECORD_OVERFLOW', 'record_overflow');
  });
  it('a value below 64 is illegal_parameter; above 2^14+1 means 2^14+1', () => {
    const s = new FakeServer13({ client: { recordSizeLimit: 64 } });
    expectRefused(s, s.handshake({ encryptedExtensions: (x) => x.push(ext(ExtensionType.record_size_limit, encodeRecordSizeLimit(63))) }), 'ILLEGAL_VALUE', 'illegal_parameter');
    const big = new FakeServer13({ client: { recordSizeLimit: 64 } });
    big.completeHandshake({ encryptedExtensions: (x) => x.push(ext(ExtensionType.record_size_limit, encodeRecordSizeLimit(65535))), records: splitTo(63) });
    expect(big.client.info?.recordLimits).toMatchObject({ peerRecordSizeLimit: 16385, ownRecordSizeLimit: 64 });
    expectRefused(big, big.send(appRec(CT.appData, new Uint8Array(64))), 'RECORD_OVERFLOW', 'record_overflow');
  });
});

describe('TLS 1.3 padding policy', () => {
  it('recordPadding pads every protected record to a multiple, within the peer limit', () => {
    const s = new FakeServer13({ client: { recordPadding: 256 } });
    s.completeHandshake();
    const from = s.clientRaw.length;
    for (const n of [1, 200, 255, 256, 1000]) s.client.write(new Uint8Array(n).fill(0x61));
    s.readClient();
    expect(clientInnerLengths(s, from)).toEqual([256, 256, 256, 512, 1024]);
    expect(s.clientAppData().length).toBe(1 + 200 + 255 + 256 + 1000);

    const lim = new FakeServer13({ client: { recordPadding: 256, recordSizeLimit: 1000 } });
    lim.completeHandshake({ encryptedExtensions: (x) => setExt(x, ExtensionType.record_size_limit, encodeRecordSizeLimit(300)) });
    const f2 = lim.clientRaw.length;
    lim.client.write(new Uint8Array(290));
    lim.readClient();
    expect(clientInnerLengths(lim, f2)).toEqual([300]); // padding stops at the limit
  });
});

describe('handshake message size limit', () => {
  /** A Certificate message of `size` body bytes: the real chain plus one junk entry (its parse fails after the size check). */
  const bigCertificate = (size: number) => (name: string, raw: Uint8Array): Uint8Array[] => {
    if (name !== 'certificate') return [raw];
    const body = raw.subarray(4);
    const listLen = (body[1]! << 16) | (body[2]! << 8) | body[3]!;
    const junk = size - body.length - 5; // cert_data u24 + extensions u16
    const out = new Uint8Array(size);
    out.set(body.subarray(0, 1 + 3 + listLen));
    const nl = listLen + 5 + junk;
    out.set([nl >> 16, (nl >> 8) & 0xff, nl & 0xff], 1);
    const at = 4 + listLen;
    out.set([junk >> 16, (junk >> 8) & 0xff, junk & 0xff], at);
    return [hsMsg(11, out)];
  };
  it('a Certificate message of 100 KiB passes the size check by default; other messages stay at 64 KiB + 1 KiB', () => {
    const s = new FakeServer13();
    // The junk entry is an extra certificate the path never uses: the handshake completes.
    s.completeHandshake({ message: bigCertificate(102400), records: splitTo(16000) });
    const over = new FakeServer13();
    const t1 = over.handshake({ message: bigCertificate(102401), records: splitTo(16000) }) as TlsError;
    expect(t1.code).toBe('MALFORMED_MESSAGE');
    expect(t1.explanation).toMatch(/certificate message of 102401 bytes exceeds the limit of 102400/);
    const e = new FakeServer13();
    const t2 = e.handshake({
      message: (name, raw) => (name === 'encrypted_extensions' ? [hsMsg(8, new Uint8Array(0x11010))] : [raw]),
      records: splitTo(16000),
    }) as TlsError;
    expect(t2.code).toBe('MALFORMED_MESSAGE');
    expect(t2.explanation).toMatch(/encrypted_extensions message of 69648 bytes exceeds the limit of 66560/);
  });
  it('maxHandshakeSize lowers (or raises) the Certificate limit', () => {
    const s = new FakeServer13({ client: { maxHandshakeSize: 50_000 } });
    const t = s.handshake({ message: bigCertificate(60_000), records: splitTo(16000) }) as TlsError;
    expect(t.code).toBe('MALFORMED_MESSAGE');
    expect(t.explanation).toMatch(/certificate message of 60000 bytes exceeds the limit of 50000 \(raise `maxHandshakeSize`/);
    const r = new FakeServer13({ client: { maxHandshakeSize: 200_000 } });
    r.completeHandshake({ message: bigCertificate(150_000), records: splitTo(16000) });
  });
});
