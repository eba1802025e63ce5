/**
 * readPrivateKey (runtime/pki/private-key-input.ts): every form node:tls takes a key in (PKCS#8, encrypted PKCS#8,
 * PKCS#1, SEC1; PEM, traditional encrypted PEM, DER) read to the same PKCS#8; a missing or wrong passphrase a
 * ConfigError naming `passphrase`; no key, two keys, junk a ConfigError naming `key`. Keys made and encrypted by
 * node:crypto (OpenSSL) for the test.
 */
import test from 'ava';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../runtime/config-error.js';
import { certificateToPem } from '../../runtime/pki/pem.js';
import { readPrivateKey } from '../../runtime/pki/private-key-input.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const pkcs8 = (k: KeyObject): Uint8Array => new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));

test('every form of the same key reads to the same PKCS#8', (t) => {
  const forms: [string, string | Uint8Array, string | undefined][] = [
    ['PKCS#8 PEM', ec.export({ type: 'pkcs8', format: 'pem' }).toString(), undefined],
    ['SEC1 PEM', ec.export({ type: 'sec1', format: 'pem' }).toString(), undefined],
    ['PKCS#8 DER', pkcs8(ec), undefined],
    ['SEC1 DER', new Uint8Array(ec.export({ type: 'sec1', format: 'der' })), undefined],
    [
      'encrypted PKCS#8 PEM',
      ec.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(),
      'pw',
    ],
    [
      'encrypted PKCS#8 DER',
      new Uint8Array(ec.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'pw' })),
      'pw',
    ],
    [
      'traditional encrypted SEC1 PEM',
      ec.export({ type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }).toString(),
      'pw',
    ],
  ];
  for (const [what, key, passphrase] of forms) {
    const read = readPrivateKey(key, passphrase);
    t.deepEqual(read.pkcs8, pkcs8(ec), what);
    t.is(read.keyObject.asymmetricKeyType, 'ec', what);
  }
  t.deepEqual(readPrivateKey(rsa.export({ type: 'pkcs1', format: 'pem' }).toString(), undefined).pkcs8, pkcs8(rsa));
  t.deepEqual(
    readPrivateKey(new Uint8Array(rsa.export({ type: 'pkcs1', format: 'der' })), undefined).pkcs8,
    pkcs8(rsa),
  );
});

test('a key beside certificates in one PEM is found', (t) => {
  const id = makeIdentity('p256', 'a.test');
  const key = createPrivateKey({ key: Buffer.from(id.privateKey), format: 'der', type: 'pkcs8' });
  const bundle = certificateToPem(id.chain[0]!) + key.export({ type: 'pkcs8', format: 'pem' }).toString();
  t.deepEqual(readPrivateKey(bundle, undefined).pkcs8, id.privateKey);
});

test('encrypted keys: no passphrase or a wrong one is a ConfigError naming passphrase', (t) => {
  const encrypted = ec.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }).toString();
  const none = t.throws(() => readPrivateKey(encrypted, undefined), { instanceOf: ConfigError });
  t.is(none.option, 'passphrase');
  t.regex(none.message, /is encrypted: give its passphrase/);
  const wrong = t.throws(() => readPrivateKey(encrypted, 'wrong'), { instanceOf: ConfigError });
  t.is(wrong.option, 'passphrase');
  t.regex(wrong.message, /does not decrypt key/);
  const der = new Uint8Array(ec.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'right' }));
  t.is(t.throws(() => readPrivateKey(der, 'wrong'), { instanceOf: ConfigError }).option, 'passphrase');
  t.is(
    t.throws(() => readPrivateKey(encrypted, 5 as unknown as string), { instanceOf: ConfigError }).option,
    'passphrase',
  );
});

test('no key, two keys, a certificate, junk: ConfigErrors naming key', (t) => {
  const id = makeIdentity('p256', 'a.test');
  const pem = ec.export({ type: 'pkcs8', format: 'pem' }).toString();
  t.regex(
    t.throws(() => readPrivateKey(certificateToPem(id.caDer), undefined), { instanceOf: ConfigError }).message,
    /no private key block \(found CERTIFICATE\)/,
  );
  t.regex(
    t.throws(() => readPrivateKey([pem, pem], undefined), { instanceOf: ConfigError }).message,
    /one private key per context, got 2/,
  );
  t.is(
    t.throws(() => readPrivateKey(Uint8Array.of(0x30, 3, 2, 1, 0), undefined), { instanceOf: ConfigError }).option,
    'key',
  );
  t.is(
    t.throws(() => readPrivateKey(id.caDer, undefined), { instanceOf: ConfigError }).option,
    'key',
    'a certificate as DER',
  );
  t.is(
    t.throws(() => readPrivateKey(pkcs8(ec).subarray(0, 40), undefined), { instanceOf: ConfigError }).option,
    'key',
    'a key cut short',
  );
});
