import test from 'ava';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider, SignatureAlgorithm } from '../../runtime/crypto/provider.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { chooseScheme12, sign12, verify12 } from '../../runtime/dtls12/signing.js';
import { certificateVerifyContent, verifyCertificateVerify } from '../../runtime/handshake/certificate-verify.js';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME, type Identity } from '../support/pki-fixtures.js';
import { freeUdpPort, identityFiles, OpenSslPeer } from './openssl12.js';
import { pair12, pump } from './pair12.js';
import { Udp12, type AnyEvent } from './udp12.js';

/**
 * ECDSA in DTLS 1.2 names a hash, not a curve (RFC 5246 §7.4.1.4.1, RFC
 * 8422 §5.10): a P-384 or P-521 key signs and verifies with SHA-256, -384
 * and -512, on both providers; a scheme we did not offer is refused
 * (illegal_parameter); the 1.3 handshake keeps RFC 8446 §4.2.3's curve
 * binding. Over real UDP, Debian's OpenSSL 3.0 signs with a P-384 / P-521
 * key and SHA-256 when that is all we offer, and verifies ours.
 */

const ECDSA: readonly SignatureAlgorithm[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
];
const PROVIDERS: readonly CryptoProvider[] = [nodeProvider, nobleProvider];
const KINDS = ['p384', 'p521'] as const;
/** RFC 8422 §5.1: a client that wants a P-521 certificate names secp521r1 (ours does not by default). */
const GROUPS = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1'] as const;
const ids = { p384: makeIdentity('p384', 'server.test'), p521: makeIdentity('p521', 'server.test') };
const clientIds = { p384: makeIdentity('p384', 'client.test'), p521: makeIdentity('p521', 'client.test') };

const spkiOf = (id: Identity): Uint8Array =>
  new Uint8Array(
    createPublicKey(createPrivateKey({ key: Buffer.from(id.privateKey), format: 'der', type: 'pkcs8' })).export({
      type: 'spki',
      format: 'der',
    }),
  );

const alertOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof ProtocolError ? e.alert : `not a ProtocolError: ${String(e)}`;
  }
  return undefined;
};

const data = new TextEncoder().encode('client_random + server_random + ServerECDHParams');

for (const kind of KINDS) {
  for (const signer of PROVIDERS) {
    for (const scheme of ECDSA) {
      test(`a ${kind} key signs ${scheme} on ${signer.name} when the peer offers only that; both providers verify it`, (t) => {
        const key = signer.importPrivateKey(ids[kind].privateKey);
        const chosen = chooseScheme12(ECDSA, key, [scheme]);
        t.is(chosen, scheme);
        const signature = sign12(signer, chosen, key, data);
        for (const verifier of PROVIDERS) {
          const pub = verifier.importPublicKey(spkiOf(ids[kind]));
          t.is(verify12(verifier, ECDSA, pub, scheme, data, signature, 'ServerKeyExchange'), scheme, verifier.name);
          const other = Uint8Array.from(data, (b, i) => (i === 0 ? b ^ 1 : b));
          t.is(
            alertOf(() => verify12(verifier, ECDSA, pub, scheme, other, signature, 'ServerKeyExchange')),
            'decrypt_error',
            verifier.name,
          );
          // The same signature read with another hash does not verify: the hash is really the one named.
          const wrong = ECDSA.find((s) => s !== scheme)!;
          t.is(
            alertOf(() => verify12(verifier, ECDSA, pub, wrong, data, signature, 'ServerKeyExchange')),
            'decrypt_error',
            verifier.name,
          );
        }
      });
    }
  }
}

