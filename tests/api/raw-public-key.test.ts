/**
 * Raw public keys (RFC 7250) through connect and listen, over real UDP in DTLS 1.3 and 1.2: each end presents its key
 * as a SubjectPublicKeyInfo and accepts the peer's by a pinned key or a fingerprint over the SPKI; a wrong pin fails
 * the handshake with bad_certificate and the listener goes on; bad option values are ConfigErrors naming the option.
 */
import test from 'ava';
import { createHash, createPublicKey } from 'node:crypto';
import { ConfigError, connect, listen, type DtlsSession } from '../../runtime/index.js';
import { generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import { privateKeyToPem } from '../../runtime/pki/pem.js';
import { nextMessage, selfSigned } from './fixtures.js';

/** A P-256 key as a device holds it: the private key (PEM), the public key (PEM and SPKI DER) and its SPKI fingerprint. */
export function rawKey(kind: 'p256' | 'ed25519' = 'p256'): {
  key: string;
  publicKey: string;
  spki: Uint8Array;
  sha256: string;
} {
  const pair = generateKeyPair(kind);
  const key = privateKeyToPem(pair.pkcs8Der);
  const spki = new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const hex = createHash('sha256').update(spki).digest('hex').toUpperCase();
  return { key, publicKey, spki, sha256: `sha-256 ${hex.match(/../g)!.join(':')}` };
}

const VERSIONS = ['DTLSv1.3', 'DTLSv1.2'] as const;

for (const version of VERSIONS) {
  const range = { minVersion: version, maxVersion: version } as const;

  test(`${version}: both ends present raw public keys, each pinning the other's key, and exchange a message`, async (t) => {
    const server = rawKey();
    const client = rawKey();
    const sessions: DtlsSession[] = [];
    const listener = listen(
      (s) => {
        sessions.push(s);
        s.onmessage = (m) => s.send(`echo ${m.toString()}`);
      },
      { key: server.key, rawPublicKey: true, peerPublicKey: client.publicKey, host: '127.0.0.1', ...range },
    );
    const { port } = await listener.listening;
    const session = connect('127.0.0.1', port, {
      key: client.key,
      rawPublicKey: true,
      peerPublicKey: server.spki,
      ...range,
    });
    t.is((await session.opened).protocol, version);
    const reply = nextMessage(session);
    session.send('hello');
    t.is((await reply).toString(), 'echo hello');
    t.is(session.peerFingerprint(), server.sha256);
    t.is(session.localFingerprint(), client.sha256, 'over our SPKI');
    const remote = sessions[0]!;
    await remote.opened;
    t.is(remote.peerFingerprint(), client.sha256);
    t.is(remote.localFingerprint(), server.sha256);
    await session.close();
    await listener.close();
  });

  test(`${version}: a client without a key of its own pins the server's key by fingerprint over the SPKI`, async (t) => {
    const server = rawKey();
    const listener = listen(() => {}, { key: server.key, rawPublicKey: true, host: '127.0.0.1', ...range });
    const { port } = await listener.listening;
    const session = connect('127.0.0.1', port, { rawPublicKey: true, fingerprint: server.sha256, ...range });
    t.is((await session.opened).protocol, version);
    await session.close();
    await listener.close();
  });

  test(`${version}: a wrong pin fails the handshake with bad_certificate; the listener serves the next client`, async (t) => {
    const server = rawKey();
    const other = rawKey();
    const listener = listen(() => {}, { key: server.key, rawPublicKey: true, host: '127.0.0.1', ...range });
    const { port } = await listener.listening;
    const wrong = connect('127.0.0.1', port, { rawPublicKey: true, peerPublicKey: other.publicKey, ...range });
    const failure = await t.throwsAsync(wrong.opened);
    t.regex(failure?.message ?? '', /^bad_certificate: .*none of the keys given/);
    const right = connect('127.0.0.1', port, {
      rawPublicKey: true,
      peerPublicKey: [other.publicKey, server.publicKey],
      ...range,
    });
    t.is((await right.opened).protocol, version);
    await right.close();
    await listener.close();
  });
}

/** A self-signed certificate (fixtures' selfSigned) with its public key as PEM. */
function certificateFor(name: string): { cert: string; key: string; publicKey: string } {
  const made = selfSigned(name);
  return { ...made, publicKey: createPublicKey(made.key).export({ type: 'spki', format: 'pem' }).toString() };
}

for (const version of VERSIONS) {
  const range = { minVersion: version, maxVersion: version } as const;

  test(`${version}: a server with a certificate and rawPublicKey serves a raw-key client and an X.509 client`, async (t) => {
    const server = certificateFor('server');
    const listener = listen(() => {}, {
      cert: server.cert,
      key: server.key,
      rawPublicKey: true,
      host: '127.0.0.1',
      ...range,
    });
    const { port } = await listener.listening;
    const raw = connect('127.0.0.1', port, { rawPublicKey: true, peerPublicKey: server.publicKey, ...range });
    t.is((await raw.opened).protocol, version);
    t.is(raw.peerX509Certificate, undefined);
    await raw.close();
    // The X.509 client offers no certificate types: it gets the certificate, pinned here by its fingerprint.
    const x509 = connect('127.0.0.1', port, { rejectUnauthorized: false, ...range });
    t.is((await x509.opened).protocol, version);
    t.is(x509.peerX509Certificate?.subject, 'CN=server');
    await x509.close();
    await listener.close();
  });

  test(`${version}: a raw-key client and a certificate-only server: unsupported_certificate (RFC 7250 §4.2)`, async (t) => {
    const server = certificateFor('server');
    const listener = listen(() => {}, { cert: server.cert, key: server.key, host: '127.0.0.1', ...range });
    const { port } = await listener.listening;
    const client = connect('127.0.0.1', port, { rawPublicKey: true, peerPublicKey: server.publicKey, ...range });
    const failure = await t.throwsAsync(client.opened);
    t.regex(failure?.message ?? '', /unsupported_certificate/);
    await listener.close();
  });

  test(`${version}: a server pinning client keys refuses a client whose key is another with bad_certificate`, async (t) => {
    const server = rawKey();
    const client = rawKey();
    const other = rawKey();
    const listener = listen(() => {}, {
      key: server.key,
      rawPublicKey: true,
      peerPublicKey: other.publicKey,
      host: '127.0.0.1',
      ...range,
    });
    const { port } = await listener.listening;
    const session = connect('127.0.0.1', port, {
      key: client.key,
      rawPublicKey: true,
      peerPublicKey: server.publicKey,
      ...range,
    });
    const failure = await t.throwsAsync(session.opened);
    t.regex(failure?.message ?? '', /bad_certificate/);
    await listener.close();
  });
}

test('ed25519 raw keys both ways (DTLS 1.3)', async (t) => {
  const server = rawKey('ed25519');
  const client = rawKey('ed25519');
  const listener = listen(() => {}, {
    key: server.key,
    rawPublicKey: true,
    peerPublicKey: client.publicKey,
    host: '127.0.0.1',
  });
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, { key: client.key, rawPublicKey: true, fingerprint: server.sha256 });
  t.is((await session.opened).protocol, 'DTLSv1.3');
  await session.close();
  await listener.close();
});

