/**
 * Adversarial inputs within each limit (issue 8): the worst a server flight can make the client
 * do, measured in CPU time (process.cpuUsage) and heap growth. Goal: every case < 1 s of CPU.
 *
 *   npm run bench:adversarial
 *
 * Cases (certificates crafted with test/helpers/der-build.ts; nothing is signed for real):
 * - the attack: leaf + 2 same-named issuers with 8192-bit modulus and exponent (refused
 *   at parse time now);
 * - the largest legal keys: leaf + as many same-named RSA-16384 (e = 2^32 − 1) issuers as fit
 *   in one 64 KiB Certificate message, each a candidate (signature budget);
 * - the same with RSA-4096 keys (more candidates fit; candidate and budget limits).
 */
import { verifyChain } from '../src/x509/index.js';
import { caExtensions, cnName, craftCertificate, fakeSignature, leafExtensions, oddOfBits, rsaSpki } from '../test/helpers/der-build.js';

const MESSAGE_LIMIT = 0x10000;
const AKI = Uint8Array.of(1, 2, 3, 4);

function flight(bits: number, exponent: (n: bigint) => bigint, maxIssuers: number): Uint8Array[] {
  const leaf = craftCertificate({ subject: cnName('victim'), issuer: cnName('Evil CA'), spki: rsaSpki(oddOfBits(2048), 65537n), extensions: leafExtensions('example.com', AKI), signature: fakeSignature(bits) });
  const chain = [leaf];
  let size = leaf.length + 3;
  for (let i = 0; i < maxIssuers; i++) {
    const n = oddOfBits(bits);
    const c = craftCertificate({ subject: cnName('Evil CA'), issuer: cnName('Evil CA'), spki: rsaSpki(n, exponent(n)), extensions: caExtensions(AKI), signature: fakeSignature(bits) });
    if (size + c.length + 3 > MESSAGE_LIMIT) break;
    size += c.length + 3;
    chain.push(c);
  }
  return chain;
}

function measure(name: string, run: () => string): void {
  const heap0 = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const verdict = run();
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  const heap = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  console.log(`| ${name} | ${((c.user + c.system) / 1000).toFixed(0)} | ${wall.toFixed(0)} | ${heap.toFixed(1)} | ${verdict} |`);
}

console.log('| case | CPU ms | wall ms | heap MiB | verdict |');
console.log('| --- | --- | --- | --- | --- |');
const cases: Array<[string, number, (n: bigint) => bigint, number]> = [
  ['leaf + 2 issuers, RSA-8192 modulus and 8192-bit exponent (the issue)', 8192, (n) => n - 2n, 2],
  ['leaf + 2 issuers, RSA-16384 modulus and 16384-bit exponent', 16384, (n) => n - 2n, 2],
  ['leaf + max issuers in 64 KiB, RSA-16384, e = 2^32 − 1 (largest legal keys)', 16384, () => 0xffff_ffffn, 1000],
  ['leaf + max issuers in 64 KiB, RSA-4096, e = 2^32 − 1 (most candidates)', 4096, () => 0xffff_ffffn, 1000],
];
for (const [name, bits, e, count] of cases) {
  const chain = flight(bits, e, count);
  measure(`${name} [${chain.length - 1} issuers, ${(chain.reduce((a, c) => a + c.length, 0) / 1024).toFixed(0)} KiB]`, () => {
    const r = verifyChain(chain, { trustAnchors: [], name: { kind: 'dns', value: 'example.com' } });
    return r.flags.join(',');
  });
}