test("the signer's choice: the curve's own hash when offered, else the strongest offered ECDSA hash", (t) => {
  const p384 = nodeProvider.importPrivateKey(ids.p384.privateKey);
  const p521 = nodeProvider.importPrivateKey(ids.p521.privateKey);
  t.is(
    chooseScheme12(ECDSA, p384, ['ecdsa_secp256r1_sha256', 'ecdsa_secp521r1_sha512', 'ecdsa_secp384r1_sha384']),
    'ecdsa_secp384r1_sha384',
  );
  t.is(chooseScheme12(ECDSA, p384, ['ecdsa_secp256r1_sha256', 'ecdsa_secp521r1_sha512']), 'ecdsa_secp521r1_sha512');
  t.is(chooseScheme12(ECDSA, p521, ['ecdsa_secp256r1_sha256', 'ecdsa_secp384r1_sha384']), 'ecdsa_secp384r1_sha384');
  t.is(chooseScheme12(ECDSA, p521, ['rsa_pss_rsae_sha256', 'ecdsa_secp256r1_sha256']), 'ecdsa_secp256r1_sha256');
  t.is(
    alertOf(() => chooseScheme12(ECDSA, p521, ['rsa_pss_rsae_sha256', 'ed25519'])),
    'handshake_failure',
  );
});

for (const verifier of PROVIDERS) {
  test(`a valid ECDSA signature over a scheme we did not offer is refused with illegal_parameter (${verifier.name})`, (t) => {
    const key = nodeProvider.importPrivateKey(ids.p384.privateKey);
    const signature = sign12(nodeProvider, 'ecdsa_secp256r1_sha256', key, data);
    const pub = verifier.importPublicKey(spkiOf(ids.p384));
    t.is(
      verify12(
        verifier,
        ['ecdsa_secp256r1_sha256'],
        pub,
        'ecdsa_secp256r1_sha256',
        data,
        signature,
        'ServerKeyExchange',
      ),
      'ecdsa_secp256r1_sha256',
    );
    t.is(
      alertOf(() =>
        verify12(
          verifier,
          ['ecdsa_secp384r1_sha384', 'ecdsa_secp521r1_sha512'],
          pub,
          'ecdsa_secp256r1_sha256',
          data,
          signature,
          'ServerKeyExchange',
        ),
      ),
      'illegal_parameter',
    );
  });
}

for (const kind of KINDS) {
  for (const provider of PROVIDERS) {
    test(`1.2 in memory on ${provider.name}: a ${kind} server and client certificate with peers offering only ecdsa_secp256r1_sha256`, (t) => {
      const p = pair12(
        DtlsConnection.client({
          maxVersion: 'DTLSv1.2',
          trustAnchors: [ids[kind].caDer],
          serverName: 'server.test',
          provider,
          signatureAlgorithms: ['ecdsa_secp256r1_sha256'],
          groups: GROUPS,
          certificate: { chain: clientIds[kind].chain, privateKey: clientIds[kind].privateKey },
          wallClock: () => TEST_TIME,
        }),
        DtlsConnection.server({
          maxVersion: 'DTLSv1.2',
          certificate: { chain: ids[kind].chain, privateKey: ids[kind].privateKey },
          provider,
          signatureAlgorithms: ['ecdsa_secp256r1_sha256'],
          clientAuthentication: 'required',
          trustAnchors: [clientIds[kind].caDer],
          wallClock: () => TEST_TIME,
        }),
      );
      p.client.connect(0);
      pump(p);
      t.is(p.client.state, 'connected', JSON.stringify([p.client.failure, p.server.failure]));
      t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
      t.is(state12Of(p.client).negotiated?.signatureAlgorithm, 'ecdsa_secp256r1_sha256');
      t.true(state12Of(p.server).negotiated?.clientAuthenticated);
    });
  }
}

test('1.3 keeps the curve binding: a P-384 server and a client offering only ecdsa_secp256r1_sha256 fail, its own scheme works', (t) => {
  const refused = handshake(ids.p384, { client: { signatureAlgorithms: ['ecdsa_secp256r1_sha256'] } });
  t.is(refused.parameters, undefined);
  t.is(refused.link.server.failure?.alert, 'handshake_failure', JSON.stringify(refused.link.server.failure));
  const own = handshake(ids.p384, { client: { signatureAlgorithms: ['ecdsa_secp384r1_sha384'] } });
  t.is(own.parameters?.signatureAlgorithm, 'ecdsa_secp384r1_sha384');
});

