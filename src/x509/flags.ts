/** Certificate verification result flags: one name per reason a certificate can fail. */
export const CERT_FLAGS = [
  'EXPIRED',
  'FUTURE',
  'NOT_TRUSTED',
  'NAME_MISMATCH',
  'BAD_SIGNATURE',
  'BAD_ALGORITHM',
  'BAD_KEY',
  'NOT_CA',
  'PATH_LENGTH',
  'NAME_CONSTRAINTS',
  'KEY_USAGE',
  'EXT_KEY_USAGE',
  'UNHANDLED_CRITICAL_EXTENSION',
  'CHAIN_TOO_LONG',
  /** unparsable, or breaks a MUST of the profile (serial, key identifiers, version...) */
  'BAD_CERTIFICATE',
] as const;

export type CertFlag = (typeof CERT_FLAGS)[number];
