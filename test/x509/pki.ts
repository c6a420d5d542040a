/**
 * A tiny run-time PKI for the x509 tests: keys and certificates made by the openssl CLI in a
 * temporary directory, with exactly the extensions each test needs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyAlg = 'p256' | 'p384' | 'rsa2048' | 'rsa1024' | 'ed25519';

export interface Issued {
  name: string;
  pem: string;
  der: Uint8Array;
  key: string;
  keyAlg: KeyAlg;
}

export interface CertSpec {
  name: string;
  subject: string;
  /** The issuing certificate; omitted: self-signed. */
  issuer?: Issued;
  keyAlg?: KeyAlg;
  /** Reuse the key of an earlier certificate (same subject, same key: a re-issue). */
  reuseKeyOf?: Issued;
  /** extension lines for the [v3] section; SKI/AKI are added unless `noKeyIds`. */
  ext?: string[];
  noKeyIds?: boolean;
  days?: number;
  md?: 'sha256' | 'sha1' | 'sha384';
  /** openssl -sigopt values, e.g. rsa_padding_mode:pss */
  sigopt?: string[];
}

let serial = 1000;

export class Pki {
  readonly dir = mkdtempSync(join(tmpdir(), 'puretls-x509-'));

  private run(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  private static readonly NEWKEY: Record<KeyAlg, string[]> = {
    p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    rsa2048: ['-newkey', 'rsa:2048'],
    rsa1024: ['-newkey', 'rsa:1024'],
    ed25519: ['-newkey', 'ed25519'],
  };

  /** One openssl process per certificate: `req -x509` makes the key and, with -CA, signs. */
  cert(spec: CertSpec): Issued {
    const keyAlg = spec.reuseKeyOf?.keyAlg ?? spec.keyAlg ?? 'p256';
    const key = spec.reuseKeyOf?.key ?? `${spec.name}.key`;
    const ext = [...(spec.ext ?? [])];
    if (!spec.noKeyIds) {
      ext.push('subjectKeyIdentifier=hash');
      if (spec.issuer) ext.push('authorityKeyIdentifier=keyid:always');
    }
    writeFileSync(join(this.dir, `${spec.name}.cnf`), `[req]\ndistinguished_name=dn\nprompt=no\n[dn]\n[v3]\n${ext.join('\n')}\n`);
    const keyArgs = spec.reuseKeyOf ? ['-key', key] : [...Pki.NEWKEY[keyAlg], '-nodes', '-keyout', key];
    const signing = spec.issuer ? ['-CA', `${spec.issuer.name}.pem`, '-CAkey', spec.issuer.key] : [];
    const signerAlg = spec.issuer ? spec.issuer.keyAlg : keyAlg;
    const md = signerAlg === 'ed25519' ? [] : [`-${spec.md ?? 'sha256'}`];
    const sigopt = (spec.sigopt ?? []).flatMap((o) => ['-sigopt', o]);
    this.run([
      'req', '-x509', '-config', `${spec.name}.cnf`, '-extensions', 'v3', ...keyArgs, '-subj', spec.subject,
      ...signing, ...md, ...sigopt, '-set_serial', String(serial++), '-days', String(spec.days ?? 30), '-out', `${spec.name}.pem`,
    ]);
    const pem = readFileSync(join(this.dir, `${spec.name}.pem`), 'utf8');
    return { name: spec.name, pem, der: pemBody(pem), key, keyAlg };
  }

  /** root CA → intermediate CA → leaf, all P-256 unless told otherwise. */
  chain(prefix: string, opts: { keyAlg?: KeyAlg; leafExt?: string[]; icaExt?: string[]; rootExt?: string[] } = {}): { root: Issued; ica: Issued; leaf: Issued } {
    const keyAlg = opts.keyAlg ?? 'p256';
    const root = this.cert({ name: `${prefix}-root`, subject: `/CN=${prefix} Root`, keyAlg, ext: opts.rootExt ?? CA_EXT });
    const ica = this.cert({ name: `${prefix}-ica`, subject: `/CN=${prefix} ICA`, keyAlg, issuer: root, ext: opts.icaExt ?? CA_EXT });
    const leaf = this.cert({ name: `${prefix}-leaf`, subject: `/CN=${prefix} leaf`, keyAlg, issuer: ica, ext: opts.leafExt ?? leafExt('example.com') });
    return { root, ica, leaf };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const CA_EXT = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];

export function leafExt(...dns: string[]): string[] {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${dns.map((d) => (d.startsWith('IP:') ? d : `DNS:${d}`)).join(',')}`,
  ];
}

export function pemBody(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}
