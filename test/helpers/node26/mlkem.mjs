// ML-KEM through OpenSSL 3.5 (Node 26's node:crypto), for cross-checking @noble/post-quantum:
// run by test/helpers/node26.ts. Reads a JSON array of operations on stdin, writes a JSON array
// of results. Keys are imported from their FIPS 203 seed d || z in the PKCS#8 "seed" form of
// draft-ietf-lamps-kyber-certificates (OCTET STRING { [0] seed }).
//   { op: "keygen", kem: "ml-kem-768", seed }        -> { ek }
//   { op: "decaps", kem, seed, ct }                    -> { ss }
//   { op: "encaps", kem, ek }                          -> { ct, ss }
// (all values hex)
import crypto from 'node:crypto';

const OID = { 'ml-kem-512': '0609608648016503040401', 'ml-kem-768': '0609608648016503040402', 'ml-kem-1024': '0609608648016503040403' };
const der = (tag, body) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const len = (n) => (n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 255]));
function privateFromSeed(kem, seedHex) {
  const seed = Buffer.from(seedHex, 'hex');
  const alg = der(0x30, Buffer.from(OID[kem], 'hex'));
  const pk8 = der(0x30, Buffer.concat([Buffer.from('020100', 'hex'), alg, der(0x04, der(0x80, seed))]));
  return crypto.createPrivateKey({ key: pk8, format: 'der', type: 'pkcs8' });
}
function publicFromRaw(kem, ekHex) {
  const alg = der(0x30, Buffer.from(OID[kem], 'hex'));
  const spki = der(0x30, Buffer.concat([alg, der(0x03, Buffer.concat([Buffer.from([0]), Buffer.from(ekHex, 'hex')]))]));
  return crypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
}
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((o) => {
    try {
      if (o.op === 'keygen') return { ek: crypto.createPublicKey(privateFromSeed(o.kem, o.seed)).export({ format: 'raw-public' }).toString('hex') };
      if (o.op === 'decaps') return { ss: crypto.decapsulate(privateFromSeed(o.kem, o.seed), Buffer.from(o.ct, 'hex')).toString('hex') };
      if (o.op === 'encaps') {
        const r = crypto.encapsulate(publicFromRaw(o.kem, o.ek));
        return { ct: r.ciphertext.toString('hex'), ss: r.sharedKey.toString('hex') };
      }
      return { error: `unknown op ${o.op}` };
    } catch (e) {
      return { error: e.message };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
