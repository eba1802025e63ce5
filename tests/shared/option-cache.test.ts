/**
 * What connections built from the same options share (runtime/shared/option-cache.ts): a private key imported once
 * per key bytes and provider, a chain verifier per anchor list and purpose, a peer key per SPKI bytes and provider (a
 * key the provider refuses is refused again, never kept); keyed by the caller's objects, so other bytes with the same
 * content are imported again.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import test from 'ava';
import { cachedPrivateKey, cachedPublicKey, cachedVerifier } from '../../runtime/shared/option-cache.js';
import { CryptoError } from '../../runtime/crypto/provider.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { createCertificate, generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { TEST_TIME, makeIdentity } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'cache');
const spkiOf = (pkcs8: Uint8Array) =>
  new Uint8Array(
    createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({
      type: 'spki',
      format: 'der',
    }),
  );

test('a private key is imported once per key bytes object and provider', (t) => {
  const key = cachedPrivateKey(nodeProvider, id.privateKey);
  t.is(cachedPrivateKey(nodeProvider, id.privateKey), key);
  t.not(cachedPrivateKey(nobleProvider, id.privateKey), key);
  t.not(cachedPrivateKey(nodeProvider, id.privateKey.slice()), key, 'another object is imported again');
  t.is(key.keyType, 'ec-p256');
});

test('a verifier per anchor list object and purpose', (t) => {
  const anchors = [id.caDer];
  const server = cachedVerifier(anchors, 'serverAuth');
  t.is(cachedVerifier(anchors, 'serverAuth'), server);
  t.not(cachedVerifier(anchors, 'clientAuth'), server);
  t.not(cachedVerifier([id.caDer], 'serverAuth'), server);
});

test('each purpose’s verifier checks its own purpose: a serverAuth-only leaf passes one, not the other', (t) => {
  const ca = generateKeyPair('p256');
  const caCert = createCertificate({
    subjectCommonName: 'purpose CA',
    subjectPublicKey: ca.publicKey,
    issuer: { selfSigned: true, privateKey: ca.privateKey },
    notBefore: new Date(TEST_TIME - 1e9),
    notAfter: new Date(TEST_TIME + 1e9),
    isCa: true,
  });
  const leaf = generateKeyPair('p256');
  const leafCert = createCertificate({
    subjectCommonName: 'server only',
    subjectPublicKey: leaf.publicKey,
    issuer: { certificateDer: caCert.der, privateKey: ca.privateKey },
    notBefore: new Date(TEST_TIME - 1e9),
    notAfter: new Date(TEST_TIME + 1e9),
    extendedKeyUsage: ['serverAuth'],
  });
  const anchors = [caCert.der];
  t.true(cachedVerifier(anchors, 'serverAuth')([leafCert.der], { now: TEST_TIME }).ok);
  t.false(cachedVerifier(anchors, 'clientAuth')([leafCert.der], { now: TEST_TIME }).ok);
});

test('a peer key per SPKI content and provider; one the provider refuses is refused each time and not kept', (t) => {
  const spki = spkiOf(id.privateKey);
  const key = cachedPublicKey(nodeProvider, spki);
  t.is(cachedPublicKey(nodeProvider, spki.slice()), key, 'by content: a client meets the same server key again');
  t.not(cachedPublicKey(nobleProvider, spki), key);
  const forged = spki.slice(0, spki.length - 3);
  t.throws(() => cachedPublicKey(nodeProvider, forged), { instanceOf: CryptoError });
  t.throws(() => cachedPublicKey(nodeProvider, forged), { instanceOf: CryptoError });
});

test('the peer key cache keeps the most recent 256 keys: a flood of others evicts the oldest', (t) => {
  const first = makeIdentity('ed25519', 'first');
  const spki = spkiOf(first.privateKey);
  const key = cachedPublicKey(nobleProvider, spki);
  t.is(cachedPublicKey(nobleProvider, spki), key);
  // 256 other peers' keys, each a real Ed25519 key.
  for (let i = 0; i < 256; i++) {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    cachedPublicKey(nobleProvider, new Uint8Array(other));
  }
  t.not(cachedPublicKey(nobleProvider, spki), key, 'imported again after eviction');
});
