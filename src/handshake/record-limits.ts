/**
 * The server's answer to max_fragment_length (RFC 6066 §4) and record_size_limit (RFC 8449),
 * in the TLS 1.2 ServerHello or the TLS 1.3 EncryptedExtensions, turned into the limits the
 * record layer enforces. Checks in RFC order: offered, well formed, the same value echoed, not
 * both at once.
 */
import type { ResolvedConfig } from '../config.js';
import { peerError } from '../errors.js';
import { ExtensionType } from './codec/types.js';
import { decodeMaxFragmentLength, decodeRecordSizeLimit, MAX_FRAGMENT_LENGTH, maxFragmentLengthCode } from './extensions/limits.js';

export interface RecordLimits {
  maxFragmentLength?: number;
  peerRecordSizeLimit?: number;
  ownRecordSizeLimit?: number;
}

/** The largest record plaintext a record_size_limit may name: 2^14, plus the content type byte in TLS 1.3 (RFC 8449 §4). */
const PROTOCOL_MAX = { '1.2': 1 << 14, '1.3': (1 << 14) + 1 } as const;

export function negotiateRecordLimits(
  config: ResolvedConfig,
  exts: ReadonlyMap<number, Uint8Array>,
  version: '1.2' | '1.3',
  where: string,
): RecordLimits | undefined {
  const mflData = exts.get(ExtensionType.max_fragment_length);
  const rslData = exts.get(ExtensionType.record_size_limit);
  if (mflData === undefined && rslData === undefined) return undefined;
  // RFC 8446 §4.2 / RFC 5246 §7.4.1.4: an answer to an extension we did not send.
  if (mflData !== undefined && config.maxFragmentLength === undefined) {
    throw peerError('UNOFFERED_EXTENSION', 'max_fragment_length_not_offered', `${where} carries max_fragment_length, which we did not offer`);
  }
  if (rslData !== undefined && config.recordSizeLimit === undefined) {
    throw peerError('UNOFFERED_EXTENSION', 'record_size_limit_not_offered', `${where} carries record_size_limit, which we did not offer`);
  }
  // RFC 8449 §5: "A client MUST treat receipt of both max_fragment_length and record_size_limit
  // as a fatal error, and it SHOULD generate an illegal_parameter alert."
  if (mflData !== undefined && rslData !== undefined) {
    throw peerError('ILLEGAL_VALUE', 'max_fragment_length_and_record_size_limit', `${where} carries both max_fragment_length and record_size_limit (RFC 8449 §5)`);
  }
  if (mflData !== undefined) {
    const code = decodeMaxFragmentLength(mflData);
    // RFC 6066 §4: a value other than the one requested MUST be answered with illegal_parameter.
    if (code !== maxFragmentLengthCode(config.maxFragmentLength!)) {
      throw peerError(
        'ILLEGAL_VALUE',
        'max_fragment_length_differs',
        `${where} echoes max_fragment_length ${MAX_FRAGMENT_LENGTH[code]}, but we asked for ${config.maxFragmentLength} (RFC 6066 §4)`,
      );
    }
    return { maxFragmentLength: config.maxFragmentLength! };
  }
  // decodeRecordSizeLimit refuses a value below 64 (RFC 8449 §4: illegal_parameter). A larger
  // value than the protocol allows is not an error: the protocol's maximum applies.
  const peer = decodeRecordSizeLimit(rslData!);
  return {
    peerRecordSizeLimit: Math.min(peer, PROTOCOL_MAX[version]),
    ownRecordSizeLimit: Math.min(config.recordSizeLimit!, PROTOCOL_MAX[version]),
  };
}
