/** The handshake message codecs: each `encodeX` returns a body, each `decodeX` takes one. */
export * from './hello.js';
export * from './encrypted-extensions.js';
export * from './certificate.js';
export * from './certificate-request.js';
export * from './certificate-verify.js';
export * from './finished.js';
export * from './new-session-ticket.js';
export * from './key-update.js';
export * from './key-exchange12.js';
export * from './empty.js';
