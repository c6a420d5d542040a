/**
 * Residual timing of MAC-then-encrypt CBC records (RFC 5246 §6.2.3.2, Lucky13): time
 * Tls12CbcProtection.open() on 16 KiB records whose decrypted padding is valid with length 0,
 * 127 or 255, or invalid, and print the mean per record and the worst difference between cases.
 * Every record fails its MAC check (nothing here is authentic), so only the padding differs.
 *
 *   npm run bench:cbc
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { Tls12CbcProtection } from '../src/record/protection12.js';

const key = randomBytes(16);
const macKey = randomBytes(20);
const SIZE = 16384;

/** One record (IV || AES-CBC(plaintext)) whose plaintext ends with the given padding. */
function record(pad: number, valid: boolean): Uint8Array {
  const pt = randomBytes(SIZE);
  for (let i = SIZE - 1 - pad; i < SIZE; i++) pt[i] = pad;
  if (!valid) pt[SIZE - 2] = (pad + 1) & 0xff;
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([iv, c.update(pt), c.final()]));
}

const cases: Array<[string, number, boolean]> = [
  ['valid padding, length 0', 0, true],
  ['valid padding, length 127', 127, true],
  ['valid padding, length 255', 255, true],
  ['invalid padding (length byte 127)', 127, false],
];
const hdr = Uint8Array.of(23, 3, 3, 0, 0);
const rounds = 8;
const reps = 200;
const best = new Map<string, number>();
for (let r = 0; r < rounds; r++) {
  // Rotate the order each round, so that no case always runs first (JIT, GC, cache).
  const order = cases.map((_, i) => cases[(i + r) % cases.length]!);
  for (const [name, pad, valid] of order) {
    const p = new Tls12CbcProtection({ key, macKey, macHash: 'sha1', encryptThenMac: false, random: randomBytes });
    const recs = Array.from({ length: reps }, () => record(pad, valid));
    const t0 = process.hrtime.bigint();
    for (const rec of recs) {
      try {
        p.open(hdr, 23, rec);
      } catch {
        // bad_record_mac, always
      }
    }
    const us = Number(process.hrtime.bigint() - t0) / 1000 / reps;
    best.set(name, Math.min(best.get(name) ?? Infinity, us));
  }
}
console.log('| MAC-then-encrypt record (16 KiB, AES-128-CBC, HMAC-SHA1) | µs per open (best of 8 rounds) |');
console.log('| --- | --- |');
for (const [name, us] of best) console.log(`| ${name} | ${us.toFixed(2)} |`);
const v = [...best.values()];
const worst = Math.max(...v) - Math.min(...v);
console.log(`\nworst difference: ${worst.toFixed(2)} µs (${((worst / Math.min(...v)) * 100).toFixed(2)} %)`);
