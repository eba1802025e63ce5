/** Parts the bundle loads on first use (scripts/bundle-lazy.ts), each load told on the `dtls13:load` channel. */
import { channel } from 'node:diagnostics_channel';
import type { Kem } from './kem.js';
import { CryptoError, type CryptoProvider } from './provider.js';

/** Where a lazily loaded part announces itself: `{ part: 'noble' }` (tests and profiling watch it). */
export const LOAD_CHANNEL = 'dtls13:load';

const loads = channel(LOAD_CHANNEL);

function once<T>(part: string, load: () => T): () => T {
  let value: T | undefined;
  return () => {
    if (value === undefined) {
      value = load();
      if (loads.hasSubscribers) loads.publish({ part });
    }
    return value;
  };
}

/** A provider called `name` whose implementation `load` gives at its first use. */
export function lazyProvider(name: string, load: () => CryptoProvider): CryptoProvider {
  const p = once(name, load);
  return {
    name,
    supports: (c) => p().supports(c),
    randomBytes: (n) => p().randomBytes(n),
    digest: (a, d) => p().digest(a, d),
    createHash: (a) => p().createHash(a),
    hmac: (a, k, d) => p().hmac(a, k, d),
    hkdfExtract: (a, s, i) => p().hkdfExtract(a, s, i),
    hkdfExpand: (a, prk, info, n) => p().hkdfExpand(a, prk, info, n),
    aead: (a, k) => p().aead(a, k),
    mask: (a, k) => p().mask(a, k),
    generateKeyShare: (g) => p().generateKeyShare(g),
    keyShareFromPrivate: (g, k) => p().keyShareFromPrivate(g, k),
    importPublicKey: (spki) => p().importPublicKey(spki),
    importPrivateKey: (pkcs8) => p().importPrivateKey(pkcs8),
    sign: (a, k, d) => p().sign(a, k, d),
    verify: (a, k, d, s) => p().verify(a, k, d, s),
    ecdsaSign: (h, k, d) => {
      const inner = p();
      if (inner.ecdsaSign === undefined)
        throw new CryptoError(`crypto provider '${name}' has no ECDSA with a chosen hash`);
      return inner.ecdsaSign(h, k, d);
    },
    ecdsaVerify: (h, k, d, s) => p().ecdsaVerify?.(h, k, d, s) ?? false,
  };
}

/** A KEM with `shape`'s name and lengths whose implementation `load` gives at its first use. */
export function lazyKem(
  part: string,
  shape: Pick<Kem, 'name' | 'encapsulationKeyLength' | 'ciphertextLength'>,
  load: () => Kem,
): Kem {
  const k = once(part, load);
  return {
    name: shape.name,
    encapsulationKeyLength: shape.encapsulationKeyLength,
    ciphertextLength: shape.ciphertextLength,
    keyGen: (seed) => k().keyGen(seed),
    encapsulate: (key, message) => k().encapsulate(key, message),
    decapsulate: (ciphertext, key) => k().decapsulate(ciphertext, key),
  };
}
