/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)/(c)) for the name forms a TLS client meets:
 * dNSName, iPAddress, directoryName and rfc822Name. A constraint on a form we do not process
 * (URI, otherName, x400, EDI, registeredID) rejects any certificate that carries a name of that
 * form, as the RFC requires of a critical extension. The work is bounded (nc-dos chains).
 */
import type { Certificate, GeneralSubtree, NameConstraints } from './certificate.js';
import type { GeneralName } from './general-names.js';
import { validPresentedDns } from './hostname.js';
import { OID_CN, attributeTexts, type Name } from './name.js';

/** Beyond this many (name × constraint) comparisons for one certificate we give up and reject. */
export const MAX_NC_COMPARISONS = 1 << 16;

type Form = 'dns' | 'ip' | 'dn' | 'email' | 'uri' | 'other' | 'unsupported';

function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true;
  return name === base || name.endsWith('.' + base);
}

/** Does the dNSName `name` (maybe "*.x") fall inside subtree `base` for a permitted check? */
function dnsPermitted(name: string, base: string): boolean {
  // "*.example.com" stands for every X.example.com: all inside iff "example.com"'s subdomains are.
  return dnsWithin(name, base);
}

/** Could the dNSName `name` (maybe "*.x") denote a name inside excluded subtree `base`? */
function dnsExcluded(name: string, base: string): boolean {
  if (dnsWithin(name, base)) return true;
  if (name.startsWith('*.')) {
    // the wildcard covers one extra label: excluded "foo.example.com" meets "*.example.com"
    const dot = base.indexOf('.');
    return dot > 0 && base.slice(dot + 1) === name.slice(2);
  }
  return false;
}

function ipWithin(addr: Uint8Array, c: Uint8Array): boolean {
  const n = c.length / 2;
  if (addr.length !== n) return false;
  for (let i = 0; i < n; i++) if ((addr[i]! & c[n + i]!) !== (c[i]! & c[n + i]!)) return false;
  return true;
}

function dnWithin(name: Name, base: Name): boolean {
  if (base.rdnKeys.length > name.rdnKeys.length) return false;
  return base.rdnKeys.every((k, i) => k === name.rdnKeys[i]);
}

function splitEmail(e: string): { local: string; host: string } | undefined {
  const at = e.lastIndexOf('@');
  if (at <= 0 || at === e.length - 1) return undefined;
  return { local: e.slice(0, at), host: e.slice(at + 1).toLowerCase() };
}

function emailWithin(email: string, base: string): boolean {
  const m = splitEmail(email);
  if (!m) return false;
  if (base.includes('@')) {
    const b = splitEmail(base);
    return b !== undefined && b.local === m.local && b.host === m.host;
  }
  const b = base.toLowerCase();
  if (b.startsWith('.')) return m.host.endsWith(b);
  return m.host === b;
}

interface NameToCheck {
  form: Form;
  name: GeneralName | { type: 'dn'; value: Name };
  /** How to name it in a reason (default: describe(name)). */
  label?: string;
}

function formOf(n: GeneralName): Form {
  return n.type;
}

/** Is `n` inside subtree `s` (same form assumed)? `excluded` selects the wildcard semantics. */
function within(n: GeneralName, s: GeneralSubtree, excluded: boolean): boolean {
  const b = s.base;
  if (n.type === 'dns' && b.type === 'dns') {
    const name = n.value.toLowerCase();
    const base = b.value.toLowerCase();
    return excluded ? dnsExcluded(name, base) : dnsPermitted(name, base);
  }
  if (n.type === 'ip' && b.type === 'ip') return ipWithin(n.value, b.value);
  if (n.type === 'dn' && b.type === 'dn') return dnWithin(n.value, b.value);
  if (n.type === 'email' && b.type === 'email') return emailWithin(n.value, b.value);
  return false;
}

/**
 * Check one certificate's names against one CA's constraints. Returns a reason, or undefined.
 *
 * `cnFallback`: the leaf may be matched on its subject CN (`allowCnFallback`, RFC 6125 §6.4.4,
 * used only when it has no DNS or IP SAN). Such a CN is then a DNS identity and must satisfy the
 * dNSName constraints like a SAN would (RFC 5280 §4.2.1.10; OpenSSL refuses it too, error 47),
 * or a CA constrained to example.com could issue CN=evil.com.
 */
export function nameConstraintViolation(nc: NameConstraints, cert: Certificate, isLeaf: boolean, cnFallback = false): string | undefined {
  const all = [...(nc.permitted ?? []), ...(nc.excluded ?? [])];
  for (const s of all) if (s.invalid) return s.invalid;

  const names: NameToCheck[] = [];
  if (cert.subjectName.rdns.length > 0) names.push({ form: 'dn', name: { type: 'dn', value: cert.subjectName } });
  // RFC 5280 §4.2.1.10: emailAddress attributes in the subject are checked as rfc822Names.
  for (const rdn of cert.subjectName.rdns)
    for (const a of rdn) if (a.oid === '1.2.840.113549.1.9.1' && a.text !== undefined) names.push({ form: 'email', name: { type: 'email', value: a.text } });
  for (const n of cert.san ?? []) names.push({ form: formOf(n), name: n });
  if (isLeaf && cnFallback && cert.sanDns.length === 0 && cert.sanIp.length === 0) {
    // Every CN that could match a DNS reference name (hostname.ts matches the last one).
    for (const cn of attributeTexts(cert.subjectName, OID_CN)) if (validPresentedDns(cn)) names.push({ form: 'dns', name: { type: 'dns', value: cn }, label: `subject CN ${cn} (a DNS identity under allowCnFallback)` });
  }

  const group = (list: GeneralSubtree[] | undefined): Map<Form, GeneralSubtree[]> => {
    const m = new Map<Form, GeneralSubtree[]>();
    for (const s of list ?? []) {
      const f = formOf(s.base);
      const l = m.get(f);
      if (l) l.push(s);
      else m.set(f, [s]);
    }
    return m;
  };
  const permittedBy = group(nc.permitted);
  const excludedBy = group(nc.excluded);
  let work = 0;
  for (const { form, name, label: given } of names) {
    const permitted = permittedBy.get(form) ?? [];
    const excluded = excludedBy.get(form) ?? [];
    if (permitted.length === 0 && excluded.length === 0) continue;
    work += permitted.length + excluded.length;
    if (work > MAX_NC_COMPARISONS) return 'name constraints too complex to evaluate';
    if (form === 'uri' || form === 'other' || form === 'unsupported') {
      return `a ${form} name meets a constraint on that name form, which is not processed`;
    }
    if (form === 'dns' && !validPresentedDns((name as { value: string }).value)) {
      return `dNSName ${JSON.stringify((name as { value: string }).value)} is not a valid name under constraints`;
    }
    if (form === 'email' && !splitEmail((name as { value: string }).value)) return 'malformed rfc822Name under constraints';
    const label = given ?? describe(name);
    for (const s of excluded) if (within(name as GeneralName, s, true)) return `${label} is in an excluded subtree`;
    if (permitted.length > 0 && !permitted.some((s) => within(name as GeneralName, s, false))) return `${label} is outside the permitted subtrees`;
  }
  return undefined;
}

function describe(n: GeneralName | { type: 'dn'; value: Name }): string {
  switch (n.type) {
    case 'dns':
      return `dNSName ${n.value}`;
    case 'ip':
      return `iPAddress ${Array.from(n.value).join('.')}`;
    case 'dn':
      return `directoryName ${n.value.text}`;
    case 'email':
      return `rfc822Name ${n.value}`;
    default:
      return n.type;
  }
}
