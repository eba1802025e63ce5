import type { CryptoProvider, PrivateKeyHandle } from '../crypto/provider.js';
import { createChainVerifier, type CertificatePurpose, type CertificateVerifier } from '../pki/verify-chain.js';

/**
 * What many connections built from the same options can share: the imported
 * private key and the parsed trust anchors. Keyed by the caller's own
 * objects (weakly), so nothing outlives the options that made it.
 */

const keys = new WeakMap<Uint8Array, Map<string, PrivateKeyHandle>>();
const verifiers = new WeakMap<readonly Uint8Array[], Map<CertificatePurpose, CertificateVerifier>>();

/** The private key imported once per key bytes and provider. */
export function cachedPrivateKey(provider: CryptoProvider, pkcs8: Uint8Array): PrivateKeyHandle {
  let byProvider = keys.get(pkcs8);
  if (!byProvider) keys.set(pkcs8, (byProvider = new Map()));
  let key = byProvider.get(provider.name);
  if (!key) byProvider.set(provider.name, (key = provider.importPrivateKey(pkcs8)));
  return key;
}

/** A chain verifier whose anchors are parsed once per anchor list and purpose. */
export function cachedVerifier(trustAnchors: readonly Uint8Array[], purpose: CertificatePurpose): CertificateVerifier {
  let byPurpose = verifiers.get(trustAnchors);
  if (!byPurpose) verifiers.set(trustAnchors, (byPurpose = new Map()));
  let v = byPurpose.get(purpose);
  if (!v) byPurpose.set(purpose, (v = createChainVerifier(trustAnchors, { purpose })));
  return v;
}
