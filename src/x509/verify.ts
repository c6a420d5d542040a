/**
 * Path building and validation (RFC 5280 §6, RFC 4158 for building), with the Web PKI profile
 * choices of rustls-webpki and pyca/cryptography (CA/B Forum BR §7.1) on by default.
 *
 * Building: depth-first from the leaf. The issuer candidates of a certificate are the trust
 * anchors, then the pooled intermediates (the peer's extra certificates plus configured ones),
 * whose subject equals its issuer; those whose SKI equals its AKI are tried first. Loops are cut
 * on (subject, key) as RFC 4158 §2.4.2 says. Work is bounded per call, so that a crafted pool
 * cannot make the search exponential nor the signature checks slow: at most MAX_ISSUER_CANDIDATES
 * issuers tried per certificate, MAX_EDGES issuer edges, MAX_PATHS complete paths,
 * MAX_SIGNATURE_CHECKS signatures spent choosing between candidates, and MAX_SIGNATURE_WORK units
 * of signature verification in all (a unit is about one P-256 verification; see
 * verificationCost). A signature the budget leaves unchecked is BAD_SIGNATURE, never accepted.
 *
 * Validation of a complete path: cheap checks first (validity, extensions, constraints, names),
 * signatures last, each signature verified at most once per (certificate, issuer key) and cached.
 * The first path without flags wins; otherwise the path "closest" to valid is reported.
 */
import type { PublicKey } from '../crypto/types.js';
import { verifySignature } from '../crypto/signature.js';
import type { CertVerifyInfo } from '../types.js';
import { type Certificate, OID, parseCertificate } from './certificate.js';
import { toHex } from '../wire/bytes.js';
import type { CertFlag } from './flags.js';
import { matchServerName, normalizeDnsName } from './hostname.js';
import { parseIP } from '../wire/ip.js';
import { nameConstraintViolation } from './name-constraints.js';

export interface VerifyPolicy {
  /** Accept SHA-1 signatures (default false). MD5 is never accepted. */
  allowSha1?: boolean;
  /** Smallest RSA modulus accepted (default 2048). */
  minRsaBits?: number;
  /**
   * The Web PKI profile (CA/B Forum, as rustls-webpki and pyca/cryptography apply it), default
   * true: key identifiers present, positive serials of at most 20 octets, v3 only, critical
   * basicConstraints on CAs, no CA certificate as leaf, subjectAltName criticality rules, no
   * anyExtendedKeyUsage on the leaf. false: plain RFC 5280.
   */
  webpkiProfile?: boolean;
}

export interface ChainVerifyOptions {
  trustAnchors: Uint8Array[];
  intermediates?: Uint8Array[];
  name?: { kind: 'dns' | 'ip'; value: string };
  now?: Date;
  keyUsage?: 'digitalSignature' | 'keyEncipherment';
  eku?: 'serverAuth' | 'clientAuth' | string;
  allowCnFallback?: boolean;
  /** Most (non-self-issued) intermediates in a path; default 8. */
  maxDepth?: number;
  policy?: VerifyPolicy;
  verifyCallback?: (info: CertVerifyInfo) => string[] | void;
  ignore?: string[];
}

export interface CertificateReport {
  depth: number;
  subject: string;
  flags: string[];
  /** Why each flag was raised, for people. */
  reasons: string[];
}

export interface ChainVerifyResult {
  ok: boolean;
  flags: string[];
  certificates: CertificateReport[];
  /** The path built, leaf first (the trust anchor last when one was reached). */
  chain: Certificate[];
  /** Did the path end at a configured trust anchor? */
  trusted: boolean;
}

export const MAX_EDGES = 256;
/** Signature checks spent choosing between candidate issuers, per call (Go uses 100 too). */
export const MAX_SIGNATURE_CHECKS = 100;
export const MAX_PATHS = 64;
/** Issuers (same subject name) tried per certificate: trust anchors first, then the pool. */
export const MAX_ISSUER_CANDIDATES = 16;
/**
 * Signature verification work per call, in units of verificationCost (about one P-256
 * verification, 2–5 ms here): the most one server flight can make us spend on signatures.
 */
