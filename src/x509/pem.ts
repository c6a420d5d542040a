/**
 * Trust input: PEM bundles (RFC 7468) and DER, one or many. Every certificate found becomes
 * one DER entry; anything that is not a certificate is a BAD_CONFIG error (reason `bad_pem`)
 * naming the entry.
 */
import type { CertInput } from '../types.js';
import { configError, type TlsError } from '../errors.js';
import { DerError, readSingle } from '../wire/der.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

function badPem(where: string, why: string): TlsError {
  return configError('bad_pem', `${where}: ${why}`);
}

function decodeBase64Strict(body: string, where: string): Uint8Array {
  const b64 = body.replace(/[\r\n\t ]/g, '');
  // RFC 7468 §3: only the base64 alphabet; headers (RFC 1421 "Proc-Type:") are not certificates.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) {
    throw badPem(where, 'the PEM body is not base64');
  }
  // atob is in every runtime puretls targets (browsers, Node ≥ 16, Deno, Bun, workerd); Node's
  // Buffer is not, so it is not used here.
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function checkDer(der: Uint8Array, where: string): Uint8Array {
  try {
    const t = readSingle(der, 'certificate');
    if (t.tag !== 0x30) throw new DerError('not a SEQUENCE');
  } catch (e) {
    throw badPem(where, `not a DER certificate (${e instanceof DerError ? e.fault : e instanceof Error ? e.message : String(e)})`);
  }
  return der;
}

/** Every CERTIFICATE block of a PEM text, as DER. */
export function pemToDer(text: string, where: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let m: RegExpExecArray | null;
  PEM_BLOCK.lastIndex = 0;
  let blocks = 0;
  while ((m = PEM_BLOCK.exec(text)) !== null) {
    blocks++;
    const [, begin, body, end] = m;
    if (begin !== end) throw badPem(where, `BEGIN ${begin} closed by END ${end}`);
    if (begin !== 'CERTIFICATE') throw badPem(where, `expected CERTIFICATE blocks, found ${begin}`);
    out.push(checkDer(decodeBase64Strict(body!, `${where} block ${blocks}`), `${where} block ${blocks}`));
  }
  if (blocks === 0) throw badPem(where, 'no PEM CERTIFICATE block found');
  return out;
}

/**
 * PEM bundles / DER → a DER list. Bytes that start like a DER SEQUENCE are DER; other bytes are
 * read as PEM text (a file read without an encoding). undefined → [].
 */
export function loadCertificates(input: CertInput | CertInput[] | undefined, what: string): Uint8Array[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? input : [input];
  const out: Uint8Array[] = [];
  list.forEach((item, i) => {
    const where = `${what}[${i}]`;
    if (typeof item === 'string') out.push(...pemToDer(item, where));
    else if (item instanceof Uint8Array) {
      if (item.length > 0 && item[0] === 0x30) out.push(checkDer(item, where));
      else out.push(...pemToDer(new TextDecoder().decode(item), where));
    } else throw badPem(where, 'expected a PEM string or DER bytes');
  });
  return out;
}
