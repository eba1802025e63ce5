import test from 'ava';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { ConfigError } from '../../runtime/config-error.js';
import { clientOptions } from '../../runtime/api/options.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * connect()'s `cert`, `key`, `passphrase` and `ca` are read once per content
 * (runtime/api/client-credentials.ts): the same content gives the same
 * anchors, other content (the same Buffer rewritten included) is read anew,
 * and options that fail throw every time.
 */

const a = makeIdentity('p256', 'a.test');
const b = makeIdentity('p256', 'b.test');
const pem = (der: Uint8Array): string => new X509Certificate(der).toString();
const keyPem = (pkcs8: Uint8Array): string =>
  createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();
const anchors = (ca: string | Buffer) =>
  clientOptions('127.0.0.1', { ca, servername: 'a.test' }, { error: undefined }).connection.trustAnchors;

test('the same ca content, in a new string or Buffer, gives the anchors read the first time', (t) => {
  const first = anchors(pem(a.caDer));
  t.deepEqual(first, [a.caDer]);
  t.is(anchors(pem(a.caDer)), first, 'one list: the chain verifier made for it serves every connection');
  t.is(anchors(Buffer.from(pem(a.caDer))), anchors(Buffer.from(pem(a.caDer))));
});

test('a Buffer rewritten with another CA between connects is read anew', (t) => {
  // Two CAs' PEM texts differ in length with their ECDSA signatures (70 to 72 bytes): padded to one length with newlines
  const length = Math.max(pem(a.caDer).length, pem(b.caDer).length);
  const buffer = Buffer.from(pem(a.caDer).padEnd(length, '\n'));
  t.deepEqual(anchors(buffer), [a.caDer]);
  const other = Buffer.from(pem(b.caDer).padEnd(length, '\n'));
  t.is(other.length, buffer.length);
  other.copy(buffer);
  t.deepEqual(anchors(buffer), [b.caDer]);
});

test('a ca that fails throws each time, and a client certificate is checked against its key each time it differs', (t) => {
  for (let i = 0; i < 2; i++) t.throws(() => anchors('not a certificate'), { instanceOf: ConfigError, message: /ca/ });
  const cert = pem(a.chain[0]!);
  const withKey = (key: Uint8Array) =>
    clientOptions(
      '127.0.0.1',
      { cert, key: Buffer.from(key), ca: pem(a.caDer), servername: 'a.test' },
      { error: undefined },
    );
  t.truthy(withKey(a.privateKey).connection.certificate);
  for (let i = 0; i < 2; i++)
    t.throws(() => withKey(b.privateKey), { instanceOf: ConfigError, message: /does not match/ });
  t.is(withKey(a.privateKey).connection.certificate, withKey(a.privateKey).connection.certificate);
});

test('the same strings again are the context of the last time; other strings in between are read for what they say', (t) => {
  const caA = pem(a.caDer);
  const caB = pem(b.caDer);
  const first = anchors(caA);
  t.is(anchors(caA), first);
  t.deepEqual(anchors(caB), [b.caDer]);
  t.deepEqual(anchors(caB), [b.caDer]);
  t.is(anchors(caA), first);
  const cert = pem(a.chain[0]!);
  const key = keyPem(a.privateKey);
  const withKey = (k: string) =>
    clientOptions('127.0.0.1', { cert, key: k, ca: caA, servername: 'a.test' }, { error: undefined });
  t.truthy(withKey(key).connection.certificate);
  t.throws(
    () => withKey(pem(a.caDer)),
    { instanceOf: ConfigError, message: /key/ },
    'the same cert and ca, another key: read, and refused',
  );
  t.truthy(withKey(key).connection.certificate);
});
