/**
 * `dtls13/crypto`: the crypto providers behind one interface (`native`, dtls13's addon; `node`, node:crypto; `noble`,
 * pure JavaScript), the cipher suites, and X.509: certificates made, chains verified, credentials parsed.
 */
export {
  CryptoError,
  UnsupportedAlgorithmError,
  type AeadAlgorithm,
  type AeadKey,
  type Capability,
  type CryptoProvider,
  type HashAlgorithm,
  type IncrementalHash,
  type KeyExchangeGroup,
  type KeyShare,
  type MaskAlgorithm,
  type MaskKey,
  type PrivateKeyHandle,
  type PublicKeyHandle,
  type RecordProtection,
  type SignatureAlgorithm,
} from './crypto/provider.js';
export {
  ALL_CIPHER_SUITES,
  CIPHER_SUITES,
  type CipherSuiteParams,
  type SupportedCipherSuite,
} from './crypto/suites.js';
export {
  DEFAULT_PREFERENCE,
  defaultProvider,
  getProvider,
  providerNames,
  registerProvider,
  selectProvider,
} from './crypto/registry.js';
export { nodeProvider } from './crypto/node/index.js';
export { nativeProvider, nativeUnavailableReason } from './crypto/native/index.js';
export { nobleProvider } from './crypto/noble/index.js';

export {
  createCertificate,
  generateKeyPair,
  type CertificateOptions,
  type CreatedCertificate,
  type KeyPairKind,
} from './pki/certificate-builder.js';
export {
  createChainVerifier,
  parsePemCertificates,
  verifyCertificateChain,
  type CertificatePurpose,
  type CertificateVerifier,
  type ChainResult,
  type VerificationContext,
  type VerifyChainOptions,
} from './pki/verify-chain.js';
export { certificateToPem, privateKeyToPem } from './pki/pem.js';
export {
  createThrowawayIdentity,
  type ThrowawayIdentity,
  type ThrowawayIdentityOptions,
} from './pki/throwaway-identity.js';
export {
  resolveCredentials,
  SecureContext,
  type CertificateCredential,
  type CredentialInput,
  type CredentialItem,
  type CredentialOptions,
  type ResolvedCredentials,
  type SecureContextOptions,
} from './pki/secure-context.js';
