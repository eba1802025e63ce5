/**
 * The stand-ins the bundled entry puts in place of the noble provider and
 * noble's ML-KEM (runtime/crypto/lazy-provider.ts, issue 31's cold start):
 * nothing loads until a method is called, the implementation loads once, the
 * dtls13:load channel says so, and every call reaches the real provider with
 * its arguments and gives its result (here the real noble provider and
 * ML-KEM, against their own results).
 */
import test from 'ava';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nobleMlKem768 } from '../../runtime/crypto/noble/ml-kem.js';
import { lazyKem, lazyProvider, LOAD_CHANNEL } from '../../runtime/crypto/lazy-provider.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';

function watched(t: { teardown(f: () => void): void }): string[] {
  const parts: string[] = [];
  const listener = (message: unknown): void => {
    parts.push((message as { part: string }).part);
  };
  subscribe(LOAD_CHANNEL, listener);
  t.teardown(() => unsubscribe(LOAD_CHANNEL, listener));
  return parts;
}

test.serial('a lazy provider loads its implementation at the first call, once, and forwards every call', (t) => {
  const published = watched(t);
  let loads = 0;
  const lazy = lazyProvider('noble', () => {
    loads++;
    return nobleProvider;
  });
  t.is(lazy.name, 'noble');
  t.is(loads, 0, 'the name needs no load');
  t.deepEqual(published, []);
  const data = new Uint8Array([1, 2, 3]);
  t.deepEqual(lazy.digest('sha384', data), nobleProvider.digest('sha384', data));
  t.is(loads, 1);
  t.deepEqual(published, ['noble']);
  const key = new Uint8Array(32).fill(7);
  t.deepEqual(lazy.hmac('sha256', key, data), nobleProvider.hmac('sha256', key, data));
  t.deepEqual(lazy.hkdfExpand('sha256', key, data, 42), nobleProvider.hkdfExpand('sha256', key, data, 42));
  t.is(
    lazy.supports({ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }),
    nobleProvider.supports({ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }),
  );
  const nonce = new Uint8Array(12);
  t.deepEqual(
    lazy.aead('aes-128-gcm', key.subarray(0, 16)).seal(nonce, data, data),
    nobleProvider.aead('aes-128-gcm', key.subarray(0, 16)).seal(nonce, data, data),
  );
  const mine = lazy.generateKeyShare('x25519');
  const theirs = nobleProvider.generateKeyShare('x25519');
  t.deepEqual(mine.deriveSecret(theirs.publicKey), theirs.deriveSecret(mine.publicKey));
  t.is(loads, 1, 'loaded once');
  t.deepEqual(published, ['noble']);
});

test.serial(
  'every method of CryptoProvider is forwarded (the stand-in has the same keys as a composed provider)',
  (t) => {
    const lazy = lazyProvider('noble', () => nobleProvider);
    const keys = (p: CryptoProvider): string[] => Object.keys(p).sort();
    t.deepEqual(keys(lazy), keys(nobleProvider));
  },
);

test.serial('a lazy KEM has its shape without loading and gives the real results', (t) => {
  const published = watched(t);
  let loads = 0;
  const kem = lazyKem('ml-kem-768', nobleMlKem768, () => {
    loads++;
    return nobleMlKem768;
  });
  t.is(kem.name, nobleMlKem768.name);
  t.is(kem.encapsulationKeyLength, 1184);
  t.is(kem.ciphertextLength, 1088);
  t.is(loads, 0);
  const seed = new Uint8Array(64).fill(3);
  const keys = kem.keyGen(seed);
  t.deepEqual(keys, nobleMlKem768.keyGen(seed));
  const message = new Uint8Array(32).fill(9);
  const { ciphertext, sharedSecret } = kem.encapsulate(keys.encapsulationKey, message);
  t.deepEqual(kem.decapsulate(ciphertext, keys.decapsulationKey), sharedSecret);
  t.is(loads, 1);
  t.deepEqual(published, ['ml-kem-768']);
});
