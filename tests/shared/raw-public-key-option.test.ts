/**
 * The `rawPublicKey` option (runtime/shared/raw-public-key-option.ts, RFC 7250): our SPKI made from our private key
 * (equal to node:crypto's), the peer check passed through, and each mistake a ConfigError naming the option and what is
 * wrong: not an object, a key that is not bytes or not a key, a verifier that is not a function, neither given, a key
 * other than the certificate's.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { resolveRawPublicKey, type RawPublicKeyOption } from '../../runtime/shared/raw-public-key-option.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const a = makeIdentity('p256', 'a');
const b = makeIdentity('ed25519', 'b');
const c = makeIdentity('p256', 'c');
const accept = (spki: Uint8Array) => ({ ok: true as const, spki });

function refused(
  t: ExecutionContext,
  value: unknown,
  option: string,
  reason: RegExp,
  certificate?: { privateKey: Uint8Array },
) {
  const e = t.throws(() => resolveRawPublicKey(value as RawPublicKeyOption, certificate), { instanceOf: ConfigError });
  t.is(e?.option, option);
  t.regex(e?.reason ?? '', reason);
}

test('our SPKI is the private key’s public key as node:crypto exports it; the verifier passes through', (t) => {
  for (const id of [a, b]) {
    const resolved = resolveRawPublicKey({ privateKey: id.privateKey, verifyPeer: accept }, undefined);
    const spki = createPublicKey(
      createPrivateKey({ key: Buffer.from(id.privateKey), format: 'der', type: 'pkcs8' }),
    ).export({
      type: 'spki',
      format: 'der',
    });
    t.deepEqual(Buffer.from(resolved!.own!.spki), spki);
    t.is(resolved?.own?.privateKey, id.privateKey);
    t.is(resolved?.verifyPeer, accept);
  }
  t.deepEqual(resolveRawPublicKey({ verifyPeer: accept }, undefined), { own: undefined, verifyPeer: accept });
  t.is(resolveRawPublicKey(undefined, undefined), undefined);
});

test('with a certificate, the same key is taken and another refused', (t) => {
  t.truthy(resolveRawPublicKey({ privateKey: a.privateKey }, { privateKey: a.privateKey.slice() }));
  refused(t, { privateKey: a.privateKey }, 'rawPublicKey.privateKey', /must be the certificate's private key/, {
    privateKey: b.privateKey,
  });
  // Another key of the same type and length: compared byte by byte.
  refused(t, { privateKey: a.privateKey }, 'rawPublicKey.privateKey', /must be the certificate's private key/, {
    privateKey: c.privateKey,
  });
});

test('each mistake names the option and what is wrong', (t) => {
  const notObject = t.throws(() => resolveRawPublicKey('key' as unknown as RawPublicKeyOption, undefined), {
    instanceOf: ConfigError,
  });
  t.is(notObject?.code, 'ERR_INVALID_ARG_TYPE');
  refused(t, null, 'rawPublicKey', /must be an object/);
  refused(t, {}, 'rawPublicKey', /names neither privateKey nor verifyPeer/);
  refused(t, { privateKey: 'pem text' }, 'rawPublicKey.privateKey', /must be PKCS#8 DER bytes/);
  refused(t, { verifyPeer: true }, 'rawPublicKey.verifyPeer', /must be a function/);
  refused(
    t,
    { privateKey: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00) },
    'rawPublicKey.privateKey',
    /gives no usable public key/,
  );
  refused(t, { privateKey: a.chain[0] }, 'rawPublicKey.privateKey', /gives no usable public key/, undefined);
});
