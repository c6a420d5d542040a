/**
 * TLS 1.3 external PSKs on the client (RFC 8446 §4.2.11, §4.2.11.2, §7.1; RFC 9258 is not
 * needed: the PSK is only offered for TLS 1.3 with its own hash).
 *
 * The ClientHello carries pre_shared_key last, with one identity (obfuscated_ticket_age 0 for an
 * external PSK) and one binder: HMAC(finished_key(binder_key), Transcript-Hash(truncated
 * ClientHello)), where binder_key = Derive-Secret(Early Secret, "ext binder", "") and the
 * truncated ClientHello stops right before the binders list. After a HelloRetryRequest the
 * transcript before it (message_hash, HRR) is hashed in too.
 */
import { HASH_LEN } from '../crypto/hash.js';
import type { ExternalPsk } from '../identity/psk.js';
import { encodeOfferedPsks, bindersBlockLength } from './extensions/index.js';
import { EarlySecretPhase, finishedVerifyData } from './key-schedule13.js';
import { Transcript } from './transcript.js';

/** The pre_shared_key extension with a zero binder of the right length (patched by fillBinder). */
export function offeredPskPlaceholder(psk: ExternalPsk): Uint8Array {
  return encodeOfferedPsks({
    identities: [{ identity: psk.identity, obfuscatedTicketAge: 0 }],
    binders: [new Uint8Array(HASH_LEN[psk.hash])],
  });
}

/** Compute the binder over the truncated ClientHello `raw` and write it into its last bytes. */
export function fillBinder(raw: Uint8Array, psk: ExternalPsk, before: Transcript | undefined): void {
  const len = HASH_LEN[psk.hash];
  const truncated = raw.subarray(0, raw.length - bindersBlockLength([len]));
  const t = before ? before.clone() : new Transcript(psk.hash);
  t.add(truncated);
  const binderKey = new EarlySecretPhase(psk.hash, psk.key).binderKey('external');
  raw.set(finishedVerifyData(psk.hash, binderKey, t.current()), raw.length - len);
}
