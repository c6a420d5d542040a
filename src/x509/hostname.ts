/**
 * Server identity (RFC 6125 §6, RFC 9525 §6.3): the reference identity is a DNS name or an IP
 * address; it is matched against subjectAltName dNSName / iPAddress entries. A wildcard is only
 * the whole left-most label ("*.example.com"), matches exactly one label, and never a bare
 * domain. The subject CN is consulted only when the caller enables it and the certificate has
 * no DNS or IP SAN at all (RFC 6125 §6.4.4).
 */
import type { Certificate } from './certificate.js';
import { equalBytesCT } from '../wire/bytes.js';
import { parseIP } from '../wire/ip.js';
import { OID_CN, attributeTexts } from './name.js';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A reference DNS name in preferred name syntax (RFC 1034 §3.5 / RFC 1123 §2.1), lower-cased. */
export function normalizeDnsName(name: string): string | undefined {
  let n = name.toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  if (n.length === 0 || n.length > 253) return undefined;
  const labels = n.split('.');
  if (!labels.every((l) => LABEL.test(l))) return undefined;
  // an all-numeric last label would be an IPv4 address, not a host name
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return undefined;
  return n;
}

/** Is `pattern` (a SAN dNSName, possibly "*.x.y") a name we would ever match? */
export function validPresentedDns(pattern: string): boolean {
  const p = pattern.toLowerCase();
  const labels = p.split('.');
  if (labels[0] === '*') {
    // RFC 9525 §6.3: the wildcard is the complete left-most label; we also require two more
    // labels so that "*.com" never matches a registrable domain.
    if (labels.length < 3) return false;
    labels.shift();
  }
  return labels.every((l) => LABEL.test(l));
}

/** RFC 6125 §6.4.3 matching of one presented dNSName against a normalised reference name. */
export function matchDnsPattern(pattern: string, reference: string): boolean {
  const p = pattern.toLowerCase();
  if (!validPresentedDns(p)) return false;
  if (p.startsWith('*.')) {
    const dot = reference.indexOf('.');
    if (dot <= 0) return false;
    return reference.slice(dot + 1) === p.slice(2);
  }
  return p === reference;
}

/** Does the certificate identify `name`? */
export function matchServerName(cert: Certificate, name: { kind: 'dns' | 'ip'; value: string }, allowCnFallback = false): boolean {
  if (name.kind === 'ip') {
    const ip = parseIP(name.value);
    if (!ip) return false;
    return cert.sanIp.some((x) => equalBytesCT(x, ip));
  }
  const ref = normalizeDnsName(name.value);
  if (ref === undefined) return false;
  if (cert.sanDns.some((p) => matchDnsPattern(p, ref))) return true;
  if (allowCnFallback && cert.sanDns.length === 0 && cert.sanIp.length === 0) {
    const cns = attributeTexts(cert.subjectName, OID_CN);
    const cn = cns[cns.length - 1];
    return cn !== undefined && matchDnsPattern(cn, ref);
  }
  return false;
}