export const MAX_SIGNATURE_WORK = 100;

/**
 * The cost of one verification with `key`, in units of about one P-256 verification with noble
 * (measured: RSA-8192 with e = 2^32 − 1 ≈ 1.1, RSA-16384 ≈ 3.4, P-384 ≈ 2, P-521 ≈ 3.2,
 * Ed448 ≈ 2). RSA grows with the square of the modulus; its exponent is bounded at parse time
 * (crypto/rsa-bounds.ts), so its length adds at most a factor of two.
 */
export function verificationCost(key: PublicKey): number {
  switch (key.kind) {
    case 'rsa':
      return Math.max(1, Math.ceil((key.bits / 8192) ** 2));
    case 'ec':
      return key.curve === 'P-256' ? 1 : key.curve === 'P-384' ? 2 : 4;
    case 'ed25519':
      return 1;
    case 'ed448':
      return 2;
    case 'unsupported':
      return 0;
  }
}

/** The signature budget of one verifyChain call. */
class Work {
  spent = 0;
  exhausted = false;
}
const DEFAULT_MAX_DEPTH = 8;

const EKU_OIDS: Record<string, string> = { serverAuth: OID.serverAuth, clientAuth: OID.clientAuth };

/** Extensions whose meaning we enforce, so that they may be critical (RFC 5280 §4.2). */
const HANDLED_CRITICAL = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  OID.certificatePolicies, // no initial policy set: any policy is acceptable (§6.1.1(c) any-policy)
]);

// ---- caches: parse once per DER object, verify once per (certificate, issuer key) ----

const parsed = new WeakMap<Uint8Array, Certificate | Error>();
function parseCached(der: Uint8Array): Certificate | Error {
  let c = parsed.get(der);
  if (c === undefined) {
    try {
      c = parseCertificate(der);
    } catch (e) {
      c = e instanceof Error ? e : new Error(String(e));
    }
    parsed.set(der, c);
  }
  return c;
}

const sigCache = new WeakMap<Certificate, Map<string, boolean>>();
function spkiKey(c: Certificate): string {
  return toHex(c.spki);
}
/** Does `issuer`'s key verify `child`'s signature? undefined: not checked, the work budget is spent. */
function signatureValid(child: Certificate, issuer: Certificate, work: Work): boolean | undefined {
  let m = sigCache.get(child);
  if (!m) sigCache.set(child, (m = new Map()));
  const k = spkiKey(issuer);
  let v = m.get(k);
  if (v === undefined) {
    const alg = child.signatureAlgorithm.alg;
    if (alg === undefined || issuer.publicKey.kind === 'unsupported') v = false;
    else {
      const cost = verificationCost(issuer.publicKey);
      if (work.spent + cost > MAX_SIGNATURE_WORK) {
        work.exhausted = true;
        return undefined;
      }
      work.spent += cost;
      v = verifySignature(alg, issuer.publicKey, child.tbs, child.signature);
    }
    m.set(k, v);
  }
  return v;
}

// ---- per-certificate checks ----

class Findings {
  flags: Array<Set<string>>;
  reasons: string[][];
  constructor(n: number) {
    this.flags = Array.from({ length: n }, () => new Set<string>());
    this.reasons = Array.from({ length: n }, () => []);
  }
  add(depth: number, flag: CertFlag, reason: string): void {
    this.flags[depth]!.add(flag);
    this.reasons[depth]!.push(`${flag}: ${reason}`);
  }
  get count(): number {
    return this.flags.reduce((a, s) => a + s.size, 0);
  }
}

function keyProblem(k: PublicKey, minRsaBits: number): string | undefined {
  switch (k.kind) {
    case 'unsupported':
      return `unsupported public key (${k.algorithm})`;
    case 'rsa':
      if (k.bits < minRsaBits) return `RSA key of ${k.bits} bits (minimum ${minRsaBits})`;
      if (k.bits % 8 !== 0) return `RSA modulus of ${k.bits} bits is not a whole number of bytes`;
      return undefined;
    default:
      return undefined;
  }
}

