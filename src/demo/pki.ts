/**
 * A throw-away PKI made in memory: a CA and a leaf certificate for `localhost` / 127.0.0.1,
 * ECDSA P-256 with SHA-256, built with pkijs and signed by WebCrypto. Used by `puretls demo`
 * and by the tests that need a local node:tls server. Nothing touches the disk.
 *
 * Certificate profile: RFC 5280 §4.1 (v3, serial, validity), §4.2.1.9 basicConstraints,
 * §4.2.1.3 keyUsage, §4.2.1.12 extendedKeyUsage, §4.2.1.6 subjectAltName,
 * §4.2.1.1/§4.2.1.2 authority/subject key identifiers.
 */
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface PemKeyPair {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
  der: Uint8Array;
}

export interface DemoPki {
  ca: PemKeyPair;
  leaf: PemKeyPair;
}

export interface LeafOptions {
  dnsNames?: string[];
  ips?: string[];
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
}

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
let engineSet = false;

function useNodeEngine(): void {
  if (engineSet) return;
  pkijs.setEngine('node-webcrypto', new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as Crypto }));
  engineSet = true;
}

function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** A Name with one RDN: CN=cn (pkijs would put several attributes into one multi-valued RDN). */
function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })],
  });
}

function randomSerial(): asn1js.Integer {
  const b = webcrypto.getRandomValues(new Uint8Array(12));
  b[0] = (b[0]! & 0x7f) | 0x01; // positive, no leading zero (RFC 5280 §4.1.2.2)
  return new asn1js.Integer({ valueHex: b.buffer });
}

function ipBytes(ip: string): Uint8Array {
  if (ip.includes(':')) throw new Error('demo PKI: IPv6 SAN not supported');
  return Uint8Array.from(ip.split('.').map((x) => Number(x)));
}

async function keyId(publicKey: CryptoKey): Promise<ArrayBuffer> {
  // RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.
  const raw = await subtle.exportKey('raw', publicKey);
  return subtle.digest('SHA-1', raw);
}

interface Issued {
  cert: pkijs.Certificate;
  keys: CryptoKeyPair;
}

async function issue(opts: {
  subject: string;
  issuer?: Issued;
  ca: boolean;
  dnsNames?: string[];
  ips?: string[];
  notBefore?: Date;
  notAfter?: Date;
}): Promise<Issued> {
  useNodeEngine();
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  cert.subject = name(opts.subject);
  cert.issuer = opts.issuer ? opts.issuer.cert.subject : name(opts.subject);
  const now = Date.now();
  cert.notBefore.value = opts.notBefore ?? new Date(now - 60 * 60 * 1000);
  cert.notAfter.value = opts.notAfter ?? new Date(now + 24 * 60 * 60 * 1000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);

  const ski = await keyId(keys.publicKey);
  const extensions: pkijs.Extension[] = [
    new pkijs.Extension({
      extnID: '2.5.29.19',
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: opts.ca, ...(opts.ca ? { pathLenConstraint: 0 } : {}) }).toSchema().toBER(false),
    }),
    new pkijs.Extension({
      extnID: '2.5.29.15',
      critical: true,
      // keyUsage bits: digitalSignature (0) for a leaf; keyCertSign (5) + cRLSign (6) for a CA.
      extnValue: new asn1js.BitString({
        valueHex: Uint8Array.of(opts.ca ? 0x06 : 0x80).buffer,
        unusedBits: opts.ca ? 1 : 7,
      }).toBER(false),
    }),
    new pkijs.Extension({
      extnID: '2.5.29.14',
      extnValue: new asn1js.OctetString({ valueHex: ski }).toBER(false),
    }),
  ];
  if (opts.issuer) {
    const aki = await keyId(opts.issuer.keys.publicKey);
    extensions.push(
      new pkijs.Extension({
        extnID: '2.5.29.35',
        extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: aki }) })
          .toSchema()
          .toBER(false),
      }),
    );
  }
  if (!opts.ca) {
    extensions.push(
      new pkijs.Extension({
        extnID: '2.5.29.37',
        extnValue: new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.1'] }).toSchema().toBER(false),
      }),
    );
    const altNames = [
      ...(opts.dnsNames ?? []).map((d) => new pkijs.GeneralName({ type: 2, value: d })),
      ...(opts.ips ?? []).map(
        (ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(ip).buffer as ArrayBuffer }) }),
      ),
    ];
    if (altNames.length > 0) {
      extensions.push(
        new pkijs.Extension({
          extnID: '2.5.29.17',
          extnValue: new pkijs.GeneralNames({ names: altNames }).toSchema().toBER(false),
        }),
      );
    }
  }
  cert.extensions = extensions;
  await cert.sign((opts.issuer ?? { keys }).keys.privateKey, 'SHA-256');
  return { cert, keys };
}

async function toPem(i: Issued): Promise<PemKeyPair> {
  const der = new Uint8Array(i.cert.toSchema(true).toBER(false));
  const pkcs8 = await subtle.exportKey('pkcs8', i.keys.privateKey);
  return { cert: pem('CERTIFICATE', der), key: pem('PRIVATE KEY', pkcs8), der };
}

/** A CA → leaf chain; the leaf names `localhost` and 127.0.0.1 unless told otherwise. */
export async function makeDemoPki(leaf: LeafOptions = {}, caName = 'puretls demo CA'): Promise<DemoPki> {
  const ca = await issue({ subject: caName, ca: true });
  const server = await issue({
    subject: leaf.commonName ?? 'localhost',
    issuer: ca,
    ca: false,
    dnsNames: leaf.dnsNames ?? ['localhost'],
    ips: leaf.ips ?? ['127.0.0.1'],
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
  });
  return { ca: await toPem(ca), leaf: await toPem(server) };
}
