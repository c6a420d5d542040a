/**
 * Deliberately bad certificate chains for the interop tests (issue #5), made at run time with the
 * openssl CLI in a temp dir. All keys are P-256; every certificate is well-formed under the Web
 * PKI profile (critical basicConstraints on CAs, SKI/AKI key identifiers, v3, positive serials),
 * so that each bad chain has exactly the one defect it is named after.
 *
 *   root ──► inter ──► good            DNS:localhost (the baseline; also "missing intermediate")
 *                 ├──► ip              IP:127.0.0.1 only
 *                 ├──► expired         valid 2020-01-01 .. 2020-02-01  (openssl ca -startdate/-enddate)
 *                 ├──► future          valid 2099-01-01 .. 2099-12-31
 *                 ├──► wronghost       DNS:www.other.test
 *                 ├──► wildcard        DNS:*.example.com
 *                 ├──► partialwild     DNS:f*.example.com
 *                 ├──► clientauth      extendedKeyUsage clientAuth only
 *                 ├──► sha1            signed ecdsa-with-SHA1 by inter
 *                 └──► eeissuer        CA:FALSE, no keyUsage ──► noncaleaf (signed by eeissuer's key)
 *   root ──► ncinter (permitted DNS:allowed.test) ──► ncbad   DNS:bad.other.test
 *                                                 └─► ncok    DNS:ok.allowed.test
 *   root ──► plint1 (pathlen:0) ──► plint2 ──► plleaf
 *   otherroot (never trusted) ──► untrusted   DNS:localhost
 *
 * `sha1forged` is `sha1` with one bit of its signature flipped: same TBS, a signature that does
 * not verify.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server credential as files for `openssl s_server`. */
export interface BadCred {
  certFile: string;
  keyFile: string;
  /** Certificates sent after the leaf (`-cert_chain`), or none. */
  chainFile: string | undefined;
}

export type BadCredName =
  | 'good'
  | 'goodNoChain'
  | 'ip'
  | 'expired'
  | 'future'
  | 'wronghost'
  | 'wildcard'
  | 'partialwild'
  | 'clientauth'
  | 'sha1'
  | 'sha1forged'
  | 'nonca'
  | 'ncbad'
  | 'ncok'
  | 'pathlen'
  | 'untrusted';

export interface BadPki {
  dir: string;
  /** The only trust anchor the client is given. */
  rootFile: string;
  creds: Record<BadCredName, BadCred>;
  cleanup(): void;
}

const EXT = `[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_pathlen0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ca_nc]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:allowed.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ee_issuer]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:issuer.localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/** An end-entity section: serverAuth (or the given EKU), the given SAN. */
function leafSection(name: string, san: string, eku = 'serverAuth'): string {
  return `[${name}]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = ${eku}
subjectAltName = ${san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;
}

const LEAVES: Array<{ section: string; san: string; eku?: string }> = [
  { section: 'ee_localhost', san: 'DNS:localhost' },
  { section: 'ee_ip', san: 'IP:127.0.0.1' },
  { section: 'ee_other', san: 'DNS:www.other.test' },
  { section: 'ee_wildcard', san: 'DNS:*.example.com' },
  { section: 'ee_partialwild', san: 'DNS:f*.example.com' },
  { section: 'ee_clientauth', san: 'DNS:localhost', eku: 'clientAuth' },
  { section: 'ee_ncbad', san: 'DNS:bad.other.test' },
  { section: 'ee_ncok', san: 'DNS:ok.allowed.test' },
];

