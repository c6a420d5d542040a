import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificates, loadTrustAnchors, matchServerName, parseCertificate, parseIp, type Certificate } from '../../src/x509/index.js';
import { TlsError } from '../../src/errors.js';
import { Pki } from './pki.js';

let pki: Pki;
let cert: Certificate;
let cnOnly: Certificate;
let pems: string[];

beforeAll(() => {
  pki = new Pki();
  const a = pki.cert({
    name: 'names',
    subject: '/CN=ignored.example.net',
    ext: ['subjectAltName=DNS:*.example.com,DNS:f*.example.org,DNS:Mixed.Example.NET,DNS:*.com,IP:192.0.2.7,IP:2001:db8::1'],
  });
  const b = pki.cert({ name: 'cn-only', subject: '/O=Org/CN=cn.example.com', ext: ['basicConstraints=critical,CA:FALSE'] });
  cert = parseCertificate(a.der);
  cnOnly = parseCertificate(b.der);
  pems = [a.pem, b.pem];
});
afterAll(() => pki.cleanup());

const dns = (value: string) => ({ kind: 'dns' as const, value });
const ip = (value: string) => ({ kind: 'ip' as const, value });

describe('matchServerName (RFC 6125 / RFC 9525)', () => {
  it('a wildcard is the whole left-most label and matches exactly one label', () => {
    expect(matchServerName(cert, dns('www.example.com'))).toBe(true);
    expect(matchServerName(cert, dns('WWW.EXAMPLE.COM'))).toBe(true);
    expect(matchServerName(cert, dns('www.example.com.'))).toBe(true);
    expect(matchServerName(cert, dns('a.b.example.com'))).toBe(false);
    expect(matchServerName(cert, dns('example.com'))).toBe(false);
    expect(matchServerName(cert, dns('.example.com'))).toBe(false);
  });
  it('partial-label wildcards and wildcards over a TLD match nothing', () => {
    expect(matchServerName(cert, dns('foo.example.org'))).toBe(false);
    expect(matchServerName(cert, dns('f.example.org'))).toBe(false);
    expect(matchServerName(cert, dns('example.com'))).toBe(false);
    expect(matchServerName(cert, dns('x.com'))).toBe(false);
  });
  it('exact names compare case-insensitively (ASCII, A-labels)', () => {
    expect(matchServerName(cert, dns('mixed.example.net'))).toBe(true);
    expect(matchServerName(cert, dns('MIXED.example.NET'))).toBe(true);
    expect(matchServerName(cert, dns('mixed.example.ne'))).toBe(false);
  });
  it('malformed reference names never match', () => {
    expect(matchServerName(cert, dns('www_x.example.com'))).toBe(false);
    expect(matchServerName(cert, dns('*.example.com'))).toBe(false);
    expect(matchServerName(cert, dns(''))).toBe(false);
  });
  it('IPv4 and IPv6 SANs when connecting by address, never via DNS SANs', () => {
    expect(matchServerName(cert, ip('192.0.2.7'))).toBe(true);
    expect(matchServerName(cert, ip('192.0.2.8'))).toBe(false);
    expect(matchServerName(cert, ip('192.000.2.7'))).toBe(false);
    expect(matchServerName(cert, ip('2001:db8::1'))).toBe(true);
    expect(matchServerName(cert, ip('2001:DB8:0:0:0:0:0:1'))).toBe(true);
    expect(matchServerName(cert, ip('2001:db8::2'))).toBe(false);
    expect(matchServerName(cert, dns('192.0.2.7'))).toBe(false);
  });
  it('the subject CN is used only when enabled and there is no SAN', () => {
    expect(matchServerName(cert, dns('ignored.example.net'), true)).toBe(false);
    expect(matchServerName(cnOnly, dns('cn.example.com'))).toBe(false);
    expect(matchServerName(cnOnly, dns('cn.example.com'), true)).toBe(true);
    expect(matchServerName(cnOnly, dns('other.example.com'), true)).toBe(false);
  });
  it('parseIp is strict', () => {
    expect(parseIp('10.0.0.1')).toEqual(new Uint8Array([10, 0, 0, 1]));
    expect(parseIp('::ffff:10.0.0.1')).toEqual(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]));
    for (const bad of ['10.0.0', '10.0.0.256', '0x0a.0.0.1', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0']) expect(parseIp(bad), bad).toBeUndefined();
  });
});

describe('parseCertificate', () => {
  it('reads the fields and RFC 4514 names', () => {
    expect(cnOnly.subject).toBe('CN=cn.example.com,O=Org');
    expect(cert.sanDns).toEqual(['*.example.com', 'f*.example.org', 'Mixed.Example.NET', '*.com']);
    expect(cert.sanIp.map((x) => x.length)).toEqual([4, 16]);
    expect(cert.notAfter.getTime()).toBeGreaterThan(cert.notBefore.getTime());
    expect(cert.publicKey.kind).toBe('ec');
    expect(cert.serialHex).toMatch(/^[0-9a-f]+$/);
    expect(cnOnly.isCA).toBe(false);
  });
  it('throws BAD_CERTIFICATE for garbage, truncation and trailing bytes', () => {
    const der = loadCertificates(pems[0], 'x')[0]!;
    for (const bad of [new Uint8Array([1, 2, 3]), der.subarray(0, der.length - 1), new Uint8Array([...der, 0])]) {
      expect(() => parseCertificate(bad)).toThrow(TlsError);
      try {
        parseCertificate(bad);
      } catch (e) {
        expect((e as TlsError).code).toBe('BAD_CERTIFICATE');
        expect((e as TlsError).alertName).toBe('bad_certificate');
      }
    }
  });
});

describe('loadCertificates (PEM bundles and DER)', () => {
  it('reads bundles with comments, many entries, DER and PEM bytes', () => {
    const bundle = `# my CAs\n${pems[0]}\nsome comment\n${pems[1]}`;
    expect(loadCertificates(bundle, 'ca')).toHaveLength(2);
    const der = loadCertificates(pems[1], 'ca')[0]!;
    expect(loadCertificates([pems[0]!, der], 'ca')).toHaveLength(2);
    expect(loadCertificates(new TextEncoder().encode(bundle), 'ca')).toHaveLength(2);
    expect(loadCertificates(undefined, 'ca')).toEqual([]);
  });
  it('garbage is BAD_CONFIG naming the entry', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['hello', /ca\[0\]: no PEM CERTIFICATE block/],
      [[pems[0], '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----'], /ca\[1\].*not base64/],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /expected CERTIFICATE blocks/],
      ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', /not a DER certificate/],
      [new Uint8Array([0x30, 0x05, 1]), /ca\[0\]: not a DER certificate/],
    ];
    for (const [input, re] of cases) {
      try {
        loadCertificates(input as string, 'ca');
        expect.unreachable();
      } catch (e) {
        expect((e as TlsError).code).toBe('BAD_CONFIG');
        expect((e as TlsError).message).toMatch(re);
      }
    }
  });
  it('an empty store with verification required is BAD_CONFIG', () => {
    expect(() => loadTrustAnchors(undefined, 'required')).toThrow(/BAD_CONFIG/);
    expect(() => loadTrustAnchors([], 'required')).toThrow(/BAD_CONFIG/);
    expect(loadTrustAnchors(undefined, 'optional')).toEqual([]);
    expect(loadTrustAnchors(pems[0], 'required')).toHaveLength(1);
  });
});
