import type { CryptoProvider, PrivateKeyHandle, PublicKeyHandle } from '../crypto/provider.js';
import { BytesLru } from '../pki/bytes-lru.js';
import { createChainVerifier, type CertificatePurpose, type CertificateVerifier } from '../pki/verify-chain.js';

/**
 * What many connections built from the same options can share: the imported private key and the parsed trust anchors.
 * Keyed by the caller's own objects (weakly), so nothing outlives the options that made it.
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

/** Peer leaf keys imported, per provider: the most recent 256 SubjectPublicKeyInfos. */
const peerKeys = new WeakMap<CryptoProvider, BytesLru<PublicKeyHandle>>();

/** The peer's leaf key imported once per SubjectPublicKeyInfo bytes and provider; a refused key is not kept. */
export function cachedPublicKey(provider: CryptoProvider, spki: Uint8Array): PublicKeyHandle {
  let lru = peerKeys.get(provider);
  if (!lru) peerKeys.set(provider, (lru = new BytesLru(256)));
  const k = lru.keyOf(spki);
  let key = lru.get(k);
  if (!key) lru.set(k, (key = provider.importPublicKey(spki)));
  return key;
}
