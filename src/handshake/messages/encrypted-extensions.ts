/**
 * EncryptedExtensions (RFC 8446 §4.3.1).
 *
 *     struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;
 */
import { Reader } from '../../wire/reader.js';
import { write } from '../../wire/writer.js';
import { type ExtensionList, type Extensions, decodeExtensions, writeExtensions } from '../extensions/block.js';

export interface EncryptedExtensions {
  extensions: Extensions;
}

export function encodeEncryptedExtensions(ee: { extensions: ExtensionList }): Uint8Array {
  return write((w) => writeExtensions(w, ee.extensions));
}
export function decodeEncryptedExtensions(body: Uint8Array): EncryptedExtensions {
  const r = new Reader(body, 'EncryptedExtensions');
  const extensions = decodeExtensions(r, 'EncryptedExtensions');
  r.end();
  return { extensions };
}