for (const provider of PROVIDERS) {
  test(`1.3's CertificateVerify check refuses a valid P-384 signature with SHA-256 named ecdsa_secp256r1_sha256 (${provider.name})`, (t) => {
    const transcriptHash = new Uint8Array(32).fill(5);
    const content = certificateVerifyContent('server', transcriptHash);
    const signature = sign12(
      nodeProvider,
      'ecdsa_secp256r1_sha256',
      nodeProvider.importPrivateKey(ids.p384.privateKey),
      content,
    );
    const pub = provider.importPublicKey(spkiOf(ids.p384));
    t.true(provider.ecdsaVerify?.('sha256', pub, content, signature), 'the signature is valid ECDSA with SHA-256');
    t.false(verifyCertificateVerify(provider, 'server', 'ecdsa_secp256r1_sha256', pub, transcriptHash, signature));
  });
}

// Debian's OpenSSL 3.0 over real UDP.
const now = Date.now();
const isComplete = (e: AnyEvent): boolean => e.type === 'handshakeComplete';
const SUITE = 'tls_ecdhe_ecdsa_with_aes_128_gcm_sha256';

for (const kind of KINDS) {
  const id = makeIdentity(kind, 'server.test', { at: now });
  const clientId = makeIdentity(kind, 'client.test', { at: now });
  const files = identityFiles(id);
  const clientFiles = identityFiles(clientId);

  test.serial(
    `openssl s_server -dtls1_2 with a ${kind} certificate signs with SHA-256 for our client offering only ecdsa_secp256r1_sha256; client auth likewise`,
    async (t) => {
      const port = await freeUdpPort();
      const server = new OpenSslPeer([
        's_server',
        '-dtls1_2',
        '-accept',
        String(port),
        '-cert',
        files.cert,
        '-key',
        files.key,
        '-Verify',
        '1',
        '-CAfile',
        clientFiles.ca,
        '-client_sigalgs',
        'ECDSA+SHA256',
      ]);
      await server.waitFor('ACCEPT');
      const conn = DtlsConnection.client({
        maxVersion: 'DTLSv1.2',
        trustAnchors: [id.caDer],
        serverName: 'server.test',
        cipherSuites12: [SUITE],
        signatureAlgorithms: ['ecdsa_secp256r1_sha256'],
        groups: GROUPS,
        certificate: { chain: clientId.chain, privateKey: clientId.privateKey },
      });
      const client = await Udp12.client(conn, port);
      try {
        await client.waitFor(isComplete, 15_000, 'handshake');
        t.is(state12Of(client.conn).negotiated?.signatureAlgorithm, 'ecdsa_secp256r1_sha256');
        client.send(new TextEncoder().encode('hello from dtls13\n'));
        await server.waitFor('hello from dtls13');
        t.regex(server.out + server.err, /Peer signature type: ECDSA/);
        t.regex(server.out + server.err, /Peer signing digest: SHA256/);
      } finally {
        await client.close();
        server.stop();
      }
    },
  );

  test.serial(
    `openssl s_client -dtls1_2 -sigalgs ECDSA+SHA256 verifies our ${kind} server's ServerKeyExchange`,
    async (t) => {
      const conn = DtlsConnection.server({
        maxVersion: 'DTLSv1.2',
        certificate: { chain: id.chain, privateKey: id.privateKey },
        cipherSuites12: [SUITE],
      });
      const server = await Udp12.server(conn);
      const client = new OpenSslPeer([
        's_client',
        '-dtls1_2',
        '-connect',
        `127.0.0.1:${server.port}`,
        '-CAfile',
        files.ca,
        '-verify_return_error',
        '-servername',
        'server.test',
        '-sigalgs',
        'ECDSA+SHA256',
      ]);
      try {
        await server.waitFor(isComplete, 15_000, 'handshake');
        await client.waitFor('Verify return code: 0 (ok)');
        t.regex(client.out, /Peer signing digest: SHA256/);
        t.regex(client.out, /Peer signature type: ECDSA/);
      } finally {
        client.stop();
        await server.close();
      }
    },
  );
}
