/**
 * rawPublicKeyOptions (runtime/api/raw-public-key-options.ts, RFC 7250): when raw public keys are on, what
 * checks the peer's key (pinned keys or a fingerprint over the SubjectPublicKeyInfo), and every option that does not
 * go with them refused with a ConfigError naming the option.
 */
import test, { type ExecutionContext } from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { certificateFingerprint } from '../../runtime/pki/fingerprint.js';
import { privateKeyToPem } from '../../runtime/pki/pem.js';
import { rawPublicKeyOptions } from '../../runtime/api/raw-public-key-options.js';
import { checkOptions } from '../../runtime/api/option-names.js';

const ours = generateKeyPair('p256');
const peer = generateKeyPair('ed25519');
const stranger = generateKeyPair('p256');
const other = generateKeyPair('p384');
const key = privateKeyToPem(ours.pkcs8Der);
const peerPem = peer.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** The option named by the ConfigError `rawPublicKeyOptions` throws (the assertion fails when it throws none). */
function option(
  t: ExecutionContext,
  o: Parameters<typeof rawPublicKeyOptions>[1],
  role: 'client' | 'server' = 'client',
): string {
  return t.throws(() => rawPublicKeyOptions(role, o), { instanceOf: ConfigError }).option;
}

test('off unless asked: rawPublicKey, or peerPublicKey under rfc7925', (t) => {
  t.is(rawPublicKeyOptions('client', {}), undefined);
  t.is(rawPublicKeyOptions('client', { rawPublicKey: false }), undefined);
  t.truthy(rawPublicKeyOptions('client', { peerPublicKey: peerPem, profile: 'rfc7925' }));
  t.is(option(t, { peerPublicKey: peerPem }), 'peerPublicKey');
  t.is(option(t, { peerPublicKey: peerPem, profile: 'rfc9999' }), 'peerPublicKey');
  t.is(option(t, { peerPublicKey: peerPem, rawPublicKey: false }), 'peerPublicKey');
  // not a boolean: its option-names.ts row refuses it before it is read here
  const e = t.throws(() => checkOptions('connect', { rawPublicKey: 'yes' }), { instanceOf: ConfigError });
  t.is(e?.option, 'rawPublicKey');
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
  t.is(option(t, { rawPublicKey: true, fingerprint, peerPublicKey: peerPem }), 'peerPublicKey');
});

test('the key presented: the private key read; keyOnly without cert', (t) => {
  const s = rawPublicKeyOptions('server', { rawPublicKey: true, key })!;
  t.deepEqual(s.option.privateKey, ours.pkcs8Der);
  t.is(s.option.verifyPeer, undefined, 'a server without a check asks no client key');
  t.true(s.keyOnly);
  t.false(rawPublicKeyOptions('server', { rawPublicKey: true, key, cert: 'PEM' })!.keyOnly);
  t.is(option(t, { rawPublicKey: true }, 'server'), 'rawPublicKey', 'a server presents its key');
  t.is(option(t, { rawPublicKey: true, key, requestCert: true }, 'server'), 'requestCert');
  t.is(option(t, { rawPublicKey: true, key: 'not a key', peerPublicKey: peerPem }, 'server'), 'key');
});

test('options that do not go with raw keys are refused', (t) => {
  const base = { rawPublicKey: true, peerPublicKey: peerPem } as const;
  t.is(option(t, { rawPublicKey: true }), 'rawPublicKey', 'a client with nothing to check against');
  t.is(option(t, { ...base, secureContext: {} }), 'rawPublicKey');
  t.is(option(t, { ...base, ca: 'PEM' }), 'rawPublicKey');
  t.is(option(t, { ...base, rejectUnauthorized: false }), 'rawPublicKey');
  t.is(option(t, { rawPublicKey: true, peerPublicKey: 'not a key' }), 'peerPublicKey');
  t.truthy(rawPublicKeyOptions('client', { ...base, rejectUnauthorized: true }));
});
