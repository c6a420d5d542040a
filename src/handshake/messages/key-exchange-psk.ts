/**
 * TLS 1.2 PSK key exchange messages (RFC 4279 §2, RFC 5489 §2), encode and decode side by side:
 *
 *     PSK:        ServerKeyExchange { opaque psk_identity_hint<0..2^16-1>; }
 *                 ClientKeyExchange { opaque psk_identity<0..2^16-1>; }
 *     ECDHE_PSK:  ServerKeyExchange { psk_identity_hint<0..2^16-1>; ServerECDHParams params; }
 *                 ClientKeyExchange { psk_identity<0..2^16-1>; ClientECDiffieHellmanPublic public; }
 *
 * and the premaster secret of both (RFC 4279 §2, RFC 5489 §2):
 *     uint16 N, other_secret[N] (N zeros for PSK; the ECDH secret for ECDHE_PSK), uint16 M, psk[M].
 */
import { peerError } from '../../errors.js';
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { ECCurveType } from './key-exchange12.js';

export interface ServerKeyExchangePsk {
  hint: Uint8Array;
  /** ECDHE_PSK only. */
  ecdh?: { group: number; publicKey: Uint8Array };
}

export function encodeServerKeyExchangePsk(s: ServerKeyExchangePsk): Uint8Array {
  return write((w) => {
    w.vec16(s.hint);
    if (s.ecdh) {
      w.u8(ECCurveType.named_curve);
      w.u16(s.ecdh.group);
      w.vec8(s.ecdh.publicKey);
    }
  });
}
export function decodeServerKeyExchangePsk(body: Uint8Array, ecdhe: boolean): ServerKeyExchangePsk {
  const r = new Reader(body, 'ServerKeyExchange');
  const hint = r.vec16('psk_identity_hint');
  if (!ecdhe) {
    r.end();
    return { hint };
  }
  const curveType = r.u8('curve_type');
  // RFC 8422 §5.4: only named_curve.
  if (curveType !== ECCurveType.named_curve) throw peerError('ILLEGAL_VALUE', 'unsupported_curve_type', `ServerKeyExchange: unsupported curve_type ${curveType}`);
  const group = r.u16('namedcurve');
  const publicKey = r.vec8('point', 1);
  r.end();
  return { hint, ecdh: { group, publicKey } };
}

export function encodeClientKeyExchangePsk(identity: Uint8Array, ecdhPublic?: Uint8Array): Uint8Array {
  return write((w) => {
    w.vec16(identity);
    if (ecdhPublic) w.vec8(ecdhPublic);
  });
}
export function decodeClientKeyExchangePsk(body: Uint8Array, ecdhe: boolean): { identity: Uint8Array; ecdhPublic?: Uint8Array } {
  const r = new Reader(body, 'ClientKeyExchange');
  const identity = r.vec16('psk_identity');
  const ecdhPublic = ecdhe ? r.vec8('ecdh_Yc', 1) : undefined;
  r.end();
  return ecdhPublic ? { identity, ecdhPublic } : { identity };
}

/** RFC 4279 §2 / RFC 5489 §2: the premaster secret from the other secret and the PSK. */
export function pskPremasterSecret(psk: Uint8Array, otherSecret?: Uint8Array): Uint8Array {
  const other = otherSecret ?? new Uint8Array(psk.length);
  return write((w) => {
    w.vec16(other);
    w.vec16(psk);
  });
}
