/**
 * Type-level tests, compiled by `npm run typecheck` (tsconfig.json includes test/) and never
 * run. Each `@ts-expect-error` line is a shape the compiler must reject: if a change makes it
 * compile, the directive itself is reported ("Unused '@ts-expect-error' directive") and the
 * typecheck fails. The lines without a directive show that the allowed shape still compiles.
 */
import { ExpectTraffic12 } from '../../src/handshake/client12/expect-traffic.js';
import { ExpectTraffic } from '../../src/handshake/client13/expect-traffic.js';
import type { HandshakeContext } from '../../src/handshake/state.js';
import {
  ChainAccepted,
  ChainVerified,
  FinishedVerified,
  HandshakeVerified,
  KeyTransported,
  PskAccepted,
  SignatureVerified,
  handshakeVerified,
  type CertificateDecision,
} from '../../src/handshake/verify.js';
import type { CipherSuite, Tls12CbcSuite, Tls13Suite } from '../../src/crypto/suites.js';
import type { HandshakeInfo } from '../../src/types.js';

type TrafficState = ConstructorParameters<typeof ExpectTraffic>[1];

export function completing(ctx: HandshakeContext, info: HandshakeInfo, proof: HandshakeVerified, fin: FinishedVerified, sig: SignatureVerified): void {
  ctx.complete(proof, info);
  // @ts-expect-error completing the handshake needs the HandshakeVerified proof
  ctx.complete(info);
  // @ts-expect-error the Finished proof alone does not complete the handshake
  ctx.complete(fin, info);
  // @ts-expect-error nor does the signature proof alone
  ctx.complete(sig, info);
}

export function verifiedHandshake(fin: FinishedVerified, chain: CertificateDecision, sig: SignatureVerified, kt: KeyTransported, psk: PskAccepted): void {
  handshakeVerified(fin, chain, sig);
  handshakeVerified(fin, chain, kt);
  handshakeVerified(fin, undefined, psk);
  // @ts-expect-error a PSK handshake has no certificate decision to add
  handshakeVerified(fin, chain, psk);
  // @ts-expect-error no PSK handshake without the PSK proof
  handshakeVerified(fin, undefined, undefined);
  // @ts-expect-error nor without the Finished proof
  handshakeVerified(undefined, undefined, psk);
  // @ts-expect-error no HandshakeVerified without the server-Finished proof
  handshakeVerified(undefined, chain, sig);
  // @ts-expect-error a signature proof is not a Finished proof
  handshakeVerified(sig, chain, sig);
  // @ts-expect-error no HandshakeVerified without the signature (or key-transport / PSK) proof
  handshakeVerified(fin, chain);
  // @ts-expect-error a certificate decision is not a key proof
  handshakeVerified(fin, chain, chain);
  // @ts-expect-error no HandshakeVerified without a certificate decision
  handshakeVerified(fin, undefined, sig);
}

export function traffic(proof: HandshakeVerified, t: TrafficState, sig: SignatureVerified, fin: FinishedVerified, write: { sequenceNumber: bigint }): void {
  new ExpectTraffic(proof, t);
  new ExpectTraffic12(proof, write);
  // @ts-expect-error ExpectTraffic cannot be built without the proof
  new ExpectTraffic(t);
  // @ts-expect-error ExpectTraffic cannot be built from the signature proof alone
  new ExpectTraffic(sig, t);
  // @ts-expect-error nor from the Finished proof alone
  new ExpectTraffic(fin, t);
  // @ts-expect-error TLS 1.2 traffic needs the proof too
  new ExpectTraffic12(write);
}

export function minting(accepted: ChainAccepted, decision: CertificateDecision): void {
  // @ts-expect-error a proof's constructor needs the mint only handshake/verify.ts holds
  new FinishedVerified();
  // @ts-expect-error a symbol of one's own is not that mint
  new FinishedVerified(Symbol('puretls.proof'));
  // @ts-expect-error likewise for the signature proof
  new SignatureVerified(Symbol('puretls.proof'), undefined);
  // @ts-expect-error and for the PSK proof
  new PskAccepted(Symbol('puretls.proof'), 'identity');
  // @ts-expect-error and for the whole-handshake proof
  new HandshakeVerified(Symbol('puretls.proof'), undefined, undefined, undefined);
  // @ts-expect-error a look-alike object is not a proof (the classes carry an ES private field)
  const forged: FinishedVerified = { proof: 'finished verified' };
  // @ts-expect-error verify 'none' / a failed 'optional' check is a ChainAccepted, never a ChainVerified
  const promoted: ChainVerified = accepted;
  // @ts-expect-error a decision may be either: it must be narrowed (status === 'ok') first
  const assumed: ChainVerified = decision;
  if (decision instanceof ChainVerified) {
    const ok: ChainVerified = decision;
    void ok;
  }
  void forged;
  void promoted;
  void assumed;
}

export function suites(s: CipherSuite, cbc: Tls12CbcSuite, aead13: Tls13Suite): void {
  void aead13.aead;
  void cbc.cbc.macHash;
  // @ts-expect-error a CBC suite has no AEAD
  void cbc.aead;
  // @ts-expect-error a TLS 1.3 suite has no record MAC
  void aead13.cbc;
  // @ts-expect-error nor a TLS 1.2 key exchange
  void aead13.kx;
  // @ts-expect-error any suite must be narrowed before its AEAD is read
  void s.aead;
  if (s.protection === 'aead') void s.aead;
  if (s.version === '1.2') void s.kx;
}
