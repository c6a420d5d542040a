/**
 * GeneralName and GeneralNames (RFC 5280 §4.2.1.6), shared by subjectAltName and
 * nameConstraints.
 */
import { DerError, type Tlv, children, readAll, readOid } from '../wire/der.js';
import { type Name, parseName } from './name.js';

export type GeneralName =
  | { type: 'dns'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; value: Uint8Array }
  | { type: 'dn'; value: Name }
  | { type: 'other'; oid: string; raw: Uint8Array }
  | { type: 'unsupported'; tag: number; raw: Uint8Array };

function ia5(v: Uint8Array, what: string): string {
  for (const b of v) if (b > 0x7f) throw new DerError(`${what}: non-ASCII byte in IA5String`);
  return String.fromCharCode(...v);
}

/** One GeneralName (context-specific tags [0]..[8]). */
export function parseGeneralName(t: Tlv): GeneralName {
  switch (t.tag) {
    case 0xa0: {
      // otherName: type-id OID, [0] EXPLICIT value
      const r = children(t);
      const oid = readOid(r.read(), 'otherName type-id');
      r.read();
      r.end('otherName');
      return { type: 'other', oid, raw: t.raw };
    }
    case 0x81:
      return { type: 'email', value: ia5(t.value, 'rfc822Name') };
    case 0x82:
      return { type: 'dns', value: ia5(t.value, 'dNSName') };
    case 0x86:
      return { type: 'uri', value: ia5(t.value, 'uniformResourceIdentifier') };
    case 0x87:
      return { type: 'ip', value: t.value };
    case 0xa4: {
      const r = children(t);
      const name = parseName(r.read());
      r.end('directoryName');
      return { type: 'dn', value: name };
    }
    case 0xa3: // x400Address
    case 0xa5: // ediPartyName
    case 0x88: // registeredID
      return { type: 'unsupported', tag: t.tag, raw: t.raw };
    default:
      throw new DerError(`GeneralName: unknown tag 0x${t.tag.toString(16)}`);
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
export function parseGeneralNames(t: Tlv, what: string): GeneralName[] {
  if (t.tag !== 0x30) throw new DerError(`${what}: expected SEQUENCE`);
  const items = readAll(t);
  if (items.length === 0) throw new DerError(`${what}: empty GeneralNames`);
  return items.map(parseGeneralName);
}
