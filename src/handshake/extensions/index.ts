/** The extension codecs, one module per extension family (see each file's header for its RFC). */
export * from './block.js';
export * from './common.js';
export * from './server-name.js';
export * from './groups.js';
export * from './signature-algorithms.js';
export * from './supported-versions.js';
export * from './key-share.js';
export * from './cookie.js';
export * from './alpn.js';
export * from './psk.js';
export * from './tls12.js';
export * from './limits.js';
export * from './status-request.js';
