/**
 * Test PKI made at run time with the openssl CLI, in a temp dir, once per process:
 *
 *   root CA (P-256) ──► intermediate CA (P-256) ──► leaf (one per key type below)
 *   untrusted root (P-256, never given to the client) ──► leaf (P-256)
 *   bench: "chain of two" = root ──► leaf (P-256), both verified by the client
 *
 * Leaves carry SAN DNS:localhost and IP:127.0.0.1, serverAuth EKU. A server is given the leaf
 * and the intermediate (`chainPem`); the client is given the root (`ca`).
 *
 * Node built-ins only (bench/ imports this file too).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type LeafKind = 'p256' | 'p384' | 'p521' | 'rsa2048' | 'rsa3072' | 'rsapss' | 'ed25519' | 'ed448';

export const LEAF_KINDS: LeafKind[] = ['p256', 'p384', 'p521', 'rsa2048', 'rsa3072', 'rsapss', 'ed25519', 'ed448'];

/** The TLS 1.3 signature scheme a server must use in CertificateVerify with this key. */
export const EXPECTED_SCHEME: Record<LeafKind, string> = {
  p256: 'ecdsa_secp256r1_sha256',
  p384: 'ecdsa_secp384r1_sha384',
  p521: 'ecdsa_secp521r1_sha512',
  // rsaEncryption keys sign with rsa_pss_rsae_*; both peers list sha256 first.
  rsa2048: 'rsa_pss_rsae_sha256',
  rsa3072: 'rsa_pss_rsae_sha256',
  // id-RSASSA-PSS keys sign with rsa_pss_pss_* (RFC 8446 §4.2.3).
  rsapss: 'rsa_pss_pss_sha256',
  ed25519: 'ed25519',
  ed448: 'ed448',
};

const GENPKEY_ARGS: Record<LeafKind, string[]> = {
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  rsa3072: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  rsapss: ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
  ed448: ['-algorithm', 'ED448'],
};

/** A server credential: files for the CLI peers, PEM text for node:tls. */
export interface ServerCred {
  kind: string;
  keyFile: string;
  /** The leaf alone. */
  certFile: string;
  /** The chain the server sends after the leaf (the intermediate), or undefined. */
  chainFile: string | undefined;
  /** Leaf followed by the chain, one file (gnutls-serv --x509certfile). */
  fullChainFile: string;
  keyPem: string;
  /** Leaf followed by the chain (node:tls `cert`). */
  chainPem: string;
}

export interface TestPki {
  dir: string;
  /** The trust anchor to give the client (PEM). */
  ca: string;
  caFile: string;
  intermediatePem: string;
  /** Leaf of the given kind, issued by the intermediate (made on first use). */
  leaf(kind: LeafKind): ServerCred;
  /** A P-256 leaf issued by a root the client does not trust. */
  untrusted(): ServerCred;
  /** A P-256 leaf issued directly by the root (bench: two P-256 verifications). */
  direct(): ServerCred;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.toString() ?? String(e)}`);
  }
}

const CA_EXT = [
  '[ca]',
  'basicConstraints = critical, CA:TRUE',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
  '[leaf]',
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:localhost, IP:127.0.0.1',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid:always',
  '',
].join('\n');

let cached: TestPki | undefined;

/** The per-process test PKI (made on first call). */
export function testPki(): TestPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'puretls-pki-'));
  // `req` needs a [req] section with distinguished_name when given -config.
  writeFileSync(join(dir, 'ext.cnf'), '[req]\ndistinguished_name = dn\n[dn]\n' + CA_EXT);
  const serial = () => '0x' + randomBytes(8).toString('hex');

  const selfSigned = (name: string, cn: string) => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
    openssl(
      ['req', '-new', '-x509', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '3650', '-sha256',
        '-set_serial', serial(), '-config', 'ext.cnf', '-extensions', 'ca', '-out', `${name}.pem`],
      dir,
    );
  };

  const issue = (name: string, cn: string, issuer: string, ext: 'ca' | 'leaf', genArgs: string[]) => {
    openssl(['genpkey', ...genArgs, '-out', `${name}.key`], dir);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-config', 'ext.cnf', '-out', `${name}.csr`], dir);
    openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', serial(),
        '-days', '825', '-sha256', '-extfile', 'ext.cnf', '-extensions', ext, '-out', `${name}.pem`],
      dir,
    );
  };

  selfSigned('root', 'puretls test root');
  issue('inter', 'puretls test intermediate', 'root', 'ca', GENPKEY_ARGS.p256);

  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const cred = (name: string, chain: string | undefined): ServerCred => {
    const full = read(`${name}.pem`) + (chain ? read(`${chain}.pem`) : '');
    writeFileSync(join(dir, `${name}.full.pem`), full);
    return {
      kind: name,
      keyFile: join(dir, `${name}.key`),
      certFile: join(dir, `${name}.pem`),
      chainFile: chain ? join(dir, `${chain}.pem`) : undefined,
      fullChainFile: join(dir, `${name}.full.pem`),
      keyPem: read(`${name}.key`),
      chainPem: full,
    };
  };

  const leaves = new Map<string, ServerCred>();
  const once = (name: string, make: () => ServerCred) => {
    let c = leaves.get(name);
    if (!c) {
      c = make();
      leaves.set(name, c);
    }
    return c;
  };

  cached = {
    dir,
    ca: read('root.pem'),
    caFile: join(dir, 'root.pem'),
    intermediatePem: read('inter.pem'),
    leaf: (kind) =>
      once(`leaf-${kind}`, () => {
        issue(`leaf-${kind}`, 'localhost', 'inter', 'leaf', GENPKEY_ARGS[kind]);
        return cred(`leaf-${kind}`, 'inter');
      }),
    untrusted: () =>
      once('untrusted', () => {
        selfSigned('evilroot', 'puretls untrusted root');
        issue('evil-leaf', 'localhost', 'evilroot', 'leaf', GENPKEY_ARGS.p256);
        return cred('evil-leaf', undefined);
      }),
    direct: () =>
      once('direct', () => {
        issue('direct-leaf', 'localhost', 'root', 'leaf', GENPKEY_ARGS.p256);
        return cred('direct-leaf', undefined);
      }),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      cached = undefined;
    },
  };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return cached;
}

/** OpenSSL `s_server` arguments for a credential (leaf, key, and the chain after the leaf). */
export function opensslCredArgs(c: ServerCred): string[] {
  const a = ['-cert', c.certFile, '-key', c.keyFile];
  if (c.chainFile) a.push('-cert_chain', c.chainFile);
  return a;
}
