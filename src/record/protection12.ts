/**
 * TLS 1.2 record protection (RFC 5246 §6.2.3): the AEAD suites (AES-GCM, RFC 5288 §3;
 * ChaCha20-Poly1305, RFC 7905 §2) and the AES-CBC + HMAC suites, MAC-then-encrypt (RFC 5246
 * §6.2.3.2) or encrypt-then-MAC (RFC 7366). One object per direction and key; it owns the
 * 64-bit sequence number (RFC 5246 §6.1), which starts at 0 after each ChangeCipherSpec.
 *
 * The MAC-then-encrypt path is written against the Lucky Thirteen attack (AlFardan and
 * Paterson, 2013; RFC 7366 §1): padding is checked over the largest possible padding with
 * masks instead of branches, the MAC is always computed (over zero-padding content when the
 * padding is bad, as RFC 5246 §6.2.3.2 advises), the number of hash compression calls is made
 * independent of the padding length, the received MAC is read out with masks, and every
 * failure is the same single bad_record_mac.
 */
import type { Aead } from '../crypto/types.js';
import { aesCbcDecryptNoPad, aesCbcEncryptNoPad } from '../crypto/aead.js';
import { createHash, createHmac, type HashName } from '../crypto/hash.js';
import type { RandomSource } from '../crypto/random.js';
import { internalError, peerError, type TlsError } from '../errors.js';
import { MAX_CIPHERTEXT_12, MAX_PLAINTEXT, RECORD_HEADER_LENGTH, ContentType } from './content-type.js';
import { writeRecordHeader, type OpenedRecord, type RecordProtection } from './protection.js';

const TLS12 = 0x0303;
const BLOCK = 16;
/** RFC 5246 §6.1: sequence numbers MUST NOT wrap; renegotiation is never done, so stop. */
const SEQ_LIMIT = (1n << 64n) - 1n;

function writeSeq(out: Uint8Array, offset: number, seq: bigint): void {
  let s = seq;
  for (let i = offset + 7; i >= offset; i--) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
}

/**
 * RFC 5246 §6.2.3.1 / §6.2.3.3: seq_num(8) + type(1) + version(2) + length(2), the MAC input
 * prefix and the AEAD additional data.
 */
function pseudoHeader(seq: bigint, type: number, version: number, length: number): Uint8Array {
  const h = new Uint8Array(13);
  writeSeq(h, 0, seq);
  writeRecordHeader(h.subarray(8), type, version, length);
  return h;
}

function badRecordMac(): TlsError {
  return peerError('RECORD_AUTH_FAILED', 'record_authentication_failed', 'record failed authentication (wrong key, tampering or corruption)');
}

function checkOpenType(type: number): void {
  // ChangeCipherSpec never reaches a protection (the record layer hands it over as it is).
  if (type !== ContentType.handshake && type !== ContentType.alert && type !== ContentType.application_data) {
    throw peerError('UNEXPECTED_MESSAGE', 'unprotectable_content_type', `protected record of content type ${type}`);
  }
}

function checkOverflow(n: number): void {
  // RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048.
  if (n > MAX_CIPHERTEXT_12) throw peerError('RECORD_OVERFLOW', 'ciphertext_too_long', `encrypted record of ${n} bytes exceeds 2^14+2048`);
}

function checkPlaintext(n: number): void {
  // RFC 5246 §6.2.1: TLSPlaintext.length MUST NOT exceed 2^14.
  if (n > MAX_PLAINTEXT) throw peerError('RECORD_OVERFLOW', 'plaintext_too_long', `decrypted record of ${n} bytes exceeds 2^14`);
}

abstract class Sequenced {
  protected seq = 0n;
  get sequenceNumber(): bigint {
    return this.seq;
  }
  protected nextSeq(): bigint {
    if (this.seq >= SEQ_LIMIT) throw internalError('sequence_number_exhausted', 'record sequence number exhausted');
    return this.seq++;
  }
}

/**
 * AEAD records. GCM (RFC 5288 §3): nonce = salt(4, from the key block) || nonce_explicit(8),
 * and we send the sequence number as nonce_explicit (unique per key, as §3 requires).
 * ChaCha20-Poly1305 (RFC 7905 §2): nonce = iv(12) XOR padded seq_num, nothing explicit.
 */