interface Ctx {
  now: number;
  name: { kind: 'dns' | 'ip'; value: string } | undefined;
  keyUsage: 'digitalSignature' | 'keyEncipherment' | undefined;
  eku: string;
  allowCnFallback: boolean;
  maxDepth: number;
  allowSha1: boolean;
  minRsaBits: number;
  webpki: boolean;
}

/**
 * Every check except signatures on a path (leaf first). `anchored`: the last certificate is a
 * configured trust anchor.
 */
function checkPath(path: Certificate[], anchored: boolean, ctx: Ctx, f: Findings): void {
  const n = path.length;
  const last = n - 1;
  let intermediates = 0;
  for (let i = 0; i < n; i++) {
    const c = path[i]!;
    const isAnchor = anchored && i === last;
    const isLeaf = i === 0;

    // RFC 5280 §6.1.3(a)(2): validity, at whole-second granularity.
    if (ctx.now < c.notBefore.getTime()) f.add(i, 'FUTURE', `not valid before ${c.notBefore.toISOString()}`);
    if (ctx.now > c.notAfter.getTime()) f.add(i, 'EXPIRED', `expired at ${c.notAfter.toISOString()}`);

    const kp = keyProblem(c.publicKey, ctx.minRsaBits);
    if (kp) f.add(i, 'BAD_KEY', kp);

    // RFC 5280 §4.2: an unrecognised critical extension rejects the certificate.
    for (const e of c.extensions) {
      if (e.critical && !HANDLED_CRITICAL.has(e.oid)) f.add(i, 'UNHANDLED_CRITICAL_EXTENSION', `critical extension ${e.oid}`);
    }
    if (c.issuerName.rdns.length === 0) f.add(i, 'BAD_CERTIFICATE', 'empty issuer name (RFC 5280 §4.1.2.4)');

    if (!isAnchor) {
      if (!c.signatureAlgorithmsMatch) f.add(i, 'BAD_ALGORITHM', 'signatureAlgorithm differs from the TBS signature field (RFC 5280 §4.1.1.2)');
      if (ctx.webpki) {
        if (c.version !== 3) f.add(i, 'BAD_CERTIFICATE', `version ${c.version} certificate (v3 required)`);
        const s = c.serial;
        if (s[0]! & 0x80) f.add(i, 'BAD_CERTIFICATE', 'negative serial number (RFC 5280 §4.1.2.2)');
        else if (s.every((b) => b === 0)) f.add(i, 'BAD_CERTIFICATE', 'zero serial number (RFC 5280 §4.1.2.2)');
        if (s.length > 20 && !(s.length === 21 && s[0] === 0)) f.add(i, 'BAD_CERTIFICATE', 'serial number longer than 20 octets');
        // RFC 5280 §4.2.1.1: AKI keyIdentifier MUST be present except in self-signed CA certificates.
        if (!c.selfIssued && !c.authorityKeyId?.keyIdentifier) f.add(i, 'BAD_CERTIFICATE', 'no authorityKeyIdentifier keyIdentifier (RFC 5280 §4.2.1.1)');
      }
    } else if (ctx.webpki && c.authorityKeyId && c.selfIssued) {
      const a = c.authorityKeyId;
      if (!a.keyIdentifier || a.hasIssuer || a.hasSerial) f.add(i, 'BAD_CERTIFICATE', 'self-signed anchor with an authorityKeyIdentifier other than a keyIdentifier');
      else if (c.subjectKeyId && toHex(a.keyIdentifier) !== toHex(c.subjectKeyId)) f.add(i, 'BAD_CERTIFICATE', 'self-signed anchor whose AKI differs from its SKI');
    }
    // RFC 5280 §4.2.1.11: "Conforming CAs MUST mark this extension as critical."
    if (c.extensions.some((e) => e.oid === OID.policyConstraints && !e.critical)) f.add(i, 'BAD_CERTIFICATE', 'non-critical policyConstraints (RFC 5280 §4.2.1.11)');

    if (isLeaf) {
      checkLeaf(c, n === 1 && anchored, ctx, f);
    } else {
      // issuer of path[i-1]: RFC 5280 §6.1.4(k), (l), (m), (n)
      const bc = c.basicConstraints;
      if (!bc || !bc.ca) f.add(i, 'NOT_CA', bc ? 'basicConstraints cA is false' : 'no basicConstraints extension (RFC 5280 §6.1.4(k))');
      else if (ctx.webpki && !bc.critical) f.add(i, 'BAD_CERTIFICATE', 'basicConstraints of a CA must be critical (RFC 5280 §4.2.1.9)');
      if (c.keyUsage && !c.keyUsage.has('keyCertSign')) f.add(i, 'KEY_USAGE', 'keyUsage lacks keyCertSign (RFC 5280 §6.1.4(n))');
      if (ctx.webpki && !c.subjectKeyId) f.add(i, 'BAD_CERTIFICATE', 'CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)');
      if (c.subjectName.rdns.length === 0) f.add(i, 'BAD_CERTIFICATE', 'CA certificate with an empty subject (RFC 5280 §4.1.2.6)');
      // §6.1.4(l),(m): self-issued intermediates do not count towards pathLenConstraint
      if (bc?.pathLen !== undefined && intermediates > bc.pathLen) {
        f.add(i, 'PATH_LENGTH', `${intermediates} intermediate(s) below a CA with pathLenConstraint ${bc.pathLen}`);
      }
      if (!isAnchor && c.extKeyUsage && !c.extKeyUsage.includes(ctx.eku) && !c.extKeyUsage.includes(OID.anyExtendedKeyUsage)) {
        f.add(i, 'EXT_KEY_USAGE', `intermediate extKeyUsage does not allow ${ctx.eku}`);
      }
      if (c.nameConstraints) {
        for (let j = i - 1; j >= 0; j--) {
          const sub = path[j]!;
          if (j > 0 && sub.selfIssued) continue; // §6.1.3(b): self-issued intermediates are exempt
          const why = nameConstraintViolation(c.nameConstraints, sub, j === 0, ctx.allowCnFallback);
          if (why) f.add(j, 'NAME_CONSTRAINTS', `${why} (constraints of depth ${i}: ${c.subject})`);
        }
      }
      if (!isAnchor && !c.selfIssued) intermediates++;
      else if (!isAnchor) {
        // self-issued intermediates still count for depth, but not for pathLen
      }
    }
  }
  const realIntermediates = path.slice(1, anchored ? last : n).filter((c) => !c.selfIssued).length;
  if (realIntermediates > ctx.maxDepth) f.add(last, 'CHAIN_TOO_LONG', `${realIntermediates} intermediates (at most ${ctx.maxDepth})`);
}

