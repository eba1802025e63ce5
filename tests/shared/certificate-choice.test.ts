/**
 * Which chain a server with several presents (runtime/shared/certificate-choice.ts, RFC 8446 §4.4.2.2): one whose
 * key can sign a scheme both sides accept, and among those the first whose certificates are signed with schemes the
 * client lists in signature_algorithms_cert (or signature_algorithms without it); the first usable when none fits the
 * lists; the first when no key fits. Real chains and keys, made by the test.
 */
import test from 'ava';
import type { ClientHello, ClientHelloExtension } from '../../generated/wire/index.js';
import { chooseCredentials } from '../../runtime/shared/certificate-choice.js';
import type { SelectedCredentials } from '../../runtime/shared/server-credentials.js';
import type { SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { makeIdentity } from '../support/pki-fixtures.js';

const credentials = (kind: 'p256' | 'ed25519', caKind: 'p256' | 'ed25519'): SelectedCredentials => {
  const id = makeIdentity(kind, `${kind}-by-${caKind}`, { caKind });
  return { chain: id.chain, key: nodeProvider.importPrivateKey(id.privateKey) };
};
const p256ByP256 = credentials('p256', 'p256');
const p256ByEd = credentials('p256', 'ed25519');
const edByP256 = credentials('ed25519', 'p256');
const ALL: SignatureAlgorithm[] = ['ecdsa_secp256r1_sha256', 'ed25519'];

function hello(schemes: SignatureAlgorithm[], forCertificates?: SignatureAlgorithm[]): ClientHello {
  const extensions: ClientHelloExtension[] = [
    { extensionType: 'signature_algorithms', extensionData: { supportedSignatureAlgorithms: schemes } },
  ];
  if (forCertificates)
    extensions.push({
      extensionType: 'signature_algorithms_cert',
      extensionData: { supportedSignatureAlgorithms: forCertificates },
    });
  return {
    legacyVersion: 'dtls1_2',
    random: new Uint8Array(32),
    legacySessionId: new Uint8Array(0),
    legacyCookie: new Uint8Array(0),
    cipherSuites: ['tls_aes_128_gcm_sha256'],
    legacyCompressionMethods: Uint8Array.of(0),
    extensions,
  };
}

test('one candidate (or none) is taken as it is', (t) => {
  t.is(chooseCredentials([edByP256], { ch: hello(['ecdsa_secp256r1_sha256']), ourSchemes: ALL }), edByP256);
  t.is(chooseCredentials([], { ch: hello(ALL), ourSchemes: ALL }), undefined);
});

test('the key must sign a scheme the client offers and we allow', (t) => {
  t.is(
    chooseCredentials([edByP256, p256ByP256], { ch: hello(['ecdsa_secp256r1_sha256']), ourSchemes: ALL }),
    p256ByP256,
  );
  t.is(chooseCredentials([p256ByP256, edByP256], { ch: hello(['ed25519']), ourSchemes: ALL }), edByP256);
  t.is(chooseCredentials([p256ByP256, edByP256], { ch: hello(ALL), ourSchemes: ['ed25519'] }), edByP256);
});

test('among usable keys, the first chain signed with schemes of signature_algorithms_cert', (t) => {
  const both = [p256ByP256, p256ByEd];
  t.is(chooseCredentials(both, { ch: hello(['ecdsa_secp256r1_sha256'], ['ed25519']), ourSchemes: ALL }), p256ByEd);
  t.is(
    chooseCredentials(both, { ch: hello(['ecdsa_secp256r1_sha256'], ['ecdsa_secp256r1_sha256']), ourSchemes: ALL }),
    p256ByP256,
  );
  // Without signature_algorithms_cert, signature_algorithms applies to the certificates too.
  t.is(chooseCredentials(both, { ch: hello(['ecdsa_secp256r1_sha256', 'ed25519']), ourSchemes: ALL }), p256ByP256);
  t.is(
    chooseCredentials([p256ByEd, p256ByP256], { ch: hello(['ecdsa_secp256r1_sha256']), ourSchemes: ALL }),
    p256ByP256,
  );
});

test('no chain fits the lists: the first usable; no key fits: the first', (t) => {
  const ch = hello(['ecdsa_secp256r1_sha256'], ['rsa_pss_rsae_sha256']);
  t.is(chooseCredentials([edByP256, p256ByEd, p256ByP256], { ch, ourSchemes: ALL }), p256ByEd);
  t.is(chooseCredentials([edByP256, p256ByEd], { ch: hello(['rsa_pss_rsae_sha256']), ourSchemes: ALL }), edByP256);
  t.is(chooseCredentials([p256ByEd, edByP256], { ch: hello([]), ourSchemes: ALL }), p256ByEd);
});
