/**
 * Issue 8, finding Info: X.509 names compare structurally (RFC 5280 §7.1), RDN by RDN and
 * attribute by attribute. Before the fix the comparison key joined attribute values with
 * unescaped `,` `+` `=`, so a single attribute CN="a,2.5.4.3=b" compared equal to the two RDNs
 * CN=a, CN=b, and an issuer name could be forged from a subject value.
 */
import { describe, expect, it } from 'vitest';
import { readSingle } from '../../src/wire/der.js';
import { parseName } from '../../src/x509/name.js';
import { CN, cnName, craftCertificate, fakeSignature, name, oddOfBits, rsaSpki } from '../helpers/der-build.js';
import { verifyChain } from '../../src/x509/index.js';

const O = '2.5.4.10';
const parse = (der: Uint8Array) => parseName(readSingle(der));

describe('name comparison is structural (RFC 5280 §7.1)', () => {
  it('CN=a\\,2.5.4.3=b (one attribute) differs from [CN=a][CN=b] (two RDNs)', () => {
    const one = parse(name([[[CN, 'a,2.5.4.3=b']]]));
    const two = parse(name([[[CN, 'a']], [[CN, 'b']]]));
    expect(one.key).not.toBe(two.key);
    expect(one.text).toBe('CN=a\\,2.5.4.3\\=b');
  });

  it('CN="a+2.5.4.10=b" (one attribute) differs from the multi-valued RDN CN=a+O=b', () => {
    const one = parse(name([[[CN, 'a+2.5.4.10=b']]]));
    const multi = parse(name([[[CN, 'a'], [O, 'b']]]));
    expect(one.key).not.toBe(multi.key);
    expect(one.rdnKeys).not.toEqual(multi.rdnKeys);
  });

  it('a value with quotes or backslashes cannot forge the separators either', () => {
    const forged = parse(name([[[CN, 'a"],["2.5.4.3="b']]]));
    const two = parse(name([[[CN, 'a']], [[CN, 'b']]]));
    expect(forged.key).not.toBe(two.key);
  });

  it('still equal: a multi-valued RDN in another order, case and inner whitespace (RFC 4518 folding)', () => {
    expect(parse(name([[[CN, 'a'], [O, 'b']]])).key).toBe(parse(name([[[O, 'b'], [CN, 'a']]])).key);
    expect(parse(name([[[CN, ' Example   CA ']]])).key).toBe(parse(name([[[CN, 'example ca']]])).key);
    // ...but RDN order matters
    expect(parse(name([[[CN, 'a']], [[O, 'b']]])).key).not.toBe(parse(name([[[O, 'b']], [[CN, 'a']]])).key);
  });

  it('a CA named [CN=a][CN=b] is not a candidate issuer of a certificate issued by CN="a,2.5.4.3=b"', () => {
    const caName = name([[[CN, 'a']], [[CN, 'b']]]);
    const ca = craftCertificate({ subject: caName, issuer: caName, spki: rsaSpki(oddOfBits(2048), 65537n), signature: fakeSignature(2048) });
    const leaf = craftCertificate({ subject: cnName('leaf'), issuer: name([[[CN, 'a,2.5.4.3=b']]]), spki: rsaSpki(oddOfBits(2048), 65537n), signature: fakeSignature(2048) });
    const r = verifyChain([leaf], { trustAnchors: [ca], policy: { webpkiProfile: false } });
    expect(r.chain.length).toBe(1);
    expect(r.certificates[0]!.reasons.join(' ')).toMatch(/no trust anchor issued/);
  });
});
