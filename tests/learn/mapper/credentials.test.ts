import test from 'ava';
import { openServerSul } from '../../../learn/mapper/server-sul.js';
import { loadCredentials } from '../../../learn/mapper/credentials.js';
import { defaultProvider } from '../../../runtime/crypto/registry.js';
import { ConfigError } from '../../../runtime/config-error.js';
import { certificateToPem, privateKeyToPem } from '../../../runtime/pki/pem.js';
import { makeIdentity } from '../../support/pki-fixtures.js';

/**
 * The mapper takes `cert` and `key` as `listen()` does: PEM text (a string, or bytes read from a file) or DER, one or a
 * list, checked by the runtime's parsing (a PEM string was once walked byte by byte, each character a "certificate").
 * Without them, `Certificate` still carries a real (throwaway) certificate.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const provider = defaultProvider();
const pem = certificateToPem(id.chain[0]!);
const keyPem = privateKeyToPem(id.privateKey);

test('cert as a PEM string, PEM bytes, DER bytes or a DER list: the same chain', (t) => {
  for (const cert of [pem, new TextEncoder().encode(pem), id.chain[0]!, [...id.chain]]) {
    const c = loadCredentials(provider, { cert, key: keyPem });
    t.deepEqual(
      c.chain.map((d) => Buffer.from(d).toString('hex')),
      id.chain.map((d) => Buffer.from(d).toString('hex')),
    );
    t.false(c.throwaway);
    t.not(c.key, undefined);
  }
  t.not(loadCredentials(provider, { cert: pem, key: id.privateKey }).key, undefined, 'a DER key');
});

test('a bad cert or key is a ConfigError naming it, from the mapper as from listen()', async (t) => {
  const bad: [string, Parameters<typeof loadCredentials>[1], RegExp][] = [
    ['not PEM text', { cert: 'hello', key: keyPem }, /^option cert: a string must be PEM text/],
    ['bytes that are no certificate', { cert: Uint8Array.of(1, 2, 3), key: keyPem }, /^option cert: not a DER X\.509/],
    ['a key where the cert goes', { cert: keyPem, key: keyPem }, /^option cert: no CERTIFICATE block/],
    ['a cert without its key', { cert: pem }, /^option key: is missing/],
    ['a key without its cert', { key: keyPem }, /^option cert: is missing/],
  ];
  for (const [what, options, message] of bad) {
    const e = t.throws(() => loadCredentials(provider, options), { instanceOf: ConfigError }, what);
    t.regex(e.message, message, what);
  }
  await t.throwsAsync(
    openServerSul({ host: '127.0.0.1', port: 9, version: '1.3', parallel: 1, cert: 'x', key: keyPem }),
    {
      instanceOf: ConfigError,
    },
  );
});

test('no cert: a throwaway certificate and key, so Certificate is never the empty list', (t) => {
  const c = loadCredentials(provider, {});
  t.true(c.throwaway);
  t.is(c.chain.length, 1);
  t.true(c.chain[0]!.length > 100);
  t.not(c.key, undefined);
});
