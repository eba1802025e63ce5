import type { KeyObject } from 'node:crypto';
import { isEcKeyType } from '../der.js';
import { nodeEcdsaSign, nodePrivateKeyObject, nodeSign } from '../node/signature.js';
import { CryptoError, type EcdsaHash, type HashAlgorithm, type PrivateKeyHandle } from '../provider.js';
import type { CryptoProvider } from '../provider.js';
import { SIGNATURE_SCHEMES } from '../signature-schemes.js';
import type { NativeBinding, NativeEcdsaKey } from './binding.js';

/** The longest DER ECDSA signature (P-521; native/src/ecdsa.h). */
const MAX_SIGNATURE = 141;

/**
 * The native provider's signing: ECDSA with SHA-256 or SHA-384 on a node provider's EC key in the addon, over the
 * native digest (one EVP_PKEY_sign on a context kept per key, not node:crypto's contexts and fetches per call); every
 * other scheme, hash and key, and an addon without ecdsaSign, node:crypto's. The same DER signatures, the same errors.
 */
export function nativeSigning(
  binding: NativeBinding,
  digest: (algorithm: HashAlgorithm, data: Uint8Array) => Uint8Array,
): Pick<CryptoProvider, 'sign'> & { ecdsaSign(hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array): Uint8Array } {
  if (binding.ecdsaCreate === undefined || binding.ecdsaSign === undefined)
    return { sign: nodeSign, ecdsaSign: nodeEcdsaSign };
  const out = new Uint8Array(new ArrayBuffer(MAX_SIGNATURE));
  /**
   * The addon's key by the node key's KeyObject, made at its first signature and collected with it (as the KeyObject's
   * own OpenSSL key is); null when the addon refused it (node:crypto signs with it then).
   */
  const held = new WeakMap<KeyObject, NativeEcdsaKey | null>();
  const heldFor = (object: KeyObject): NativeEcdsaKey | null => {
    let key = held.get(object);
    if (key === undefined) {
      const der = object.export({ format: 'der', type: 'pkcs8' });
      try {
        key = binding.ecdsaCreate!(der);
      } catch {
        key = null;
      } finally {
        der.fill(0);
      }
      held.set(object, key);
    }
    return key;
  };
  /** The native signature, or undefined where node:crypto signs (released keys throw here, as node's path would). */
  const natively = (hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array, what: string): Uint8Array | undefined => {
    if (hash === 'sha512' || !isEcKeyType(key.keyType)) return undefined;
    const object = nodePrivateKeyObject(key);
    const native = object === undefined ? null : heldFor(object);
    if (native === null) return undefined;
    const n = binding.ecdsaSign!(native, digest(hash, data), out);
    if (n <= 0) throw new CryptoError(`${what} signing failed`);
    return out.slice(0, n);
  };
  return {
    sign: (algorithm, key, data) => {
      const scheme = SIGNATURE_SCHEMES[algorithm];
      const signed =
        scheme.hash !== null && key.keyType === scheme.keyType
          ? natively(scheme.hash, key, data, algorithm)
          : undefined;
      return signed ?? nodeSign(algorithm, key, data);
    },
    ecdsaSign: (hash, key, data) => natively(hash, key, data, `ECDSA with ${hash}`) ?? nodeEcdsaSign(hash, key, data),
  };
}