function checkLeaf(c: Certificate, directlyTrusted: boolean, ctx: Ctx, f: Findings): void {
  if (ctx.webpki && !directlyTrusted) {
    if (c.basicConstraints?.ca) f.add(0, 'BAD_CERTIFICATE', 'end-entity certificate is a CA (basicConstraints cA)');
  }
  if (c.keyUsage?.has('keyCertSign') && !c.basicConstraints?.ca) f.add(0, 'KEY_USAGE', 'keyCertSign on a certificate that is not a CA (RFC 5280 §4.2.1.3)');
  if (c.nameConstraints && !c.basicConstraints?.ca) f.add(0, 'BAD_CERTIFICATE', 'nameConstraints on an end-entity certificate (RFC 5280 §4.2.1.10)');
  if (ctx.webpki && c.san) {
    const sanExt = c.extensions.find((e) => e.oid === OID.subjectAltName)!;
    const empty = c.subjectName.rdns.length === 0;
    if (empty && !sanExt.critical) f.add(0, 'BAD_CERTIFICATE', 'empty subject with a non-critical subjectAltName (RFC 5280 §4.2.1.6)');
    if (!empty && sanExt.critical) f.add(0, 'BAD_CERTIFICATE', 'critical subjectAltName with a non-empty subject (CA/B BR §7.1.2.7.12)');
  }
  if (ctx.keyUsage && c.keyUsage && !c.keyUsage.has(ctx.keyUsage)) f.add(0, 'KEY_USAGE', `keyUsage lacks ${ctx.keyUsage}`);
  if (c.extKeyUsage) {
    const ok = c.extKeyUsage.includes(ctx.eku) || (!ctx.webpki && c.extKeyUsage.includes(OID.anyExtendedKeyUsage));
    if (!ok) f.add(0, 'EXT_KEY_USAGE', `extKeyUsage does not include ${ctx.eku}`);
  }
  if (ctx.name) {
    const n = ctx.name;
    const valid = n.kind === 'ip' ? parseIP(n.value) !== undefined : normalizeDnsName(n.value) !== undefined;
    if (!valid) f.add(0, 'NAME_MISMATCH', `${JSON.stringify(n.value)} is not a valid ${n.kind === 'ip' ? 'IP address' : 'DNS name'}`);
    else if (!matchServerName(c, n, ctx.allowCnFallback)) f.add(0, 'NAME_MISMATCH', `the certificate does not name ${n.value}`);
  }
}

