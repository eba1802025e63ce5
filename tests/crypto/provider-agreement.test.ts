import test from 'ava';
import fc from 'fast-check';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import type { AeadAlgorithm, HashAlgorithm, KeyExchangeGroup, MaskAlgorithm } from '../../runtime/crypto/provider.js';
import { aeadKeyLength } from '../../runtime/crypto/suites.js';
import { hex } from '../support/canon.js';

/** node and noble (and native, where its addon loaded) agree on every operation both support, on random inputs. */

const RUNS = 60;
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });
const HASHES: HashAlgorithm[] = ['sha256', 'sha384'];
const AEADS: AeadAlgorithm[] = ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305', 'aes-128-ccm', 'aes-128-ccm-8'];
const MASKS: MaskAlgorithm[] = ['aes-128', 'aes-256', 'chacha20'];
const GROUPS: KeyExchangeGroup[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];

for (const h of HASHES) {
  test(`${h}: digest, incremental hash, HMAC, HKDF-Extract and HKDF-Expand agree`, (t) => {
    fc.assert(
      fc.property(
        bytes(0, 300),
        bytes(0, 80),
        bytes(0, 80),
        fc.integer({ min: 1, max: 255 * (h === 'sha256' ? 32 : 48) }),
        (data, key, info, len) => {
          for (const [a, b] of [
            [nodeProvider.digest(h, data), nobleProvider.digest(h, data)],
            [nodeProvider.hmac(h, key, data), nobleProvider.hmac(h, key, data)],
          ] as const) {
            if (hex(a) !== hex(b)) return false;
          }
          const prkA = nodeProvider.hkdfExtract(h, key, data);
          if (hex(prkA) !== hex(nobleProvider.hkdfExtract(h, key, data))) return false;
          const okm = hex(nodeProvider.hkdfExpand(h, prkA, info, len));
          if (okm !== hex(nobleProvider.hkdfExpand(h, prkA, info, len))) return false;
          if (nativeProvider) {
            if (hex(nativeProvider.hmac(h, key, data)) !== hex(nodeProvider.hmac(h, key, data))) return false;
            if (
              hex(nativeProvider.hkdfExtract(h, key, data)) !== hex(prkA) ||
              hex(nativeProvider.hkdfExpand(h, prkA, info, len)) !== okm
            )
              return false;
          }
          const ia = nodeProvider.createHash(h);
          const ib = nobleProvider.createHash(h);
          ia.update(data);
          ib.update(data);
          return hex(ia.digest()) === hex(ib.digest()) && hex(ia.digest()) === hex(nodeProvider.digest(h, data));
        },
      ),
      { numRuns: RUNS },
    );
    t.pass();
  });
}

for (const alg of AEADS) {
  test(`${alg}: the providers seal to the same bytes and open each other's`, (t) => {
    fc.assert(
      fc.property(
        bytes(aeadKeyLength(alg), aeadKeyLength(alg)),
        bytes(12, 12),
        bytes(0, 40),
        bytes(0, 1500),
        (key, nonce, aad, pt) => {
          const a = nodeProvider.aead(alg, key);
          const b = nobleProvider.aead(alg, key);
          const ca = a.seal(nonce, aad, pt);
          const cb = b.seal(nonce, aad, pt);
          const c = nativeProvider?.aead(alg, key);
          const cc = c?.seal(nonce, aad, pt) ?? ca;
          return (
            hex(ca) === hex(cb) &&
            hex(cc) === hex(ca) &&
            hex(b.open(nonce, aad, ca) ?? Uint8Array.of(1)) === hex(pt) &&
            hex(a.open(nonce, aad, cb) ?? Uint8Array.of(1)) === hex(pt) &&
            hex((c ?? a).open(nonce, aad, cb) ?? Uint8Array.of(1)) === hex(pt)
          );
        },
      ),
      { numRuns: RUNS },
    );
    t.pass();
  });
}

for (const alg of MASKS) {
  test(`${alg} record number mask: the providers agree`, (t) => {
    fc.assert(
      fc.property(bytes(alg === 'aes-128' ? 16 : 32, alg === 'aes-128' ? 16 : 32), bytes(16, 40), (key, sample) => {
        const m = hex(nodeProvider.mask(alg, key).mask(sample));
        return (
          m === hex(nobleProvider.mask(alg, key).mask(sample)) &&
          m === hex((nativeProvider ?? nodeProvider).mask(alg, key).mask(sample))
        );
      }),
      { numRuns: RUNS },
    );
    t.pass();
  });
}

for (const group of GROUPS) {
  test(`${group}: shares from either provider agree on the shared secret`, (t) => {
    for (let i = 0; i < 5; i++) {
      const a = nodeProvider.generateKeyShare(group);
      const b = nobleProvider.generateKeyShare(group);
      t.is(hex(a.deriveSecret(b.publicKey)), hex(b.deriveSecret(a.publicKey)));
      t.is(a.publicKey.length, b.publicKey.length);
      if (nativeProvider) {
        const c = nativeProvider.generateKeyShare(group);
        t.is(hex(c.deriveSecret(b.publicKey)), hex(b.deriveSecret(c.publicKey)));
        t.is(hex(c.deriveSecret(a.publicKey)), hex(a.deriveSecret(c.publicKey)));
      }
    }
  });
}

test('capabilities: node does everything; noble everything but RSA, and says so', (t) => {
  for (const p of [nodeProvider, nobleProvider]) {
    for (const algorithm of AEADS) t.true(p.supports({ kind: 'aead', algorithm }));
    for (const group of GROUPS) t.true(p.supports({ kind: 'keyExchange', group }));
    t.true(p.supports({ kind: 'signature', algorithm: 'ecdsa_secp256r1_sha256' }));
    t.true(p.supports({ kind: 'signature', algorithm: 'ed25519' }));
  }
  t.true(nodeProvider.supports({ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }));
  t.false(nobleProvider.supports({ kind: 'signature', algorithm: 'rsa_pss_rsae_sha256' }));
  t.false(nobleProvider.supports({ kind: 'signature', algorithm: 'rsa_pkcs1_sha256' }));
});