test('bad raw public key options are ConfigErrors naming the option', (t) => {
  const key = rawKey();
  const certificate = certificateFor('x');
  const option = (f: () => unknown): string | undefined => t.throws(f, { instanceOf: ConfigError })?.option;
  // A pin that is not a SubjectPublicKeyInfo: a certificate, a private key, garbage DER, a truncated SPKI.
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true, peerPublicKey: certificate.cert })),
    'peerPublicKey',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true, peerPublicKey: key.key })),
    'peerPublicKey',
  );
  t.is(
    option(() =>
      connect('127.0.0.1', 1, {
        rawPublicKey: true,
        peerPublicKey: [key.publicKey, Buffer.from([0x30, 0x03, 1, 2, 3])],
      }),
    ),
    'peerPublicKey[1]',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true, peerPublicKey: key.spki.subarray(0, 40) })),
    'peerPublicKey',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true, peerPublicKey: 'not pem' })),
    'peerPublicKey',
  );
  // The switch and what goes with it.
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: 'yes' as unknown as boolean })),
    'rawPublicKey',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true })),
    'rawPublicKey',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { peerPublicKey: key.publicKey })),
    'peerPublicKey',
  );
  t.is(
    option(() =>
      connect('127.0.0.1', 1, { rawPublicKey: true, peerPublicKey: key.publicKey, fingerprint: key.sha256 }),
    ),
    'peerPublicKey',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true, fingerprint: 'sha-256 00' })),
    'fingerprint',
  );
  t.is(
    option(() => connect('127.0.0.1', 1, { rawPublicKey: true, peerPublicKey: key.publicKey, ca: certificate.cert })),
    'rawPublicKey',
  );
  t.is(
    option(() => listen(() => {}, { rawPublicKey: true, peerPublicKey: key.publicKey })),
    'rawPublicKey',
  );
  t.is(
    option(() => listen(() => {}, { key: key.key, rawPublicKey: true, requestCert: true })),
    'requestCert',
  );
  t.is(
    option(() => listen(() => {}, { key: 'nonsense', rawPublicKey: true })),
    'key',
  );
});

test("profile 'rfc7925' with peerPublicKey turns raw public keys on (DTLS 1.2, CCM_8)", async (t) => {
  const server = rawKey();
  const client = rawKey();
  const listener = listen(() => {}, {
    key: server.key,
    profile: 'rfc7925',
    peerPublicKey: client.publicKey,
    host: '127.0.0.1',
    maxVersion: 'DTLSv1.2',
  });
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, {
    key: client.key,
    profile: 'rfc7925',
    peerPublicKey: server.publicKey,
    ciphers: 'ECDHE-ECDSA-AES128-CCM8',
    maxVersion: 'DTLSv1.2',
  });
  const opened = await session.opened;
  t.is(opened.protocol, 'DTLSv1.2');
  t.is(session.cipher?.standardName, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8');
  await session.close();
  await listener.close();
});