/** Signature and algorithm checks along a path: path[i] is signed by path[i+1]. */
function checkSignatures(path: Certificate[], ctx: Ctx, f: Findings, work: Work): void {
  for (let i = 0; i + 1 < path.length; i++) {
    const c = path[i]!;
    const issuer = path[i + 1]!;
    const sa = c.signatureAlgorithm;
    // A signature that cannot be checked is also BAD_SIGNATURE, so that ignoring BAD_ALGORITHM
    // or BAD_KEY on purpose never accepts a signature nobody verified.
    if (!sa.alg) {
      f.add(i, 'BAD_ALGORITHM', sa.reason ?? `${sa.name} is not supported`);
      f.add(i, 'BAD_SIGNATURE', `${sa.name}: the signature cannot be verified`);
      continue;
    }
    if (sa.hash === 'sha1' && !ctx.allowSha1) {
      f.add(i, 'BAD_ALGORITHM', `${sa.name}: SHA-1 signatures are not accepted`);
      // ...and still verified below: the flag may be ignored, the signature may not be forged.
    }
    if (issuer.publicKey.kind === 'unsupported') {
      f.add(i, 'BAD_SIGNATURE', `the issuer's key (${issuer.publicKey.algorithm}) cannot verify signatures`);
      continue;
    }
    const valid = signatureValid(c, issuer, work);
    if (valid === undefined) f.add(i, 'BAD_SIGNATURE', `signature not checked: path building spent its signature budget (${MAX_SIGNATURE_WORK} units)`);
    else if (!valid) f.add(i, 'BAD_SIGNATURE', `signature does not verify with the key of ${issuer.subject}`);
  }
}

// ---- building ----

interface Candidate {
  path: Certificate[];
  anchored: boolean;
  findings: Findings;
  signaturesChecked: boolean;
}

function score(c: Candidate): number {
  // trusted paths first, then the fewest flagged certificates, then the fewest flags
  const flagged = c.findings.flags.filter((s) => s.size > 0).length;
  return (c.anchored ? 0 : 10_000) + flagged * 100 + c.findings.count;
}

function loopKey(c: Certificate): string {
  return c.subjectName.key + '|' + spkiKey(c);
}