export class Tls12AeadProtection extends Sequenced implements RecordProtection {
  readonly encrypted = true;
  readonly maxFragment = MAX_CIPHERTEXT_12;
  private readonly explicitLength: number;

  constructor(
    private readonly aead: Aead,
    /** 4-byte salt (GCM) or 12-byte IV (ChaCha20-Poly1305). */
    private readonly iv: Uint8Array,
  ) {
    super();
    if (iv.length !== 4 && iv.length !== 12) throw internalError('aead_iv_length', `TLS 1.2 AEAD IV must be 4 or 12 bytes, got ${iv.length}`);
    this.explicitLength = iv.length === 4 ? 8 : 0;
  }

  private nonce(seq: bigint, explicit: Uint8Array | undefined): Uint8Array {
    const n = new Uint8Array(12);
    if (this.explicitLength) {
      n.set(this.iv);
      n.set(explicit!, 4);
    } else {
      n.set(this.iv);
      let s = seq;
      for (let i = 11; i >= 4; i--) {
        n[i]! ^= Number(s & 0xffn);
        s >>= 8n;
      }
    }
    return n;
  }

  seal(type: number, plaintext: Uint8Array): Uint8Array {
    const seq = this.nextSeq();
    let explicit: Uint8Array | undefined;
    if (this.explicitLength) {
      explicit = new Uint8Array(8);
      writeSeq(explicit, 0, seq);
    }
    // RFC 5246 §6.2.3.3: additional_data = seq_num + type + version + length (of the plaintext).
    const aad = pseudoHeader(seq, type, TLS12, plaintext.length);
    // The record is built in one buffer and sealed in place; the body (after the header and
    // any explicit nonce) starts at a 4-byte-aligned offset so noble does not copy it.
    const len = this.explicitLength + plaintext.length + this.aead.tagLength;
    const lead = (4 - ((RECORD_HEADER_LENGTH + this.explicitLength) % 4)) % 4;
    const out = new Uint8Array(lead + RECORD_HEADER_LENGTH + len).subarray(lead);
    writeRecordHeader(out, type, TLS12, len);
    if (explicit) out.set(explicit, RECORD_HEADER_LENGTH);
    const body = out.subarray(RECORD_HEADER_LENGTH + this.explicitLength);
    body.set(plaintext);
    this.aead.sealInPlace(this.nonce(seq, explicit), aad, body, plaintext.length);
    return out;
  }

  open(hdr: Uint8Array, type: number, fragment: Uint8Array): OpenedRecord {
    checkOpenType(type);
    checkOverflow(fragment.length);
    const seq = this.nextSeq();
    const ptLen = fragment.length - this.explicitLength - this.aead.tagLength;
    if (ptLen < 0) throw badRecordMac();
    const explicit = this.explicitLength ? fragment.subarray(0, 8) : undefined;
    const version = (hdr[1]! << 8) | hdr[2]!;
    const aad = pseudoHeader(seq, type, version, ptLen);
    const pt = this.aead.open(this.nonce(seq, explicit), aad, fragment.subarray(this.explicitLength));
    if (pt === null) throw badRecordMac();
    checkPlaintext(pt.length);
    return { type, plaintext: pt };
  }
}

export interface CbcKeys {
  /** AES key: 16 or 32 bytes. */
  key: Uint8Array;
  macKey: Uint8Array;
  macHash: HashName;
  /** RFC 7366: encrypt-then-MAC was negotiated. */
  encryptThenMac: boolean;
  /** Source of the per-record explicit IVs (RFC 5246 §6.2.3.2: "SHOULD be chosen at random"). */
  random: RandomSource;
}

const MAC_LENGTH: Partial<Record<HashName, number>> = { sha1: 20, sha256: 32, sha384: 48 };
/** Hash block size and the length of its length field in the final padding block. */
const HASH_BLOCK: Partial<Record<HashName, { size: number; lengthField: number }>> = {
  sha1: { size: 64, lengthField: 8 },
  sha256: { size: 64, lengthField: 8 },
  sha384: { size: 128, lengthField: 16 },
};

/** 0xff when a < b, else 0 (for 0 ≤ a, b < 2^30): no branch on the values. */
function ltMask(a: number, b: number): number {
  return ((a - b) >> 31) & 0xff;
}
/** 0xff when a === b, else 0. */
function eqMask(a: number, b: number): number {
  const d = a ^ b;
  return (((d | -d) >> 31) & 0xff) ^ 0xff;
}

