/**
 * composeProvider (runtime/crypto/compose.ts): a provider from its parts. `supports` answers from the declared groups
 * and signature algorithms (every AEAD, hash and mask); key exchange and signing with anything else throw
 * UnsupportedAlgorithmError naming the provider and the capability; verify with it answers false, never true.
 * Real parts: the node provider's, declared with fewer groups and algorithms.
 */
import test from 'ava';
import { composeProvider, type ProviderParts } from '../../runtime/crypto/compose.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { UnsupportedAlgorithmError } from '../../runtime/crypto/provider.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';

function restricted(): ReturnType<typeof composeProvider> {
  const parts: ProviderParts = {
    ...nodeProvider,
    name: 'restricted',
    keyExchangeGroups: ['x25519'],
    signatureAlgorithms: ['ed25519'],
  };
  return composeProvider(parts);
}

test('supports: every AEAD, hash and mask; only the declared groups and signature algorithms', (t) => {
  const p = restricted();
  t.true(p.supports({ kind: 'aead', algorithm: 'aes-128-ccm-8' }));
  t.true(p.supports({ kind: 'hash', algorithm: 'sha384' }));
  t.true(p.supports({ kind: 'mask', algorithm: 'chacha20' }));
  t.true(p.supports({ kind: 'keyExchange', group: 'x25519' }));
  t.false(p.supports({ kind: 'keyExchange', group: 'secp256r1' }));
  t.true(p.supports({ kind: 'signature', algorithm: 'ed25519' }));
  t.false(p.supports({ kind: 'signature', algorithm: 'ecdsa_secp256r1_sha256' }));
});

test('key exchange outside the declared groups throws UnsupportedAlgorithmError; inside, works', (t) => {
  const p = restricted();
  const a = p.generateKeyShare('x25519');
  const b = p.keyShareFromPrivate('x25519', new Uint8Array(32).fill(7));
  t.deepEqual(a.deriveSecret(b.publicKey), b.deriveSecret(a.publicKey));
  for (const make of [
    () => p.generateKeyShare('secp256r1'),
    () => p.keyShareFromPrivate('secp384r1', new Uint8Array(48)),
  ]) {
    const e = t.throws(make, { instanceOf: UnsupportedAlgorithmError })!;
    t.is(e.provider, 'restricted');
    t.is(e.capability.kind, 'keyExchange');
  }
});

test('signing outside the declared algorithms throws; verifying with one answers false, even for a good signature', (t) => {
  const p = restricted();
  const ec = generateKeyPair('p256');
  const data = Uint8Array.of(1, 2, 3);
  const key = nodeProvider.importPrivateKey(ec.pkcs8Der);
  t.throws(() => p.sign('ecdsa_secp256r1_sha256', key, data), { instanceOf: UnsupportedAlgorithmError });
  const good = nodeProvider.sign('ecdsa_secp256r1_sha256', key, data);
  const pub = nodeProvider.importPublicKey(ec.spkiDer);
  t.true(nodeProvider.verify('ecdsa_secp256r1_sha256', pub, data, good), 'a good signature');
  t.false(p.verify('ecdsa_secp256r1_sha256', pub, data, good), 'not one this provider may vouch for');
  const ed = generateKeyPair('ed25519');
  const edKey = p.importPrivateKey(ed.pkcs8Der);
  const signature = p.sign('ed25519', edKey, data);
  t.true(p.verify('ed25519', p.importPublicKey(ed.spkiDer), data, signature));
  t.false(p.verify('ed25519', p.importPublicKey(ed.spkiDer), Uint8Array.of(1, 2, 4), signature));
});

test('the parts are passed through: name, randomness, hashes', (t) => {
  const p = restricted();
  t.is(p.name, 'restricted');
  t.is(p.randomBytes(16).length, 16);
  t.deepEqual(p.digest('sha256', Uint8Array.of(1)), nodeProvider.digest('sha256', Uint8Array.of(1)));
});
