/**
 * The DTLS 1.2 Certificate message in the certificate type the hellos settled (RFC 7250 §3): X.509's certificate_list
 * (RFC 5246 §7.4.2), or a raw public key, the SubjectPublicKeyInfo alone in one opaque vector.
 */
import {
  decodeTls12Certificate,
  encodeTls12Certificate,
  type Tls12Certificate,
} from '../../generated/wire/tls12-certificate.js';
import { decodeTls12RawPublicKey, encodeTls12RawPublicKey } from '../../generated/wire/tls12-raw-public-key.js';
import type { PrivateKeyHandle } from '../crypto/provider.js';
import { ownChain, type CertificateTypeName } from '../shared/certificate-types.js';
import { cachedPrivateKey } from '../shared/option-cache.js';
import type { Config12 } from './config.js';
import { acceptChain12, type Peer12 } from './keys.js';

/** Our Certificate body for `type` (empty certificate_list without a chain) and the key that signs for it, when we have one. */
export function ownCertificate12(
  config: Config12,
  type: CertificateTypeName,
): { readonly body: Uint8Array; readonly key: PrivateKeyHandle | undefined } {
  const base = config.base;
  const pkcs8 = type === 'raw_public_key' ? base.rawPublicKey?.own?.privateKey : base.certificate?.privateKey;
  const chain = pkcs8 === undefined ? [] : ownChain(base, type);
  const body =
    type === 'raw_public_key' && chain[0] !== undefined
      ? encodeTls12RawPublicKey({ subjectPublicKeyInfo: chain[0] })
      : encodeTls12Certificate({ certificateList: chain.map((cert) => ({ cert })) });
  return { body, key: pkcs8 === undefined ? undefined : cachedPrivateKey(base.provider, pkcs8) };
}

/** The peer's Certificate body as `type` has it, read as a chain (a raw key: its one SPKI). */
export function decodeCertificate12(body: Uint8Array, type: CertificateTypeName): Tls12Certificate {
  if (type === 'x509') return decodeTls12Certificate(body);
  return { certificateList: [{ cert: decodeTls12RawPublicKey(body).subjectPublicKeyInfo }] };
}

/** The peer's Certificate checked as `type` (a raw key by rawPublicKey.verifyPeer, a chain as the 1.3 connection does). */
export function acceptCertificate12(
  config: Config12,
  body: Uint8Array,
  type: CertificateTypeName,
  wallClock: number,
): Peer12 {
  return acceptChain12(config, decodeCertificate12(body, type), wallClock, type);
}
