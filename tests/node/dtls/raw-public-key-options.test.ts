/**
 * rawPublicKeyOptions (runtime/node/dtls/raw-public-key-options.ts, RFC 7250): when raw public keys are on, what
 * checks the peer's key (pinned keys or a fingerprint over the SubjectPublicKeyInfo), and every option that does not
 * go with them refused with a ConfigError naming the option.
 */
import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { generateKeyPair } from '../../../runtime/pki/certificate-builder.js';
import { certificateFingerprint } from '../../../runtime/pki/fingerprint.js';
import { privateKeyToPem } from '../../../runtime/pki/pem.js';
import { rawPublicKeyOptions } from '../../../runtime/node/dtls/raw-public-key-options.js';

const ours = generateKeyPair('p256');
const peer = generateKeyPair('ed25519');
const stranger = generateKeyPair('p256');
const other = generateKeyPair('p384');
const key = privateKeyToPem(ours.pkcs8Der);
const peerPem = peer.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function option(o: Parameters<typeof rawPublicKeyOptions>[1], role: 'client' | 'server' = 'client'): string {
  return (t_throws(() => rawPublicKeyOptions(role, o)) as ConfigError).option;
}
function t_throws(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('no ConfigError');
}

test('off unless asked: rawPublicKey, or peerPublicKey under rfc7925', (t) => {
  t.is(rawPublicKeyOptions('client', {}), undefined);
  t.is(rawPublicKeyOptions('client', { rawPublicKey: false }), undefined);
  t.truthy(rawPublicKeyOptions('client', { peerPublicKey: peerPem, profile: 'rfc7925' }));
  t.is(option({ peerPublicKey: peerPem }), 'peerPublicKey');
  t.is(option({ peerPublicKey: peerPem, profile: 'rfc9999' }), 'peerPublicKey');
  t.is(option({ peerPublicKey: peerPem, rawPublicKey: false }), 'peerPublicKey');
  t.is(option({ rawPublicKey: 'yes' as unknown as boolean }), 'rawPublicKey');
});

test("the peer's key is checked against the pinned keys, PEM or DER", (t) => {
  for (const peerPublicKey of [peerPem, peer.spkiDer, [other.spkiDer, peer.spkiDer]]) {
    const verify = rawPublicKeyOptions('client', { rawPublicKey: true, peerPublicKey })!.option.verifyPeer!;
    t.true(verify(peer.spkiDer).ok);
    t.false(verify(stranger.spkiDer).ok);
    t.false(verify(Uint8Array.of(0x30, 0)).ok, 'garbage from the peer fails, throws nothing');
  }
});

test("or against a fingerprint over the key's SubjectPublicKeyInfo", (t) => {
  const fingerprint = certificateFingerprint(peer.spkiDer);
  const verify = rawPublicKeyOptions('client', { rawPublicKey: true, fingerprint })!.option.verifyPeer!;
  t.true(verify(peer.spkiDer).ok);
  t.false(verify(stranger.spkiDer).ok);
  t.is(option({ rawPublicKey: true, fingerprint, peerPublicKey: peerPem }), 'peerPublicKey');
});

test('the key presented: the private key read; keyOnly without cert', (t) => {
  const s = rawPublicKeyOptions('server', { rawPublicKey: true, key })!;
  t.deepEqual(s.option.privateKey, ours.pkcs8Der);
  t.is(s.option.verifyPeer, undefined, 'a server without a check asks no client key');
  t.true(s.keyOnly);
  t.false(rawPublicKeyOptions('server', { rawPublicKey: true, key, cert: 'PEM' })!.keyOnly);
  t.is(option({ rawPublicKey: true }, 'server'), 'rawPublicKey', 'a server presents its key');
  t.is(option({ rawPublicKey: true, key, requestCert: true }, 'server'), 'requestCert');
  t.is(option({ rawPublicKey: true, key: 'not a key', peerPublicKey: peerPem }, 'server'), 'key');
});

test('options that do not go with raw keys are refused', (t) => {
  const base = { rawPublicKey: true, peerPublicKey: peerPem } as const;
  t.is(option({ rawPublicKey: true }), 'rawPublicKey', 'a client with nothing to check against');
  t.is(option({ ...base, secureContext: {} }), 'rawPublicKey');
  t.is(option({ ...base, ca: 'PEM' }), 'rawPublicKey');
  t.is(option({ ...base, rejectUnauthorized: false }), 'rawPublicKey');
  t.is(option({ rawPublicKey: true, peerPublicKey: 'not a key' }), 'peerPublicKey');
  t.truthy(rawPublicKeyOptions('client', { ...base, rejectUnauthorized: true }));
});
