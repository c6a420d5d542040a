/**
 * Client identities made at run time with the openssl CLI (once per process, in a temp dir):
 * a client CA (P-256) and, per key type, a leaf with the clientAuth EKU, its key in every format
 * a device may be given: PKCS#8 PEM, the traditional PEM (PKCS#1 "RSA PRIVATE KEY" / SEC1
 * "EC PRIVATE KEY"), PKCS#8 DER, encrypted PKCS#8 (PBES2: AES-256-CBC + HMAC-SHA256, and
 * AES-128-CBC + HMAC-SHA1), and PKCS#12 from `openssl pkcs12 -export` (OpenSSL 3 defaults:
 * PBES2/AES-256-CBC, SHA-256 MAC).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type ClientKeyKind = 'p256' | 'p384' | 'p521' | 'rsa2048' | 'ed25519' | 'ed448' | 'rsapss';

const GENPKEY: Record<ClientKeyKind, string[]> = {
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  rsapss: ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
  ed448: ['-algorithm', 'ED448'],
};

export const PASSPHRASE = 'correct horse battery staple';

export interface ClientCred {
  kind: ClientKeyKind;
  certPem: string;
  certFile: string;
  /** PKCS#8 PEM */
  keyPem: string;
  keyFile: string;
  /** PKCS#1 / SEC1 PEM ("RSA PRIVATE KEY" / "EC PRIVATE KEY"); PKCS#8 for EdDSA and RSA-PSS. */
  traditionalPem: string;
  /** PKCS#8 DER */
  keyDer: Uint8Array;
  /** Encrypted PKCS#8 (AES-256-CBC, PBKDF2-HMAC-SHA256) with PASSPHRASE. */
  encryptedPem: string;
  encryptedFile: string;
  /** Encrypted PKCS#8 (AES-128-CBC, PBKDF2-HMAC-SHA1) with PASSPHRASE. */
  encryptedSha1Pem: string;
  /** PKCS#12 (openssl pkcs12 -export, defaults) with PASSPHRASE, holding the leaf, the key and the CA. */
  pfx: Uint8Array;
  pfxFile: string;
}

export interface ClientPki {
  dir: string;
  /** The client CA (PEM) a server is told to trust (s_server -CAfile). */
  caPem: string;
  caFile: string;
  cred(kind: ClientKeyKind): ClientCred;
  /** A second, unrelated key of this type (for mismatch tests). */
  otherKeyPem(kind: ClientKeyKind): string;
}

function openssl(args: string[], cwd: string): Buffer {
  try {
    return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.toString() ?? String(e)}`);
  }
}

const EXT = [
  '[req]',
  'distinguished_name = dn',
  '[dn]',
  '[ca]',
  'basicConstraints = critical, CA:TRUE',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  '[client]',
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = clientAuth',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
  '',
].join('\n');

let cached: ClientPki | undefined;

export function clientPki(): ClientPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'puretls-clientpki-'));
  writeFileSync(join(dir, 'ext.cnf'), EXT);
  const serial = () => '0x' + randomBytes(8).toString('hex');
  openssl(['genpkey', ...GENPKEY.p256, '-out', 'ca.key'], dir);
  openssl(['req', '-new', '-x509', '-key', 'ca.key', '-subj', '/CN=puretls test client CA', '-days', '3650', '-sha256', '-set_serial', serial(), '-config', 'ext.cnf', '-extensions', 'ca', '-out', 'ca.pem'], dir);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const creds = new Map<ClientKeyKind, ClientCred>();
  const others = new Map<ClientKeyKind, string>();
  cached = {
    dir,
    caPem: read('ca.pem'),
    caFile: join(dir, 'ca.pem'),
    cred(kind) {
      let c = creds.get(kind);
      if (c) return c;
      const n = `client-${kind}`;
      openssl(['genpkey', ...GENPKEY[kind], '-out', `${n}.key`], dir);
      openssl(['req', '-new', '-key', `${n}.key`, '-subj', `/CN=device-${kind}`, '-config', 'ext.cnf', '-out', `${n}.csr`], dir);
      openssl(['x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', serial(), '-days', '825', '-sha256', '-extfile', 'ext.cnf', '-extensions', 'client', '-out', `${n}.pem`], dir);
      const trad = kind === 'rsa2048' ? ['rsa', '-traditional'] : kind.startsWith('p') ? ['ec'] : undefined;
      const traditionalPem = trad ? openssl([...trad, '-in', `${n}.key`], dir).toString() : read(`${n}.key`);
      openssl(['pkcs8', '-topk8', '-in', `${n}.key`, '-outform', 'DER', '-nocrypt', '-out', `${n}.der`], dir);
      openssl(['pkcs8', '-topk8', '-in', `${n}.key`, '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-passout', `pass:${PASSPHRASE}`, '-out', `${n}.enc.pem`], dir);
      openssl(['pkcs8', '-topk8', '-in', `${n}.key`, '-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1', '-passout', `pass:${PASSPHRASE}`, '-out', `${n}.enc1.pem`], dir);
      openssl(['pkcs12', '-export', '-in', `${n}.pem`, '-inkey', `${n}.key`, '-certfile', 'ca.pem', '-passout', `pass:${PASSPHRASE}`, '-out', `${n}.p12`], dir);
      c = {
        kind,
        certPem: read(`${n}.pem`),
        certFile: join(dir, `${n}.pem`),
        keyPem: read(`${n}.key`),
        keyFile: join(dir, `${n}.key`),
        traditionalPem,
        keyDer: new Uint8Array(readFileSync(join(dir, `${n}.der`))),
        encryptedPem: read(`${n}.enc.pem`),
        encryptedFile: join(dir, `${n}.enc.pem`),
        encryptedSha1Pem: read(`${n}.enc1.pem`),
        pfx: new Uint8Array(readFileSync(join(dir, `${n}.p12`))),
        pfxFile: join(dir, `${n}.p12`),
      };
      creds.set(kind, c);
      return c;
    },
    otherKeyPem(kind) {
      let k = others.get(kind);
      if (!k) {
        k = openssl(['genpkey', ...GENPKEY[kind]], dir).toString();
        others.set(kind, k);
      }
      return k;
    },
  };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return cached;
}
