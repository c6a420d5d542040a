/**
 * puretls: a TLS 1.2/1.3 client in TypeScript on the noble primitives.
 *
 * The root entry is runtime-neutral (no Node built-ins): the sans-IO `ClientConnection`, the
 * Web Streams adapter, errors and types. `puretls/node` adds `connect()` over net.Socket;
 * `puretls/x509` exposes the certificate validator on its own.
 */
export { ClientConnection, type ConnectionStatus } from './connection.js';
export { TlsError, AlertDescription, alertName, type TlsErrorCode } from './errors.js';
export { isSuiteSupported, CIPHER_SUITES } from './crypto/suites.js';
export { GROUPS, isGroupSupported } from './crypto/groups.js';
export { SIGNATURE_SCHEMES } from './crypto/sigschemes.js';
export type {
  ClientOptions,
  HandshakeInfo,
  TraceEvent,
  VerifyReport,
  VerifyMode,
  TlsVersionName,
  CertInput,
  CertVerifyInfo,
  DebugLevel,
} from './types.js';
export { loadIdentity, type IdentityOptions } from './identity/load.js';
export { ClientIdentity, type ClientSigner, type SignRequest } from './identity/identity.js';
export { connectStreams, type ByteStreamPair, type ByteChunk, type TlsStreams } from './transport/web.js';
