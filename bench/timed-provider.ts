import type { CryptoProvider } from '../runtime/crypto/provider.js';

/** Wall time spent inside a provider, accumulated across everything it hands out. */
export interface CryptoClock {
  ms: number;
  calls: number;
}

/**
 * Wraps a provider so that every call into it, and into the keys, hashes and
 * key shares it returns, adds its duration to `clock`. The wrapping adds a
 * `performance.now()` pair per call (about 0.1 µs), negligible next to the
 * cryptography it measures.
 */
export function timedProvider(inner: CryptoProvider, clock: CryptoClock): CryptoProvider {
  const wrap = <T>(value: T): T => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
    return new Proxy(value as object, {
      get(target, prop, receiver) {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return wrap((v as (...a: unknown[]) => unknown).apply(target, args));
          } finally {
            clock.ms += performance.now() - t0;
            clock.calls++;
          }
        };
      },
    }) as T;
  };
  return wrap(inner);
}
