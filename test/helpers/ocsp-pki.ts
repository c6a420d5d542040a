/**
 * A small PKI for OCSP stapling tests, made at run time with the openssl CLI in a temp dir:
 *
 *   CA (P-256) ──► leaf        serial 1001, SAN localhost, serverAuth
 *              ──► revoked     serial 1002 (revoked in the index: keyCompromise)
 *              ──► muststaple  serial 1003, TLS feature status_request (RFC 7633)
 *              ──► responder   id-kp-OCSPSigning (a delegated responder, RFC 6960 §4.2.2.2)
 *   rogue (self-signed with the CA's name, id-kp-OCSPSigning, never trusted: an impostor)
 *
 * `response(cert, signer)` asks `openssl ocsp` (request with -reqout, answer as a responder from
 * the index file) for a DER OCSPResponse, valid for one day (-ndays 1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type OcspCert = 'leaf' | 'revoked' | 'muststaple';
export type OcspSigner = 'ca' | 'responder' | 'rogue';

export interface OcspPki {
  dir: string;
  /** CA certificate (PEM): the client's trust anchor. */
  ca: string;
  certFile(name: OcspCert | 'ca'): string;
  keyFile(name: OcspCert): string;
  /** The DER OCSPResponse file for `cert`, signed by `signer`. */
  response(cert: OcspCert, signer?: OcspSigner): string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeOcspPki(): OcspPki {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-ocsp-'));
  const w = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const ec = (name: string) => openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);

  ec('ca');
  w('ca.ext', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n');
  openssl(dir, ['req', '-new', '-x509', '-key', 'ca.key', '-subj', '/CN=puretls OCSP test CA', '-days', '30', '-out', 'ca.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);

  const issue = (name: string, serial: string, subject: string, ext: string) => {
    ec(name);
    w(`${name}.ext`, ext);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${serial}`, '-days', '20',
      '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  };
  const server = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n';
  issue('leaf', '1001', '/CN=localhost', server);
  issue('revoked', '1002', '/CN=revoked', server);
  issue('muststaple', '1003', '/CN=muststaple', `${server}tlsfeature=status_request\n`);
  issue('responder', '2001', '/CN=puretls OCSP responder', 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\n');
  ec('rogue');
  openssl(dir, ['req', '-new', '-x509', '-key', 'rogue.key', '-subj', '/CN=puretls OCSP test CA', '-days', '30', '-out', 'rogue.pem',
    '-addext', 'extendedKeyUsage=OCSPSigning']);

  // openssl ca's index format: status, expiry, revocation time[,reason], serial, file, subject.
  const expiry = '301231235959Z';
  w('index.txt', [
    `V\t${expiry}\t\t1001\tunknown\t/CN=localhost`,
    `R\t${expiry}\t250101000000Z,keyCompromise\t1002\tunknown\t/CN=revoked`,
    `V\t${expiry}\t\t1003\tunknown\t/CN=muststaple`,
    '',
  ].join('\n'));
  w('index.txt.attr', 'unique_subject = no\n');

  const made = new Map<string, string>();
  return {
    dir,
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    certFile: (name) => join(dir, `${name}.pem`),
    keyFile: (name) => join(dir, `${name}.key`),
    response(cert, signer = 'ca') {
      const key = `${cert}-${signer}`;
      const hit = made.get(key);
      if (hit) return hit;
      const req = `${key}.req`;
      const out = `${key}.der`;
      openssl(dir, ['ocsp', '-issuer', 'ca.pem', '-cert', `${cert}.pem`, '-no_nonce', '-reqout', req]);
      openssl(dir, ['ocsp', '-index', 'index.txt', '-CA', 'ca.pem', '-rsigner', `${signer}.pem`, '-rkey', `${signer}.key`,
        '-reqin', req, '-respout', out, '-ndays', '1']);
      made.set(key, join(dir, out));
      return join(dir, out);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
