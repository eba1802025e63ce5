import test from 'ava';
import { CryptoError, type AeadKey, type CryptoProvider } from '../../runtime/crypto/provider.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { recordPair } from '../support/record-pair.js';

/**
 * Issue 33 item 3: an outgoing record's plaintext is copied into a slab it
 * shares with other records before it is sealed in place; when the seal
 * fails, that copy is zeroed, so no view of the slab shows it.
 */

const SECRET = new TextEncoder().encode('plaintext-that-never-left');

/** node:crypto with every AEAD seal failing (after the record layer has copied the plaintext in). */
const failingSeal: CryptoProvider = new Proxy(nodeProvider, {
  get(target, property, receiver) {
    if (property === 'recordProtection') return undefined;
    if (property === 'aead') {
      return (algorithm: Parameters<CryptoProvider['aead']>[0], key: Uint8Array): AeadKey => {
        const inner = target.aead(algorithm, key);
        return {
          algorithm: inner.algorithm,
          tagLength: inner.tagLength,
          seal: (nonce, aad, plaintext) => inner.seal(nonce, aad, plaintext),
          sealInto: () => {
            throw new CryptoError('injected seal failure');
          },
          open: (nonce, aad, ciphertext) => inner.open(nonce, aad, ciphertext),
          release: () => inner.release(),
        };
      };
    }
    return Reflect.get(target, property, receiver) as unknown;
  },
});

const contains = (haystack: Uint8Array, needle: Uint8Array): boolean =>
  Buffer.from(haystack).includes(Buffer.from(needle));

test('a record whose seal fails leaves no plaintext in the slab other records are views of', (t) => {
  const healthy = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256' }).tx;
  const failing = recordPair({ sender: failingSeal, receiver: nodeProvider, suite: 'tls_aes_128_gcm_sha256' }).tx;
  const before = healthy.writer.seal('application_data', Uint8Array.of(1, 2, 3)).bytes;
  t.throws(() => failing.writer.seal('application_data', SECRET), { instanceOf: CryptoError, message: /injected/ });
  const after = healthy.writer.seal('application_data', Uint8Array.of(4, 5, 6)).bytes;
  // Both are views of the slab the failed record was carved from (or one of them is, if a slab filled up in between).
  t.true(before.buffer.byteLength > before.length, 'outgoing records are slab views');
  t.false(contains(new Uint8Array(before.buffer), SECRET), 'the slab before the failure');
  t.false(contains(new Uint8Array(after.buffer), SECRET), 'the slab after the failure');
});
