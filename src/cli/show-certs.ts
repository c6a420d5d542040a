/**
 * `--show-certs` (and `--debug info`): the certificate chain the server sent, one block per
 * certificate, as gnutls-cli prints it, plus the validator's verdict with its reasons.
 */
import { chainOrder, summarizeChain, type CertSummary } from '../diagnose/certs.js';
import type { TraceFacts } from '../diagnose/trace.js';

function day(d: Date): string {
  return Number.isNaN(d.getTime()) ? '?' : d.toISOString().replace('.000Z', 'Z');
}

function span(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  return h < 48 ? `${h} hours` : `${Math.floor(h / 24)} days`;
}

function validityNote(c: CertSummary, now: Date): string {
  if (now < c.notBefore) return `NOT YET VALID at ${now.toISOString()}: starts in ${span(c.notBefore.getTime() - now.getTime())}`;
  if (now > c.notAfter) return `EXPIRED ${span(now.getTime() - c.notAfter.getTime())} ago`;
  return `${span(c.notAfter.getTime() - now.getTime())} left`;
}

export function certificateLines(c: CertSummary, now: Date, checked: boolean): string[] {
  const role = c.index === 0 ? 'leaf' : c.selfIssued ? 'self-issued' : c.isCA ? 'CA' : 'not a CA';
  const verdict = !checked ? 'not checked' : c.flags.length === 0 ? 'ok' : c.flags.join(',');
  const lines = [`certificate ${c.index} (${role}): ${verdict}`];
  if (c.parseError) {
    lines.push(`    cannot be parsed: ${c.parseError}`);
    lines.push(`    sha256      ${c.sha256}`);
    return lines;
  }
  lines.push(`    subject     ${c.subject}`);
  lines.push(`    issuer      ${c.issuer}`);
  lines.push(`    names       ${c.names.length > 0 ? c.names.join(', ') : '(no subjectAltName)'}`);
  lines.push(`    validity    ${day(c.notBefore)} to ${day(c.notAfter)} (${validityNote(c, now)})`);
  lines.push(`    key         ${c.key}`);
  lines.push(`    signature   ${c.signatureAlgorithm}`);
  lines.push(`    sha256      ${c.sha256}`);
  for (const r of c.reasons) lines.push(`    why         ${r}`);
  return lines;
}

/** The whole chain block, or a line saying none was received. */
export function chainLines(facts: TraceFacts, now: Date): string[] {
  if (!facts.chain || facts.chain.length === 0) return ['certificates: the server sent none'];
  const chain = summarizeChain(facts.chain, facts.verdicts);
  const checked = facts.verdicts.length > 0 || facts.info?.verify.status === 'ok';
  const { inOrder, endsAtRoot } = chainOrder(chain);
  const lines = [
    `certificates: ${chain.length} sent by the server${chain.length > 1 ? (inOrder ? ', in order' : ', NOT in issuing order') : ''}` +
      `${endsAtRoot ? ', ending with a self-issued root' : ''}${facts.info?.verify.status === 'skipped' ? ' (not verified: verify=none)' : ''}`,
  ];
  for (const c of chain) lines.push(...certificateLines(c, now, checked));
  const verified = facts.info?.verify.verifiedChain ?? [];
  const anchor = verified[verified.length - 1];
  if (anchor && !facts.chain.some((d) => sameBytes(d, anchor))) {
    const [a] = summarizeChain([anchor]);
    lines.push(`trust anchor (from the configured CAs): ${a!.subject}`);
  }
  return lines;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
