import { scratchWriter } from '../wire/scratch.js';
import type { CryptoProvider, PrivateKeyHandle, PublicKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';
import { SIGNATURE_ALGORITHMS, SIGNATURE_SCHEMES } from '../crypto/signature-schemes.js';

/** Each side's 64 spaces, context string and zero byte (RFC 8446 §4.4.3), made once. */
const PREFIX = {
  server: prefixOf('TLS 1.3, server CertificateVerify'),
  client: prefixOf('TLS 1.3, client CertificateVerify'),
} as const;

function prefixOf(context: string): Uint8Array {
  const encoded = new TextEncoder().encode(context);
  const out = new Uint8Array(64 + encoded.length + 1);
  out.fill(0x20, 0, 64);
  out.set(encoded, 64);
  return out;
}

/** The content a CertificateVerify signs (RFC 8446 §4.4.3): 64 spaces, context string, zero byte, transcript hash. */
export function certificateVerifyContent(side: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  const prefix = PREFIX[side];
  const out = new Uint8Array(prefix.length + transcriptHash.length);
  out.set(prefix, 0);
  out.set(transcriptHash, prefix.length);
  return out;
}

/** The CertificateVerify schemes a key can make (RFC 8446 §4.2.3): its type's, no rsa_pkcs1_*, a PSS key's own hash. */
export function schemesForKey(key: {
  readonly keyType: string;
  readonly pssHash?: string | undefined;
}): readonly SignatureAlgorithm[] {
  const pssHash = key.keyType === 'rsa-pss' ? key.pssHash : undefined;
  const kept = pssHash === undefined ? key.keyType : `${key.keyType} ${pssHash}`;
  let schemes = schemesByKey.get(kept);
  if (schemes === undefined) {
    schemes = Object.freeze(
      SIGNATURE_ALGORITHMS.filter((a) => {
        const s = SIGNATURE_SCHEMES[a];
        return s.keyType === key.keyType && s.padding !== 'pkcs1' && (pssHash === undefined || s.hash === pssHash);
      }),
    );
    // Bounded: key types and PSS hashes are a handful; any other text (a foreign provider's) is filtered each time.
    if (schemesByKey.size < 32) schemesByKey.set(kept, schemes);
  }
  return schemes;
}

/** schemesForKey's answers by key type and PSS hash (twice per server handshake: the cookie exchange and the hello). */
const schemesByKey = new Map<string, readonly SignatureAlgorithm[]>();

export function signCertificateVerify(
  provider: CryptoProvider,
  side: 'server' | 'client',
  algorithm: SignatureAlgorithm,
  key: PrivateKeyHandle,
  transcriptHash: Uint8Array,
): Uint8Array {
  // The content in the scratch writer: a provider reads what it signs before it returns.
  const w = scratchWriter('CertificateVerifyContent');
  w.bytes(PREFIX[side]);
  w.bytes(transcriptHash);
  return provider.sign(algorithm, key, w.finish());
}

/** True when `signature` is the peer's valid CertificateVerify signature with a scheme its key type can make. */
export function verifyCertificateVerify(
  provider: CryptoProvider,
  side: 'server' | 'client',
  algorithm: SignatureAlgorithm,
  key: PublicKeyHandle,
  transcriptHash: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!schemesForKey(key).includes(algorithm)) return false;
  return provider.verify(algorithm, key, certificateVerifyContent(side, transcriptHash), signature);
}
