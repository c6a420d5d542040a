/**
 * The crypto seam of puretls: the only folder that imports noble. Everything else imports from
 * here (or from the single files, for tree-shaking within the package).
 */
export * from './types.js';
export { HASH_LEN, createHash, createHmac, hash, hkdfExpand, hkdfExtract, hmac, type RunningHash } from './hash.js';
export { secureRandom, type RandomSource } from './random.js';
export { aesCbcDecryptNoPad, aesCbcEncryptNoPad, createAead } from './aead.js';
export {
  CIPHER_SUITES,
  isSuiteSupported,
  resolveSuites,
  suiteByCode,
  suiteByName,
  type CipherSuite,
  type TlsVersionName,
} from './suites.js';
export {
  SIGNATURE_SCHEMES,
  resolveSigSchemes,
  schemeAlgorithm,
  schemeByCode,
  schemeByName,
  schemeMatchesKey,
  type SignatureScheme,
} from './sigschemes.js';
export {
  GROUPS,
  computeSharedSecret,
  dhGenerate,
  dhShared,
  generateKeyShare,
  generateKeyShares,
  groupByCode,
  groupByName,
  isGroupSupported,
  respondToKeyShare,
  validateFfdheParams,
  type DhKeyPair,
  type FfdheParamsPolicy,
  type HybridParts,
  type KeyShare,
  type NamedGroup,
} from './groups.js';
export { parseSpki, parseRsaPublicKey, OID, CURVE_BY_OID, HASH_BY_OID } from './spki.js';
export { DerError, DerReader, Tag, contextTag, derIntegerToBigint, oidToString, readSequence, readSingle, readTlv, type Tlv } from '../wire/der.js';
export { rsaSignPkcs1, rsaSignPss, rsaVerifyPkcs1, rsaVerifyPss, parseRsaPrivateKey, type RsaPrivateKey, type RsaPublicValues } from './rsa.js';
export { rsaEncryptPkcs1 } from './rsa-encrypt.js';
export { ecdsaDerToCompact, signMessage, verifySignature } from './signature.js';
export { parsePrivateKey, publicKeyOf, type PrivateKey } from './private-key.js';
export { KEMS, type Kem, type KemName } from './mlkem.js';
export { bigIntToBytes, bytesToBigInt, modPow } from './bigint.js';