/** `openssl ca` for the certificates with fixed validity dates (`x509 -req` in 3.0 has no -not_before). */
const CA_CNF = `[ca]
default_ca = dated
[dated]
dir = .
database = ca-index.txt
new_certs_dir = ca-new
serial = ca-serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no
[any]
commonName = supplied
`;

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.toString() ?? String(e)}`);
  }
}

const serial = (): string => '0x' + (0x10 + (randomBytes(1)[0]! & 0x3f)).toString(16) + randomBytes(7).toString('hex');

export function makeBadPki(): BadPki {
  const dir = mkdtempSync(join(tmpdir(), 'puretls-badpki-'));
  writeFileSync(join(dir, 'ext.cnf'), EXT + LEAVES.map((l) => leafSection(l.section, l.san, l.eku)).join(''));
  writeFileSync(join(dir, 'ca.cnf'), CA_CNF);
  writeFileSync(join(dir, 'ca-index.txt'), '');
  writeFileSync(join(dir, 'ca-serial'), randomBytes(8).toString('hex').replace(/^./, '1') + '\n');
  mkdirSync(join(dir, 'ca-new'));
  const f = (name: string): string => join(dir, name);

  const key = (name: string): void =>
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  const csr = (name: string, cn: string): void => {
    key(name);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-config', 'ext.cnf', '-out', `${name}.csr`], dir);
  };
  const root = (name: string, cn: string): void => {
    key(name);
    openssl(
      ['req', '-new', '-x509', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '3650', '-sha256',
        '-set_serial', serial(), '-config', 'ext.cnf', '-extensions', 'ca', '-out', `${name}.pem`],
      dir,
    );
  };
  /** `name` signed by `issuer` with extension section `ext`, valid for 100 days from now. */
  const issue = (name: string, cn: string, issuer: string, ext: string, md = 'sha256'): void => {
    csr(name, cn);
    openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', serial(),
        '-days', '100', `-${md}`, '-extfile', 'ext.cnf', '-extensions', ext, '-out', `${name}.pem`],
      dir,
    );
  };
  /** Like issue(), with the validity period given (YYYYMMDDHHMMSSZ). */
  const issueDated = (name: string, cn: string, issuer: string, ext: string, start: string, end: string): void => {
    csr(name, cn);
    openssl(
      ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-in', `${name}.csr`, '-cert', `${issuer}.pem`, '-keyfile', `${issuer}.key`,
        '-startdate', start, '-enddate', end, '-extfile', 'ext.cnf', '-extensions', ext, '-out', `${name}.pem`],
      dir,
    );
  };
  const concat = (out: string, ...names: string[]): string => {
    writeFileSync(f(out), names.map((n) => readFileSync(f(`${n}.pem`), 'utf8')).join(''));
    return f(out);
  };
  const cred = (name: string, chain?: string): BadCred => ({
    certFile: f(`${name}.pem`),
    keyFile: f(`${name}.key`),
    chainFile: chain,
  });

  root('root', 'puretls bad-chains root');
  issue('inter', 'puretls bad-chains intermediate', 'root', 'ca');
  const interChain = f('inter.pem');

  issue('good', 'localhost', 'inter', 'ee_localhost');
  issue('ip', '127.0.0.1', 'inter', 'ee_ip');
  issueDated('expired', 'localhost', 'inter', 'ee_localhost', '20200101000000Z', '20200201000000Z');
  issueDated('future', 'localhost', 'inter', 'ee_localhost', '20990101000000Z', '20991231000000Z');
  issue('wronghost', 'www.other.test', 'inter', 'ee_other');
  issue('wildcard', '*.example.com', 'inter', 'ee_wildcard');
  issue('partialwild', 'f*.example.com', 'inter', 'ee_partialwild');
  issue('clientauth', 'localhost', 'inter', 'ee_clientauth');
  issue('sha1', 'localhost', 'inter', 'ee_localhost', 'sha1');
  issue('eeissuer', 'puretls end-entity issuer', 'inter', 'ee_issuer');
  issue('nonca', 'localhost', 'eeissuer', 'ee_localhost');

  issue('ncinter', 'puretls constrained intermediate', 'root', 'ca_nc');
  issue('ncbad', 'bad.other.test', 'ncinter', 'ee_ncbad');
  issue('ncok', 'ok.allowed.test', 'ncinter', 'ee_ncok');

  issue('plint1', 'puretls pathlen0 intermediate', 'root', 'ca_pathlen0');
  issue('plint2', 'puretls second intermediate', 'plint1', 'ca');
  issue('plleaf', 'localhost', 'plint2', 'ee_localhost');

  root('otherroot', 'puretls bad-chains untrusted root');
  issue('untrusted', 'localhost', 'otherroot', 'ee_localhost');

  // One bit of the signature flipped: the last byte of the DER is the last byte of ECDSA's s.
  const der = Buffer.from(readFileSync(f('sha1.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 1]! ^= 0x01;
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  writeFileSync(f('sha1forged.pem'), `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`);

  const creds: Record<BadCredName, BadCred> = {
    good: cred('good', interChain),
    goodNoChain: cred('good'),
    ip: cred('ip', interChain),
    expired: cred('expired', interChain),
    future: cred('future', interChain),
    wronghost: cred('wronghost', interChain),
    wildcard: cred('wildcard', interChain),
    partialwild: cred('partialwild', interChain),
    clientauth: cred('clientauth', interChain),
    sha1: cred('sha1', interChain),
    sha1forged: { certFile: f('sha1forged.pem'), keyFile: f('sha1.key'), chainFile: interChain },
    nonca: cred('nonca', concat('nonca-chain.pem', 'eeissuer', 'inter')),
    ncbad: cred('ncbad', f('ncinter.pem')),
    ncok: cred('ncok', f('ncinter.pem')),
    pathlen: cred('plleaf', concat('pathlen-chain.pem', 'plint2', 'plint1')),
    untrusted: cred('untrusted', f('otherroot.pem')),
  };
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  return { dir, rootFile: f('root.pem'), creds, cleanup };
}

/** `openssl s_server` arguments for a credential. */
export function badCredArgs(c: BadCred): string[] {
  return ['-cert', c.certFile, '-key', c.keyFile, ...(c.chainFile ? ['-cert_chain', c.chainFile] : [])];
}
