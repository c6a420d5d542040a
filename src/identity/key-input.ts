/**
 * A private key as the user gives it: PEM text (RFC 7468) or DER bytes, holding PKCS#8
 * PrivateKeyInfo (RFC 5208 §5), PKCS#1 RSAPrivateKey (RFC 8017 §A.1.2), SEC1 ECPrivateKey
 * (RFC 5915 §3), or PKCS#8 EncryptedPrivateKeyInfo (RFC 5208 §6, "ENCRYPTED PRIVATE KEY").
 *
 * Synchronous: unencrypted keys are parsed here by our own DER reader (src/crypto/private-key.ts);
 * an encrypted one is only recognised, and decrypted by the asynchronously loaded encrypted.ts.
 * OpenSSL's legacy PEM encryption ("Proc-Type: 4,ENCRYPTED" + "DEK-Info") is refused with a
 * conversion hint: it uses MD5 as its key derivation and has no place in new deployments.
 */
import { parsePrivateKey, type PrivateKey } from '../crypto/private-key.js';
import { TlsError } from '../errors.js';
import { DerReader, Tag, readSingle } from '../wire/der.js';

export type KeyMaterial = { kind: 'plain'; key: PrivateKey } | { kind: 'encrypted'; der: Uint8Array };

const KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
/** Blocks a key file may also carry (a combined cert+key file, `openssl ecparam -genkey` output). */
const IGNORED_LABELS = new Set(['CERTIFICATE', 'EC PARAMETERS', 'TRUSTED CERTIFICATE']);

export function badKey(what: string, why: string, cause?: unknown): TlsError {
  return new TlsError('BAD_CONFIG', 'bad_private_key', `\`${what}\`: ${why}`, cause !== undefined ? { cause } : {});
}

export interface PemBlock {
  label: string;
  headers: string[];
  der: Uint8Array;
}

/** Every PEM block of a text, with RFC 1421 headers (lines with ':') kept apart from the base64. */
export function readPemBlocks(text: string, what: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const [, begin, body, end] = m;
    if (begin !== end) throw badKey(what, `PEM block BEGIN ${begin} closed by END ${end}`);
    const lines = body!.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    const headers = lines.filter((l) => l.includes(':'));
    const b64 = lines.filter((l) => !l.includes(':')).join('');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) {
      throw badKey(what, `the PEM ${begin} block is not base64`);
    }
    const bin = atob(b64);
    const der = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) der[i] = bin.charCodeAt(i);
    out.push({ label: begin!, headers, der });
  }
  return out;
}

/** RFC 5208 §6: EncryptedPrivateKeyInfo starts with an AlgorithmIdentifier; PrivateKeyInfo with a version. */
function isEncryptedPkcs8(der: Uint8Array): boolean {
  try {
    const top = readSingle(der, 'private key');
    if (top.tag !== Tag.SEQUENCE) return false;
    return new DerReader(top.value, 'private key').peekTag() === Tag.SEQUENCE;
  } catch {
    return false;
  }
}

function parsePlain(der: Uint8Array, what: string): KeyMaterial {
  try {
    return { kind: 'plain', key: parsePrivateKey(der) };
  } catch (e) {
    const why = e instanceof TlsError ? e.explanation : e instanceof Error ? e.message : String(e);
    throw badKey(what, `not a usable private key (${why}); expected PKCS#8, PKCS#1 (RSA) or SEC1 (EC), PEM or DER`, e);
  }
}

/** Decode a key given as PEM text or DER bytes. Throws BAD_CONFIG naming the problem. */
export function decodeKeyInput(input: unknown, what = 'key'): KeyMaterial {
  let der: Uint8Array;
  if (input instanceof Uint8Array && input.length > 0 && input[0] === 0x30) {
    der = input;
  } else if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    const blocks = readPemBlocks(text, what).filter((b) => !IGNORED_LABELS.has(b.label));
    if (blocks.length === 0) throw badKey(what, 'no PEM private key block found (expected PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY), and not DER');
    if (blocks.length > 1) throw badKey(what, `${blocks.length} PEM key blocks found; give exactly one private key`);
    const b = blocks[0]!;
    if (!KEY_LABELS.has(b.label)) throw badKey(what, `unsupported PEM block ${b.label} (expected a private key)`);
    if (b.headers.some((h) => /^Proc-Type:\s*4,\s*ENCRYPTED/i.test(h))) {
      throw badKey(
        what,
        "OpenSSL's legacy PEM encryption (Proc-Type/DEK-Info) is not supported; convert the key to encrypted PKCS#8: openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out new.pem",
      );
    }
    der = b.der;
    if (b.label === 'ENCRYPTED PRIVATE KEY') return { kind: 'encrypted', der };
  } else {
    throw badKey(what, `expected PEM text or DER bytes, got ${input === null ? 'null' : typeof input}`);
  }
  return isEncryptedPkcs8(der) ? { kind: 'encrypted', der } : parsePlain(der, what);
}
