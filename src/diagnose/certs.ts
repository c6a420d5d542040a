/**
 * The certificate chain a server sent, as a person reads it (gnutls-cli and `openssl x509 -text`
 * print the same facts): subject, issuer, names, validity, key, signature algorithm, SHA-256
 * fingerprint, and the validator's verdict on it with the reasons.
 *
 * Pure functions over DER and the verify report; the trace (trace.ts) finds the DER.
 */
import { hash } from '../crypto/hash.js';
import type { PublicKey } from '../crypto/types.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import type { GeneralName } from '../x509/general-names.js';

/** One certificate's verdict, as the validator reports it (VerifyReport / the error's detail). */
export interface CertVerdict {
  depth: number;
  subject: string;
  flags: string[];
  /** `FLAG: why` for each flag (src/x509/verify.ts), when known. */
  reasons?: string[];
}

export interface CertSummary {
  /** Position in the server's Certificate message (0: the leaf). */
  index: number;
  subject: string;
  issuer: string;
  /** subjectAltName entries as `DNS:x`, `IP:x`, `email:x`, `URI:x`. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  /** `EC P-256`, `RSA 2048`, `Ed25519`... */
  key: string;
  signatureAlgorithm: string;
  /** SHA-256 of the DER, upper-case hex pairs joined by ':' (as browsers show it). */
  sha256: string;
  isCA: boolean;
  selfIssued: boolean;
  /** The validator's flags for this certificate (empty: no objection, or not checked). */
  flags: string[];
  reasons: string[];
  /** Set when the certificate could not be parsed at all. */
  parseError?: string;
}

export function formatIp(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    return words.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function generalName(g: GeneralName): string {
  switch (g.type) {
    case 'dns':
      return `DNS:${g.value}`;
    case 'ip':
      return `IP:${formatIp(g.value)}`;
    case 'email':
      return `email:${g.value}`;
    case 'uri':
      return `URI:${g.value}`;
    case 'dn':
      return 'DirName';
    default:
      return g.type;
  }
}

export function keyText(k: PublicKey): string {
  switch (k.kind) {
    case 'ec':
      return `EC ${k.curve}`;
    case 'rsa':
      return `RSA ${k.bits}${k.pss ? ' (PSS only)' : ''}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'unsupported':
      return `${k.algorithm}${k.bits ? ` ${k.bits}` : ''} (unsupported)`;
  }
}

export function fingerprint(der: Uint8Array): string {
  return [...hash('sha256', der)].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Find the verdict of a received certificate by subject (the built path may reorder them). */
function verdictFor(cert: Certificate, verdicts: readonly CertVerdict[], used: Set<CertVerdict>): CertVerdict | undefined {
  const v = verdicts.find((x) => !used.has(x) && x.subject === cert.subject);
  if (v) used.add(v);
  return v;
}

/** Summaries of the chain as sent (leaf first), with verdicts attached where the validator gave one. */
export function summarizeChain(ders: readonly Uint8Array[], verdicts: readonly CertVerdict[] = []): CertSummary[] {
  const used = new Set<CertVerdict>();
  return ders.map((der, index) => {
    let c: Certificate;
    try {
      c = parseCertificate(der);
    } catch (e) {
      return {
        index,
        subject: '?',
        issuer: '?',
        names: [],
        notBefore: new Date(NaN),
        notAfter: new Date(NaN),
        key: '?',
        signatureAlgorithm: '?',
        sha256: fingerprint(der),
        isCA: false,
        selfIssued: false,
        flags: ['BAD_CERTIFICATE'],
        reasons: [],
        parseError: e instanceof Error ? e.message : String(e),
      };
    }
    const v = verdictFor(c, verdicts, used) ?? (index === 0 ? verdicts.find((x) => x.depth === 0 && !used.has(x)) : undefined);
    return {
      index,
      subject: c.subject,
      issuer: c.issuer,
      names: (c.san ?? []).map(generalName),
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      key: keyText(c.publicKey),
      signatureAlgorithm: c.signatureAlgorithm.name,
      sha256: fingerprint(der),
      isCA: c.isCA,
      selfIssued: c.selfIssued,
      flags: v?.flags ?? [],
      reasons: v?.reasons ?? [],
    };
  });
}

/** The chain's shape: is it in order (each certificate issued by the next), does it end at a self-issued root? */
export function chainOrder(chain: readonly CertSummary[]): { inOrder: boolean; endsAtRoot: boolean } {
  let inOrder = true;
  for (let i = 0; i + 1 < chain.length; i++) if (chain[i]!.issuer !== chain[i + 1]!.subject) inOrder = false;
  const last = chain[chain.length - 1];
  return { inOrder, endsAtRoot: last !== undefined && last.selfIssued };
}
