/**
 * Record content types (RFC 8446 §5.1, RFC 5246 §6.2.1) and the size limits of a record.
 */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;
export type ContentTypeValue = (typeof ContentType)[keyof typeof ContentType];

const NAMES: Record<number, string> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
};
export function contentTypeName(t: number): string {
  return NAMES[t] ?? `content_type(${t})`;
}
export function isKnownContentType(t: number): t is ContentTypeValue {
  return t >= 20 && t <= 23;
}

/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14 bytes. */
export const MAX_PLAINTEXT = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256 bytes. */
export const MAX_CIPHERTEXT_13 = (1 << 14) + 256;
/** RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. */
export const MAX_CIPHERTEXT_12 = (1 << 14) + 2048;
export const RECORD_HEADER_LENGTH = 5;
