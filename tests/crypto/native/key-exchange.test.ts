/**
 * nativeKeyExchange (runtime/crypto/native/key-exchange.ts): X25519 in the addon against RFC 7748 §6.1, agreement with
 * the node provider on fresh shares, peer values of the wrong length and low-order points refused with CryptoError
 * (never an all-zero secret), released shares refusing work; the other groups are the node provider's.
 */
import test from 'ava';
import { nativeBinding, NATIVE_DISABLED_BY_ENV } from '../../../runtime/crypto/native/binding.js';
import { nativeKeyExchange } from '../../../runtime/crypto/native/key-exchange.js';
import { nodeProvider } from '../../../runtime/crypto/node/index.js';
import { CryptoError } from '../../../runtime/crypto/provider.js';
import { fromHex, hex } from '../../support/canon.js';
import { X25519_CASE } from '../../vectors/hash-known-answers.js';

const binding = nativeBinding;
const nativeTest = binding === undefined ? test.skip : test;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));

nativeTest('RFC 7748 §6.1: public values and the shared secret', (t) => {
  const kx = nativeKeyExchange(binding!);
  const alice = kx.keyShareFromPrivate('x25519', fromHex(X25519_CASE.alicePrivate));
  const bob = kx.keyShareFromPrivate('x25519', fromHex(X25519_CASE.bobPrivate));
  t.is(hex(alice.publicKey), X25519_CASE.alicePublic);
  t.is(hex(bob.publicKey), X25519_CASE.bobPublic);
  t.is(hex(alice.deriveSecret(bob.publicKey)), X25519_CASE.shared);
  t.is(hex(bob.deriveSecret(alice.publicKey)), X25519_CASE.shared);
  alice.release();
  bob.release();
});

nativeTest(
  'fresh shares agree with the node provider, both ways (X25519 in the addon, the NIST groups passed on)',
  (t) => {
    const kx = nativeKeyExchange(binding!);
    for (const group of ['x25519', 'secp256r1', 'secp384r1'] as const) {
      const ours = kx.generateKeyShare(group);
      t.is(ours.group, group);
      const theirs = nodeProvider.generateKeyShare(group);
      t.is(hex(ours.deriveSecret(theirs.publicKey)), hex(theirs.deriveSecret(ours.publicKey)), group);
      ours.release();
      theirs.release();
    }
    const a = kx.generateKeyShare('x25519');
    const b = kx.generateKeyShare('x25519');
    t.not(hex(a.publicKey), hex(b.publicKey), 'fresh keys');
    a.release();
    b.release();
  },
);

nativeTest(
  'hostile peer values: wrong lengths and low-order points are CryptoErrors, never an all-zero secret',
  (t) => {
    const share = nativeKeyExchange(binding!).generateKeyShare('x25519');
    for (const peer of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)])
      t.throws(() => share.deriveSecret(peer), { instanceOf: CryptoError, message: /32 bytes/ });
    // RFC 7748 §6 / small-subgroup points: 0, 1, and a point of order 8.
    const lowOrder = [
      new Uint8Array(32),
      Uint8Array.of(1, ...new Uint8Array(31)),
      fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'),
    ];
    for (const peer of lowOrder) t.throws(() => share.deriveSecret(peer), { instanceOf: CryptoError });
    t.is(share.deriveSecret(fromHex(X25519_CASE.bobPublic)).length, 32, 'still usable after refusals');
    share.release();
    t.throws(() => share.deriveSecret(fromHex(X25519_CASE.bobPublic)), {
      instanceOf: CryptoError,
      message: /released/,
    });
    t.throws(() => nativeKeyExchange(binding!).keyShareFromPrivate('x25519', new Uint8Array(31)), {
      instanceOf: CryptoError,
    });
  },
);

nativeTest(
  'answerKeyShare: a fresh X25519 public value and the secret the peer derives from it, in one addon call and no handle held',
  (t) => {
    const kx = nativeKeyExchange(binding!);
    const before = binding!.handleCount?.();
    const peer = nodeProvider.generateKeyShare('x25519');
    const first = kx.answerKeyShare('x25519', peer.publicKey)!;
    const second = kx.answerKeyShare('x25519', peer.publicKey)!;
    t.is(hex(peer.deriveSecret(first.publicKey)), hex(first.secret));
    t.is(hex(peer.deriveSecret(second.publicKey)), hex(second.secret));
    t.not(hex(first.publicKey), hex(second.publicKey), 'a fresh key each answer');
    t.is(binding!.handleCount?.(), before, 'no handle left behind');
    peer.release();
    // The NIST groups are answered the generic way (generateKeyShare, deriveSecret, release): undefined here.
    t.is(kx.answerKeyShare('secp256r1', nodeProvider.generateKeyShare('secp256r1').publicKey), undefined);
    for (const bad of [new Uint8Array(31), new Uint8Array(33)])
      t.throws(() => kx.answerKeyShare('x25519', bad), { instanceOf: CryptoError, message: /32 bytes/ });
    t.throws(() => kx.answerKeyShare('x25519', new Uint8Array(32)), {
      instanceOf: CryptoError,
      message: /no shared secret|all zero/,
    });
    t.throws(() => kx.answerKeyShare('x25519', Uint8Array.of(1, ...new Uint8Array(31))), {
      instanceOf: CryptoError,
      message: /no shared secret|all zero/,
    });
  },
);
