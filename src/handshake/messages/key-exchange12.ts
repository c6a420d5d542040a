/**
 * The TLS 1.2 key exchange messages: ServerKeyExchange (RFC 8422 §5.4 for ECDHE, RFC 5246
 * §7.4.3 for DHE) and ClientKeyExchange (RFC 8422 §5.7, RFC 5246 §7.4.7).
 *
 *     enum { explicit_prime(1), explicit_char2(2), named_curve(3), (255) } ECCurveType;
 *     struct { ECCurveType curve_type; select (curve_type) { case named_curve: NamedCurve namedcurve; }; } ECParameters;
 *     struct { opaque point<1..2^8-1>; } ECPoint;
 *     struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 *     struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 *     struct {
 *         select (KeyExchangeAlgorithm) {
 *             case ec_diffie_hellman: ServerECDHParams params; digitally-signed struct {...} signed_params;
 *             case dhe_rsa:           ServerDHParams params;   digitally-signed struct {...} signed_params;
 *         };
 *     } ServerKeyExchange;
 *     digitally-signed = SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>;
 *
 *     ClientKeyExchange: ECDHE: opaque point<1..2^8-1>; DHE: opaque dh_Yc<1..2^16-1>;
 *                        RSA: opaque EncryptedPreMasterSecret<0..2^16-1> (public-key-encrypted).
 *
 * The signature covers client_random + server_random + the params exactly as sent
 * (RFC 8422 §5.4, RFC 5246 §7.4.3), so the decoders keep `params` as the original bytes.
 */
import { peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { readDigitallySigned, writeDigitallySigned } from './certificate-verify.js';

export const ECCurveType = { explicit_prime: 1, explicit_char2: 2, named_curve: 3 } as const;

export interface ServerKeyExchangeEcdhe {
  /** The ServerECDHParams bytes, the signed content after the randoms. */
  params: Uint8Array;
  group: number;
  publicKey: Uint8Array;
  scheme: number;
  signature: Uint8Array;
}

/** ServerECDHParams bytes: curve_type named_curve, the group, the point. */
export function encodeEcdheParams(group: number, publicKey: Uint8Array): Uint8Array {
  return write((w) => {
    w.u8(ECCurveType.named_curve);
    w.u16(group);
    w.vec8(publicKey);
  });
}

export function encodeServerKeyExchangeEcdhe(s: { group: number; publicKey: Uint8Array; scheme: number; signature: Uint8Array }): Uint8Array {
  return write((w) => {
    w.bytes(encodeEcdheParams(s.group, s.publicKey));
    writeDigitallySigned(w, s);
  });
}
export function decodeServerKeyExchangeEcdhe(body: Uint8Array): ServerKeyExchangeEcdhe {
  const r = new Reader(body, 'ServerKeyExchange');
  const curveType = r.u8('curve_type');
  // RFC 8422 §5.4: explicit curves are deprecated and only named_curve is used.
  if (curveType !== ECCurveType.named_curve) {
    throw peerError('ILLEGAL_VALUE', 'unsupported_curve_type', `ServerKeyExchange: unsupported curve_type ${curveType}`);
  }
  const group = r.u16('namedcurve');
  const publicKey = r.vec8('point', 1);
  const params = body.subarray(0, r.offset);
  const { scheme, signature } = readDigitallySigned(r);
  r.end();
  return { params, group, publicKey, scheme, signature };
}

export interface ServerKeyExchangeDhe {
  params: Uint8Array;
  p: Uint8Array;
  g: Uint8Array;
  Ys: Uint8Array;
  scheme: number;
  signature: Uint8Array;
}

/** ServerDHParams bytes. */
export function encodeDheParams(p: Uint8Array, g: Uint8Array, Ys: Uint8Array): Uint8Array {
  return write((w) => {
    w.vec16(p);
    w.vec16(g);
    w.vec16(Ys);
  });
}

export function encodeServerKeyExchangeDhe(s: { p: Uint8Array; g: Uint8Array; Ys: Uint8Array; scheme: number; signature: Uint8Array }): Uint8Array {
  return write((w) => {
    w.bytes(encodeDheParams(s.p, s.g, s.Ys));
    writeDigitallySigned(w, s);
  });
}
export function decodeServerKeyExchangeDhe(body: Uint8Array): ServerKeyExchangeDhe {
  const r = new Reader(body, 'ServerKeyExchange');
  const p = r.vec16('dh_p', 1);
  const g = r.vec16('dh_g', 1);
  const Ys = r.vec16('dh_Ys', 1);
  const params = body.subarray(0, r.offset);
  const { scheme, signature } = readDigitallySigned(r);
  r.end();
  return { params, p, g, Ys, scheme, signature };
}

/** ClientKeyExchange, ECDHE: the client's point. */
export function encodeClientKeyExchangeEcdhe(publicKey: Uint8Array): Uint8Array {
  return write((w) => w.vec8(publicKey));
}
export function decodeClientKeyExchangeEcdhe(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'ClientKeyExchange');
  const v = r.vec8('point', 1);
  r.end();
  return v;
}

/** ClientKeyExchange, DHE: dh_Yc. */
export function encodeClientKeyExchangeDhe(Yc: Uint8Array): Uint8Array {
  return write((w) => w.vec16(Yc));
}
export function decodeClientKeyExchangeDhe(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'ClientKeyExchange');
  const v = r.vec16('dh_Yc', 1);
  r.end();
  return v;
}

/** ClientKeyExchange, RSA: the encrypted premaster secret (u16-prefixed since TLS 1.0). */
export function encodeClientKeyExchangeRsa(encryptedPms: Uint8Array): Uint8Array {
  return write((w) => w.vec16(encryptedPms));
}
export function decodeClientKeyExchangeRsa(body: Uint8Array): Uint8Array {
  const r = new Reader(body, 'ClientKeyExchange');
  const v = r.vec16('EncryptedPreMasterSecret');
  r.end();
  return v;
}