/**
 * AES-CBC with HMAC (RFC 5246 §6.2.3.2): each record is IV(16) || AES-CBC(content || MAC ||
 * padding) for MAC-then-encrypt, or IV(16) || AES-CBC(content || padding) || MAC for
 * encrypt-then-MAC, where the MAC covers the ciphertext (RFC 7366 §3).
 */
export class Tls12CbcProtection extends Sequenced implements RecordProtection {
  readonly encrypted = true;
  readonly maxFragment = MAX_CIPHERTEXT_12;
  private readonly macLength: number;
  private readonly block: { size: number; lengthField: number };

  constructor(private readonly k: CbcKeys) {
    super();
    const m = MAC_LENGTH[k.macHash];
    const b = HASH_BLOCK[k.macHash];
    if (!m || !b) throw internalError('unknown_mac_hash', `no CBC record MAC with ${k.macHash}`);
    if (k.key.length !== 16 && k.key.length !== 32) throw internalError('cbc_key_length', 'AES-CBC key must be 16 or 32 bytes');
    this.macLength = m;
    this.block = b;
  }

  get encryptThenMac(): boolean {
    return this.k.encryptThenMac;
  }

  private mac(seq: bigint, type: number, version: number, data: Uint8Array, data2?: Uint8Array): Uint8Array {
    const len = data.length + (data2 ? data2.length : 0);
    const h = createHmac(this.k.macHash, this.k.macKey).update(pseudoHeader(seq, type, version, len)).update(data);
    if (data2) h.update(data2);
    return h.digest();
  }

  /** content || [MAC] || padding, padded to the block size (RFC 5246 §6.2.3.2: padding_length + 1 bytes of padding_length). */
  private pad(content: Uint8Array, mac: Uint8Array | undefined): Uint8Array {
    const inner = content.length + (mac ? mac.length : 0);
    const total = Math.ceil((inner + 1) / BLOCK) * BLOCK;
    const out = new Uint8Array(total);
    out.set(content);
    if (mac) out.set(mac, content.length);
    out.fill(total - inner - 1, inner);
    return out;
  }

  seal(type: number, plaintext: Uint8Array): Uint8Array {
    const seq = this.nextSeq();
    const iv = this.k.random(BLOCK);
    let body: Uint8Array;
    let tag: Uint8Array | undefined;
    if (this.k.encryptThenMac) {
      const ct = aesCbcEncryptNoPad(this.k.key, iv, this.pad(plaintext, undefined));
      // RFC 7366 §3: MAC(MAC_write_key, seq_num + type + version + length + IV + ENC(content + padding)),
      // where length is that of IV + ciphertext.
      tag = this.mac(seq, type, TLS12, iv, ct);
      body = ct;
    } else {
      const mac = this.mac(seq, type, TLS12, plaintext);
      body = aesCbcEncryptNoPad(this.k.key, iv, this.pad(plaintext, mac));
    }
    const len = BLOCK + body.length + (tag ? tag.length : 0);
    const out = new Uint8Array(RECORD_HEADER_LENGTH + len);
    writeRecordHeader(out, type, TLS12, len);
    out.set(iv, RECORD_HEADER_LENGTH);
    out.set(body, RECORD_HEADER_LENGTH + BLOCK);
    if (tag) out.set(tag, RECORD_HEADER_LENGTH + BLOCK + body.length);
    return out;
  }

  open(hdr: Uint8Array, type: number, fragment: Uint8Array): OpenedRecord {
    checkOpenType(type);
    checkOverflow(fragment.length);
    const seq = this.nextSeq();
    const version = (hdr[1]! << 8) | hdr[2]!;
    return this.k.encryptThenMac ? this.openEtm(seq, type, version, fragment) : this.openMte(seq, type, version, fragment);
  }

