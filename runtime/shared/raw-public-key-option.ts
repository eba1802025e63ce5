/**
 * The `rawPublicKey` option of a connection (RFC 7250): our key to send as a SubjectPublicKeyInfo, and the check of the
 * peer's raw key. Read once per configuration; every mistake is a ConfigError naming the option.
 */
import { ConfigError } from '../config-error.js';
import { ownPublicKey, type RawPublicKeyVerifier } from '../pki/raw-public-key.js';
import { constantTimeEqual } from '../wire/bytes.js';

/** What `rawPublicKey` takes. */
export interface RawPublicKeyOption {
  /** Our private key (PKCS#8 DER); its SubjectPublicKeyInfo is what we send. */
  readonly privateKey?: Uint8Array;
  /** The check of the peer's SubjectPublicKeyInfo; with it the peer must present a raw public key. */
  readonly verifyPeer?: RawPublicKeyVerifier;
}

/** The option as the handshake reads it. */
export interface ResolvedRawPublicKey {
  /** Ours: the SPKI sent and the private key that signs CertificateVerify. */
  readonly own: { readonly spki: Uint8Array; readonly privateKey: Uint8Array } | undefined;
  readonly verifyPeer: RawPublicKeyVerifier | undefined;
}

export function resolveRawPublicKey(
  o: RawPublicKeyOption | undefined,
  certificate: { readonly privateKey: Uint8Array } | undefined,
): ResolvedRawPublicKey | undefined {
  if (o === undefined) return undefined;
  if (typeof o !== 'object' || o === null)
    throw new ConfigError('rawPublicKey', 'must be an object { privateKey?, verifyPeer? }', 'ERR_INVALID_ARG_TYPE');
  if (o.privateKey !== undefined && !(o.privateKey instanceof Uint8Array))
    throw new ConfigError('rawPublicKey.privateKey', 'must be PKCS#8 DER bytes');
  if (o.verifyPeer !== undefined && typeof o.verifyPeer !== 'function')
    throw new ConfigError('rawPublicKey.verifyPeer', 'must be a function');
  if (o.privateKey === undefined && o.verifyPeer === undefined)
    throw new ConfigError('rawPublicKey', 'names neither privateKey nor verifyPeer');
  // One key signs CertificateVerify whichever type is negotiated (ClientContext.ownKey, machine-context.ts).
  if (
    o.privateKey !== undefined &&
    certificate !== undefined &&
    !constantTimeEqual(o.privateKey, certificate.privateKey)
  )
    throw new ConfigError('rawPublicKey.privateKey', "must be the certificate's private key when both are given");
  const own =
    o.privateKey === undefined
      ? undefined
      : { spki: ownPublicKey('rawPublicKey.privateKey', o.privateKey), privateKey: o.privateKey };
  return { own, verifyPeer: o.verifyPeer };
}