export function verifyChainInternal(peerChain: Uint8Array[], opts: ChainVerifyOptions): ChainVerifyResult {
  const nowMs = opts.now ? opts.now.getTime() : Date.now();
  const ctx: Ctx = {
    now: Math.floor(nowMs / 1000) * 1000,
    name: opts.name,
    keyUsage: opts.keyUsage,
    eku: EKU_OIDS[opts.eku ?? 'serverAuth'] ?? opts.eku ?? OID.serverAuth,
    allowCnFallback: opts.allowCnFallback ?? false,
    maxDepth: opts.maxDepth ?? DEFAULT_MAX_DEPTH,
    allowSha1: opts.policy?.allowSha1 ?? false,
    minRsaBits: opts.policy?.minRsaBits ?? 2048,
    webpki: opts.policy?.webpkiProfile ?? true,
  };

  const leafDer = peerChain[0];
  if (!leafDer) {
    return { ok: false, flags: ['BAD_CERTIFICATE'], certificates: [{ depth: 0, subject: '', flags: ['BAD_CERTIFICATE'], reasons: ['BAD_CERTIFICATE: no certificate'] }], chain: [], trusted: false };
  }
  const leaf = parseCached(leafDer);
  if (leaf instanceof Error) {
    return {
      ok: false,
      flags: ['BAD_CERTIFICATE'],
      certificates: [{ depth: 0, subject: '', flags: ['BAD_CERTIFICATE'], reasons: [`BAD_CERTIFICATE: ${leaf.message}`] }],
      chain: [],
      trusted: false,
    };
  }

  const anchors: Certificate[] = [];
  for (const d of opts.trustAnchors) {
    const c = parseCached(d);
    if (!(c instanceof Error)) anchors.push(c);
  }
  const pool: Certificate[] = [];
  const seen = new Set<Certificate>([leaf]);
  for (const d of [...peerChain.slice(1), ...(opts.intermediates ?? [])]) {
    const c = parseCached(d);
    if (c instanceof Error || seen.has(c)) continue;
    seen.add(c);
    pool.push(c);
  }
  const bySubject = (list: Certificate[]): Map<string, Certificate[]> => {
    const m = new Map<string, Certificate[]>();
    for (const c of list) {
      const k = c.subjectName.key;
      const l = m.get(k);
      if (l) l.push(c);
      else m.set(k, [c]);
    }
    return m;
  };
  const anchorIndex = bySubject(anchors);
  const poolIndex = bySubject(pool);
  const anchorDer = new Set(anchors.map((a) => toHex(a.der)));

  const candidates: Candidate[] = [];
  let edges = 0;
  let sigChecks = 0;
  const work = new Work();
  const exhausted = (): boolean => edges > MAX_EDGES || sigChecks > MAX_SIGNATURE_CHECKS || candidates.length >= MAX_PATHS || work.exhausted;
  let best: Candidate | undefined;
  let winner: Candidate | undefined;
  const hardLimit = 2 * ctx.maxDepth + 4;

  const consider = (path: Certificate[], anchored: boolean): boolean => {
    const f = new Findings(path.length);
    checkPath(path, anchored, ctx, f);
    const cand: Candidate = { path: path.slice(), anchored, findings: f, signaturesChecked: false };
    if (f.count === 0 && anchored) {
      checkSignatures(path, ctx, f, work);
      cand.signaturesChecked = true;
      if (f.count === 0) {
        winner = cand;
        return true;
      }
    }
    candidates.push(cand);
    if (!best || score(cand) < score(best)) best = cand;
    return false;
  };

  const issuersOf = (c: Certificate): Array<{ cert: Certificate; anchor: boolean }> => {
    const aki = c.authorityKeyId?.keyIdentifier ? toHex(c.authorityKeyId.keyIdentifier) : undefined;
    const rank = (x: Certificate): number => (aki !== undefined && x.subjectKeyId && toHex(x.subjectKeyId) === aki ? 0 : 1);
    const valid = (x: Certificate): number => (ctx.now >= x.notBefore.getTime() && ctx.now <= x.notAfter.getTime() ? 0 : 1);
    const order = (a: Certificate, b: Certificate): number => rank(a) - rank(b) || valid(a) - valid(b);
    const a = (anchorIndex.get(c.issuerName.key) ?? []).slice().sort(order).map((cert) => ({ cert, anchor: true }));
    const p = (poolIndex.get(c.issuerName.key) ?? []).slice().sort(order).map((cert) => ({ cert, anchor: false }));
    let all = [...a, ...p].slice(0, MAX_ISSUER_CANDIDATES);
    if (all.length > 1) {
      // With a choice of issuers, keep those whose key verifies the signature (RFC 4158 §3.5);
      // if none does, keep the first so that the report can say BAD_SIGNATURE.
      const good = all.filter((x) => {
        if (c.signatureAlgorithm.alg === undefined || x.cert.publicKey.kind === 'unsupported') return false;
        if (++sigChecks > MAX_SIGNATURE_CHECKS) return false;
        return signatureValid(c, x.cert, work) === true;
      });
      all = good.length > 0 ? good : all.slice(0, 1);
    }
    return all;
  };

  const onPath = new Set<string>();
  const dfs = (path: Certificate[]): boolean => {
    const c = path[path.length - 1]!;
    const issuers = issuersOf(c);
    if (issuers.length === 0) return consider(path, false);
    let extended = false;
    for (const { cert, anchor } of issuers) {
      if ((++edges, exhausted())) break;
      const key = loopKey(cert);
      if (onPath.has(key)) continue;
      extended = true;
      path.push(cert);
      if (anchor) {
        if (consider(path, true)) return true;
      } else if (path.length >= hardLimit) {
        if (consider(path, false)) return true;
      } else {
        onPath.add(key);
        const done = dfs(path);
        onPath.delete(key);
        if (done) return true;
      }
      path.pop();
    }
    if (!extended) return consider(path, false);
    return false;
  };

  if (anchorDer.has(toHex(leaf.der))) consider([leaf], true);
  if (!winner) {
    onPath.add(loopKey(leaf));
    dfs([leaf]);
  }

  const chosen = winner ?? best ?? { path: [leaf], anchored: false, findings: new Findings(1), signaturesChecked: false };
  const f = chosen.findings;
  if (!chosen.anchored) {
    const last = chosen.path.length - 1;
    const top = chosen.path[last]!;
    f.add(last, 'NOT_TRUSTED', exhausted() ? 'path building gave up (work limit)' : `no trust anchor issued ${top.selfIssued ? 'this self-signed certificate' : top.issuer}`);
  }
  if (!chosen.signaturesChecked) {
    // Signatures are the expensive part. When the path already fails for a reason that neither
    // `ignore` nor a callback can clear, the verdict cannot change: skip them and say so.
    // Otherwise (a callback, or every flag ignored) they must be checked, or ignoring, say,
    // EXPIRED would let a forged chain through.
    const ignore = new Set(opts.ignore ?? []);
    const decided = !opts.verifyCallback && f.flags.some((s) => [...s].some((x) => !ignore.has(x)));
    if (decided) f.reasons[0]!.push('(signatures not checked: the path fails already)');
    else checkSignatures(chosen.path, ctx, f, work);
    chosen.signaturesChecked = true;
  }
  return finish(chosen, opts);
}