  /** RFC 7366 §3: check the MAC over IV + ciphertext first, then decrypt and strip the padding. */
  private openEtm(seq: bigint, type: number, version: number, fragment: Uint8Array): OpenedRecord {
    const m = this.macLength;
    const ctLen = fragment.length - BLOCK - m;
    // Public lengths: at least one block, whole blocks.
    if (ctLen < BLOCK || ctLen % BLOCK !== 0) throw badRecordMac();
    const ivAndCt = fragment.subarray(0, BLOCK + ctLen);
    const expected = this.mac(seq, type, version, ivAndCt);
    const received = fragment.subarray(BLOCK + ctLen);
    let diff = 0;
    for (let i = 0; i < m; i++) diff |= expected[i]! ^ received[i]!;
    if (diff !== 0) throw badRecordMac();
    const pt = aesCbcDecryptNoPad(this.k.key, fragment.subarray(0, BLOCK), fragment.subarray(BLOCK, BLOCK + ctLen));
    const padLen = pt[pt.length - 1]!;
    // The MAC is good, so the padding is the peer's own: a plain check leaks nothing to an attacker.
    if (padLen + 1 > pt.length) throw badRecordMac();
    for (let i = pt.length - 1 - padLen; i < pt.length; i++) if (pt[i] !== padLen) throw badRecordMac();
    const content = pt.subarray(0, pt.length - 1 - padLen);
    checkPlaintext(content.length);
    return { type, plaintext: content };
  }

  /**
   * RFC 5246 §6.2.3.2, MAC-then-encrypt, in constant time with respect to the padding:
   *  1. decrypt (whole blocks; the length is public);
   *  2. padding check over the last 256 bytes with masks, never branching on a secret byte;
   *  3. the MAC over the content the padding implies (zero padding when it is bad), followed by
   *     dummy compression calls so the total is that of the largest content;
   *  4. the received MAC read out of every candidate position with masks;
   *  5. one decision: bad padding or bad MAC is the same bad_record_mac.
   */
  private openMte(seq: bigint, type: number, version: number, fragment: Uint8Array): OpenedRecord {
    const m = this.macLength;
    const ctLen = fragment.length - BLOCK;
    // Public lengths: whole blocks, room for the MAC and one byte of padding length.
    if (ctLen < BLOCK || ctLen % BLOCK !== 0 || ctLen < m + 1) throw badRecordMac();
    const pt = aesCbcDecryptNoPad(this.k.key, fragment.subarray(0, BLOCK), fragment.subarray(BLOCK));
    const L = pt.length;
    const padLen = pt[L - 1]!;

    // 2. good = 0xff when padLen + 1 + m <= L and the padLen bytes before the last all equal padLen.
    let good = ltMask(L - 1, padLen + m) ^ 0xff; // padLen + m <= L - 1
    const scan = Math.min(256, L);
    for (let i = 1; i <= scan; i++) {
      const b = pt[L - i]!;
      const inPad = ltMask(i - 1, padLen + 1); // i - 1 <= padLen
      // Inside the padding (the length byte included) every byte must equal padLen.
      good &= eqMask(b, padLen) | (inPad ^ 0xff);
    }
    // With bad padding, pretend there was none (RFC 5246 §6.2.3.2): padLen' = 0.
    const effPad = padLen & good;
    const contentLen = L - 1 - effPad - m; // >= 0: when good, padLen + m <= L - 1; else L - 1 - m >= 0
    const macStart = contentLen;

    // 3. The MAC, with a constant number of compression calls.
    const header = pseudoHeader(seq, type, version, contentLen);
    const expected = createHmac(this.k.macHash, this.k.macKey).update(header).update(pt.subarray(0, contentLen)).digest();
    const { size, lengthField } = this.block;
    const blocks = (n: number) => Math.floor((13 + n + lengthField) / size) + 1; // inner hash blocks after the key block
    const maxContent = L - 1 - m;
    const extra = blocks(maxContent) - blocks(contentLen);
    const dummy = createHash(this.k.macHash);
    dummy.update(new Uint8Array(size * (extra + 1))); // +1 so the dummy work is never zero
    dummy.digest();

    // 4. Read the received MAC from pt[macStart .. macStart + m) with masks over every candidate.
    let diff = 0;
    const from = Math.max(0, L - 1 - 255 - m);
    for (let i = from; i < L - 1; i++) {
      const j = i - macStart;
      const inMac = ltMask(i, macStart + m) & (ltMask(i, macStart) ^ 0xff);
      const e = expected[((j % m) + m) % m]!;
      diff |= (pt[i]! ^ e) & inMac;
    }
    // 5. One decision.
    if ((diff | (good ^ 0xff)) !== 0) throw badRecordMac();
    checkPlaintext(contentLen);
    return { type, plaintext: pt.subarray(0, contentLen) };
  }
}
