/**
 * clientCredentialContext (runtime/api/client-credentials.ts): connect's credentials read once per content.
 * The same content (new strings, other Buffers) gives the same frozen context; other content, a rewritten Buffer
 * included, is read anew; options that fail are not remembered and throw every time; a secureContext is used as is.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createSecureContext } from '../../runtime/pki/secure-context.js';
import { clientCredentialContext } from '../../runtime/api/client-credentials.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const a = makeIdentity('p256', 'a.test');
const b = makeIdentity('p256', 'b.test');
const cert = certificateToPem(a.chain[0]!);
const key = privateKeyToPem(a.privateKey);

test('the same content, as new strings or other Buffers, gives the same context', (t) => {
  const first = clientCredentialContext({ cert, key, ca: certificateToPem(a.caDer) });
  t.is(clientCredentialContext({ cert: `${cert}`, key: `${key}`, ca: certificateToPem(a.caDer) }), first);
  t.is(clientCredentialContext({ key, ca: certificateToPem(a.caDer), cert }), first);
  const viaBuffers = clientCredentialContext({ cert: Buffer.from(cert), key: Buffer.from(key) });
  t.is(clientCredentialContext({ cert: Buffer.from(cert), key: Buffer.from(key) }), viaBuffers);
  t.not(viaBuffers, first, 'without ca: other content');
  t.deepEqual(first.certificate?.chain, [a.chain[0]]);
});

test('other content is read anew, a Buffer rewritten in place included', (t) => {
  // An ECDSA signature's DER length varies, so the two PEMs are padded with newlines to one length.
  const plainA = certificateToPem(a.caDer);
  const plainB = certificateToPem(b.caDer);
  const width = Math.max(plainA.length, plainB.length);
  const pemA = plainA.padEnd(width, '\n');
  const pemB = plainB.padEnd(width, '\n');
  const ca = Buffer.from(pemA);
  const first = clientCredentialContext({ ca });
  t.deepEqual(first.trustAnchors, [a.caDer]);
  Buffer.from(pemB).copy(ca);
  t.is(ca.toString(), pemB, 'rewritten in place, whole');
  const second = clientCredentialContext({ ca });
  t.not(second, first);
  t.deepEqual(second.trustAnchors, [b.caDer]);
});

test('options that fail throw every time, naming the option', (t) => {
  for (let i = 0; i < 2; i++) {
    const e = t.throws(() => clientCredentialContext({ cert, key: privateKeyToPem(b.privateKey) }), {
      instanceOf: ConfigError,
    })!;
    t.is(e.option, 'key', e.message);
  }
  const e = t.throws(() => clientCredentialContext({ ca: 'not a PEM' }), { instanceOf: ConfigError })!;
  t.is(e.option, 'ca');
});

test('a secureContext is used as given; with cert or ca beside it, refused', (t) => {
  const context = createSecureContext({ cert, key });
  t.is(clientCredentialContext({ secureContext: context }), context);
  t.is(
    t.throws(() => clientCredentialContext({ secureContext: context, ca: cert }), { instanceOf: ConfigError })!.option,
    'ca',
  );
});