function finish(chosen: Candidate, opts: ChainVerifyOptions): ChainVerifyResult {
  const certificates: CertificateReport[] = chosen.path.map((c, depth) => ({
    depth,
    subject: c.subject,
    flags: [...chosen.findings.flags[depth]!],
    reasons: chosen.findings.reasons[depth]!,
  }));
  // mbedtls_ssl_conf_verify: the callback sees each certificate from the top down and may
  // replace its flags.
  if (opts.verifyCallback) {
    for (let i = certificates.length - 1; i >= 0; i--) {
      const r = certificates[i]!;
      const out = opts.verifyCallback({ depth: r.depth, subject: r.subject, der: chosen.path[i]!.der, flags: [...r.flags] });
      if (Array.isArray(out)) {
        const added = out.filter((x) => !r.flags.includes(x));
        const removed = r.flags.filter((x) => !out.includes(x));
        for (const a of added) r.reasons.push(`${a}: added by verifyCallback`);
        for (const d of removed) r.reasons.push(`${d}: cleared by verifyCallback`);
        r.flags = [...new Set(out.map(String))];
      }
    }
  }
  const ignore = new Set(opts.ignore ?? []);
  const flags: string[] = [];
  for (const r of certificates) for (const x of r.flags) if (!ignore.has(x) && !flags.includes(x)) flags.push(x);
  return { ok: flags.length === 0, flags, certificates, chain: chosen.path, trusted: chosen.anchored };
}
