import { composeProvider } from '../compose.js';
import { nodeProvider } from '../node/index.js';
import { NODE_KEY_EXCHANGE_GROUPS } from '../node/key-exchange.js';
import { NODE_SIGNATURE_ALGORITHMS, nodeEcdsaSign, nodeEcdsaVerify, nodeSign } from '../node/signature.js';
import type { CryptoProvider } from '../provider.js';
import { nativeAead } from './aead.js';
import { nativeBinding, type NativeBinding } from './binding.js';
import { nativeDigest, nativeHash } from './hash.js';
import { nativeKdf } from './kdf.js';
import { nativeKeyExchange } from './key-exchange.js';
import { nativeMask } from './mask.js';
import { nativeRandomBytes } from './random.js';
import { nativeRecordProtection } from './record.js';
import { nativeSigning } from './signature.js';

export { NATIVE_DISABLED_BY_ENV, nativeUnavailableReason } from './binding.js';

/** The `native` provider: dtls13's addon for the record path, KDFs, hashes, X25519, ECDSA signing, random; node for the rest. */
function makeNativeProvider(binding: NativeBinding): CryptoProvider {
  const current =
    typeof binding.hmacIn === 'function' &&
    typeof binding.x25519Create === 'function' &&
    typeof binding.hashInit === 'function';
  const native = current ? { kdf: nativeKdf(binding), keyExchange: nativeKeyExchange(binding) } : undefined;
  const kdf = native?.kdf ?? nodeProvider;
  const keyExchange = native?.keyExchange ?? nodeProvider;
  const randomBytes = current ? nativeRandomBytes(binding) : nodeProvider.randomBytes;
  const digest = current ? nativeDigest(binding) : nodeProvider.digest;
  const signing = current ? nativeSigning(binding, digest) : { sign: nodeSign, ecdsaSign: nodeEcdsaSign };
  const base = composeProvider({
    name: 'native',
    randomBytes,
    digest,
    createHash: current ? nativeHash(binding) : nodeProvider.createHash,
    hmac: kdf.hmac,
    hkdfExtract: kdf.hkdfExtract,
    hkdfExpand: kdf.hkdfExpand,
    aead: (algorithm, key) => nativeAead(binding, algorithm, key),
    mask: (algorithm, snKey) => nativeMask(binding, algorithm, snKey),
    keyExchangeGroups: NODE_KEY_EXCHANGE_GROUPS,
    generateKeyShare: keyExchange.generateKeyShare,
    keyShareFromPrivate: keyExchange.keyShareFromPrivate,
    signatureAlgorithms: NODE_SIGNATURE_ALGORITHMS,
    importPublicKey: nodeProvider.importPublicKey,
    importPrivateKey: nodeProvider.importPrivateKey,
    sign: signing.sign,
    verify: nodeProvider.verify,
    ecdsaSign: signing.ecdsaSign,
    ecdsaVerify: nodeEcdsaVerify,
  });
  return {
    ...base,
    ...(native
      ? {
          hkdfExpandMany: native.kdf.hkdfExpandMany,
          answerKeyShare: native.keyExchange.answerKeyShare,
          serverKeyShare: native.keyExchange.serverKeyShare,
        }
      : {}),
    ...(native?.kdf.pHash ? { pHash: native.kdf.pHash } : {}),
    recordProtection: (aead, mask, key, iv, snKey, transient) =>
      nativeRecordProtection(binding, aead, mask, key, iv, snKey, transient),
  };
}

/** The `native` provider, or undefined where the addon is unavailable (see {@link nativeUnavailableReason}). */
export const nativeProvider: CryptoProvider | undefined = nativeBinding ? makeNativeProvider(nativeBinding) : undefined;
