/**
 * nativeSigning (runtime/crypto/native/signature.ts): ECDSA with SHA-256 and SHA-384 in the addon, each signature
 * checked by node:crypto's verify with the key's public half (a fresh nonce each time: two signatures differ); SHA-512,
 * Ed25519 and RSA keys, another provider's key and a key of the wrong curve take node:crypto's path and its errors; a
 * released key refuses to sign; the addon's key made once per key (an external, outside the handle table), and refused
 * for a key that is not EC.
 */
import test from 'ava';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { nativeBinding, NATIVE_DISABLED_BY_ENV, type NativeBinding } from '../../../runtime/crypto/native/binding.js';
import { nativeDigest } from '../../../runtime/crypto/native/hash.js';
import { nativeSigning } from '../../../runtime/crypto/native/signature.js';
import { nobleImportPrivateKey } from '../../../runtime/crypto/noble/signature.js';
import { nodeImportPrivateKey, nodeSign } from '../../../runtime/crypto/node/signature.js';
import { CryptoError, type SignatureAlgorithm } from '../../../runtime/crypto/provider.js';

const binding = nativeBinding;
const nativeTest = binding === undefined ? test.skip : test;
test('the addon is loaded (unless DTLS13_NATIVE turns it off)', (t) =>
  t.true(binding !== undefined || NATIVE_DISABLED_BY_ENV));

function pair(curve: 'P-256' | 'P-384' | 'P-521'): { pkcs8: Uint8Array; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return { pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }), publicKey };
}

/** The binding with its ECDSA calls counted. */
function counted(b: NativeBinding): { binding: NativeBinding; creates: () => number; signs: () => number } {
  let creates = 0;
  let signs = 0;
  const counting: NativeBinding = Object.create(b) as NativeBinding;
  Object.assign(counting, {
    ecdsaCreate: (der: Uint8Array) => (creates++, b.ecdsaCreate!(der)),
    ecdsaSign: (...a: Parameters<NonNullable<NativeBinding['ecdsaSign']>>) => (signs++, b.ecdsaSign!(...a)),
  });
  return { binding: counting, creates: () => creates, signs: () => signs };
}

const CASES: readonly [SignatureAlgorithm, 'P-256' | 'P-384', 'sha256' | 'sha384'][] = [
  ['ecdsa_secp256r1_sha256', 'P-256', 'sha256'],
  ['ecdsa_secp384r1_sha384', 'P-384', 'sha384'],
];

nativeTest('ECDSA P-256 and P-384 signatures in the addon verify with node:crypto, and each is fresh', (t) => {
  const c = counted(binding!);
  const signing = nativeSigning(c.binding, nativeDigest(binding!));
  const data = new TextEncoder().encode('the CertificateVerify content');
  for (const [algorithm, curve, hash] of CASES) {
    const { pkcs8, publicKey } = pair(curve);
    const key = nodeImportPrivateKey(pkcs8);
    const first = signing.sign(algorithm, key, data);
    const second = signing.sign(algorithm, key, data);
    t.true(verify(hash, data, publicKey, first), algorithm);
    t.true(verify(hash, data, publicKey, second), algorithm);
    t.notDeepEqual(first, second, 'a fresh nonce per signature');
    t.false(verify(hash, new Uint8Array(data.length), publicKey, first), 'not a signature of other data');
    // DTLS 1.2's ECDSA with the hash chosen apart from the curve: P-256 with SHA-384.
    const other = hash === 'sha256' ? 'sha384' : 'sha256';
    t.true(verify(other, data, publicKey, signing.ecdsaSign(other, key, data)), `${curve} with ${other}`);
  }
  t.is(c.creates(), 2, "the addon's key made once per key");
  t.is(c.signs(), 6, 'every signature above made in the addon');
});

nativeTest("node:crypto's path for SHA-512, other key types, another provider's keys; its errors", (t) => {
  const c = counted(binding!);
  const signing = nativeSigning(c.binding, nativeDigest(binding!));
  const data = new Uint8Array([1, 2, 3]);
  const p521 = pair('P-521');
  const k521 = nodeImportPrivateKey(p521.pkcs8);
  t.true(verify('sha512', data, p521.publicKey, signing.sign('ecdsa_secp521r1_sha512', k521, data)));
  t.true(verify('sha512', data, p521.publicKey, signing.ecdsaSign('sha512', k521, data)));
  const ed = generateKeyPairSync('ed25519');
  const edKey = nodeImportPrivateKey(ed.privateKey.export({ format: 'der', type: 'pkcs8' }));
  t.true(verify(null, data, ed.publicKey, signing.sign('ed25519', edKey, data)));
  t.throws(() => signing.ecdsaSign('sha256', edKey, data), { instanceOf: CryptoError });
  const p256 = pair('P-256');
  const k256 = nodeImportPrivateKey(p256.pkcs8);
  t.throws(() => signing.sign('ecdsa_secp384r1_sha384', k256, data), { instanceOf: CryptoError }, 'the wrong curve');
  const noble = nobleImportPrivateKey(p256.pkcs8);
  t.throws(() => signing.sign('ecdsa_secp256r1_sha256', noble, data), {
    instanceOf: CryptoError,
    message: 'not a node private key',
  });
  t.is(c.signs(), 0, 'none of these in the addon');
  t.is(c.creates(), 0);
});

nativeTest('a released key refuses to sign, as on node:crypto', (t) => {
  const signing = nativeSigning(binding!, nativeDigest(binding!));
  const key = nodeImportPrivateKey(pair('P-256').pkcs8);
  signing.sign('ecdsa_secp256r1_sha256', key, new Uint8Array(1));
  key.release();
  const message = 'private key has been released';
  t.throws(() => signing.sign('ecdsa_secp256r1_sha256', key, new Uint8Array(1)), { instanceOf: CryptoError, message });
  t.throws(() => nodeSign('ecdsa_secp256r1_sha256', key, new Uint8Array(1)), { instanceOf: CryptoError, message });
  t.throws(() => signing.ecdsaSign('sha256', key, new Uint8Array(1)), { instanceOf: CryptoError, message });
});

nativeTest('the addon takes only an EC private key in PKCS #8 DER', (t) => {
  const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
  t.throws(() => binding!.ecdsaCreate!(ed), { message: /not an EC private key/ });
  const { pkcs8 } = pair('P-256');
  t.throws(() => binding!.ecdsaCreate!(pkcs8.subarray(0, pkcs8.length - 1)), { message: /not an EC private key/ });
  const spki = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({
    format: 'der',
    type: 'spki',
  });
  t.throws(() => binding!.ecdsaCreate!(spki), { message: /not an EC private key/ });
  const before = binding!.handleCount?.() ?? 0;
  const key = binding!.ecdsaCreate!(pkcs8);
  t.is(
    binding!.handleCount?.() ?? 0,
    before,
    "an external, not in the handle table (a listener's key outlives its sessions)",
  );
  t.throws(() => binding!.ecdsaSign!({} as typeof key, new Uint8Array(32), new Uint8Array(141)), {
    message: /ecdsaCreate made/,
  });
  t.true(binding!.ecdsaSign!(key, new Uint8Array(32), new Uint8Array(141)) > 0);
});
