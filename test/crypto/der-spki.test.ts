/**
 * The DER toolkit's strictness (X.690 §10) and parseSpki on keys we do and do not support.
 */
import { describe, expect, it } from 'vitest';
import * as nodeCrypto from 'node:crypto';
import { DerReader, derIntegerToBigint, oidToString, readSingle, readTlv } from '../../src/wire/der.js';
import { parseSpki } from '../../src/crypto/spki.js';
import { rsaVerifyPkcs1, rsaVerifyPss } from '../../src/crypto/rsa.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { DerError } from '../../src/wire/der.js';

const b = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    // The DER reader throws a plain DerError; crypto wraps a bad key in a CryptoError.
    return e instanceof DerError ? 'DerError' : e instanceof CryptoError ? `CryptoError:${e.kind}` : String(e);
  }
  return undefined;
};

describe('DER reader', () => {
  it('reads short and long lengths', () => {
    expect(readTlv(b('0403010203')).value).toEqual(b('010203'));
    const long = new Uint8Array([0x04, 0x81, 0x80, ...new Uint8Array(0x80)]);
    expect(readSingle(long).value.length).toBe(0x80);
  });
  it('rejects indefinite, non-minimal and truncated lengths, trailing data, high tags', () => {
    expect(codeOf(() => readTlv(b('3080 0000')))).toBe('DerError');
    expect(codeOf(() => readTlv(b('04 8101 00')))).toBe('DerError'); // long form for < 128
    expect(codeOf(() => readTlv(b('04 820001 00')))).toBe('DerError'); // leading zero length byte
    expect(codeOf(() => readTlv(b('04 05 0102')))).toBe('DerError');
    expect(codeOf(() => readSingle(b('0500 00')))).toBe('DerError');
    expect(codeOf(() => readTlv(b('1f 01 00')))).toBe('DerError');
  });
  it('INTEGER: minimal, sign', () => {
    expect(derIntegerToBigint(b('00'))).toBe(0n);
    expect(derIntegerToBigint(b('7f'))).toBe(127n);
    expect(derIntegerToBigint(b('0080'))).toBe(128n);
    expect(derIntegerToBigint(b('ff'), { allowNegative: true })).toBe(-1n);
    expect(derIntegerToBigint(b('ff7f'), { allowNegative: true })).toBe(-129n);
    expect(codeOf(() => derIntegerToBigint(b('0001')))).toBe('DerError');
    expect(codeOf(() => derIntegerToBigint(b('ff80'), { allowNegative: true }))).toBe('DerError');
    expect(codeOf(() => derIntegerToBigint(b('80')))).toBe('DerError');
    expect(codeOf(() => derIntegerToBigint(new Uint8Array(0)))).toBe('DerError');
  });
  it('OID to dotted string', () => {
    expect(oidToString(b('2a864886f70d010101'))).toBe('1.2.840.113549.1.1.1');
    expect(oidToString(b('2b6570'))).toBe('1.3.101.112');
    expect(oidToString(b('608648016503040201'))).toBe('2.16.840.1.101.3.4.2.1');
    expect(oidToString(b('8837'))).toBe('2.999');
    expect(codeOf(() => oidToString(b('2a8086')))).toBe('DerError'); // 0x80 padding
    expect(codeOf(() => oidToString(b('2a86')))).toBe('DerError'); // truncated
  });
  it('sequential reader: optional fields and end()', () => {
    const r = new DerReader(b('020105 a003020102 0500'));
    expect(r.integer('a')).toBe(5n);
    expect(r.optional(0xa1, 'x')).toBeUndefined();
    expect(new DerReader(r.optional(0xa0, 'y')!.value).integer('z')).toBe(2n);
    expect(codeOf(() => r.end())).toBe('DerError');
    r.null('n');
    r.end();
  });
});

describe('parseSpki', () => {
  const spki = (k: nodeCrypto.KeyObject) => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
  it('unsupported algorithms and curves come back as unsupported, with the OID', () => {
    const dsa = nodeCrypto.generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).publicKey;
    expect(parseSpki(spki(dsa))).toEqual({ kind: 'unsupported', algorithm: '1.2.840.10040.4.1' });
    const x25519 = nodeCrypto.generateKeyPairSync('x25519').publicKey;
    expect(parseSpki(spki(x25519))).toEqual({ kind: 'unsupported', algorithm: '1.3.101.110' });
    const k1 = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    const r = parseSpki(spki(k1));
    expect(r.kind).toBe('unsupported');
    expect(r.kind === 'unsupported' && r.algorithm).toContain('1.3.132.0.10');
  });
  it('malformed known keys are a CryptoError malformed_key (x509: BAD_CERTIFICATE)', () => {
    const ec = spki(nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey);
    const bad = ec.slice();
    bad[bad.length - 1]! ^= 1; // point off the curve
    expect(codeOf(() => parseSpki(bad))).toBe('CryptoError:malformed_key');
    expect(codeOf(() => parseSpki(ec.subarray(0, ec.length - 1)))).toBe('CryptoError:malformed_key');
    expect(codeOf(() => parseSpki(new Uint8Array([...ec, 0])))).toBe('CryptoError:malformed_key');
    expect(codeOf(() => parseSpki(new Uint8Array(0)))).toBe('CryptoError:malformed_key');
    const ed = spki(nodeCrypto.generateKeyPairSync('ed25519').publicKey);
    expect(codeOf(() => parseSpki(ed.subarray(0, ed.length - 1)))).toBe('CryptoError:malformed_key');
  });
});

describe('RSA verification edge cases', () => {
  const kp = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  const pub = parseSpki(new Uint8Array(kp.publicKey.export({ type: 'spki', format: 'der' })));
  if (pub.kind !== 'rsa') throw new Error('not rsa');
  const msg = new Uint8Array([1, 2, 3]);
  const sig = new Uint8Array(nodeCrypto.sign('sha256', msg, kp.privateKey));
  it('signature length must equal the modulus length; s < n', () => {
    expect(rsaVerifyPkcs1(pub, 'sha256', msg, sig)).toBe(true);
    expect(rsaVerifyPkcs1(pub, 'sha256', msg, new Uint8Array([0, ...sig]))).toBe(false);
    expect(rsaVerifyPkcs1(pub, 'sha256', msg, sig.subarray(1))).toBe(false);
    const n = Buffer.from(pub.n.toString(16).padStart(256, '0'), 'hex');
    expect(rsaVerifyPkcs1(pub, 'sha256', msg, new Uint8Array(n))).toBe(false);
    expect(rsaVerifyPss(pub, { hash: 'sha256', mgfHash: 'sha256', saltLength: 32 }, msg, new Uint8Array(n))).toBe(false);
  });
  it('a PSS salt too long for the key is rejected, not thrown', () => {
    expect(rsaVerifyPss(pub, { hash: 'sha512', mgfHash: 'sha512', saltLength: 100 }, msg, sig)).toBe(false);
  });
});
