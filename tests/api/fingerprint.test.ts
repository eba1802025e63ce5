/**
 * The `fingerprint` option (RFC 8122 §5, as WebRTC pins a DTLS peer): self-signed certificates on both ends accepted
 * when they hash to a pin, refused with bad_certificate inside the handshake when they do not, over real UDP in DTLS
 * 1.2 and 1.3; bad option values are ConfigErrors naming the option.
 */
import test from 'ava';
import { ConfigError, connect, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, selfSigned } from './fixtures.js';

const VERSIONS = ['DTLSv1.3', 'DTLSv1.2'] as const;

for (const version of VERSIONS) {
  test(`${version}: both ends self-signed, each pinning the other's fingerprint, open and exchange a message`, async (t) => {
    const server = selfSigned('server');
    const client = selfSigned('client');
    const sessions: DtlsSession[] = [];
    const listener = listen(
      (s) => {
        sessions.push(s);
        s.onmessage = (m) => s.send(`echo ${m.toString()}`);
      },
      {
        cert: server.cert,
        key: server.key,
        host: '127.0.0.1',
        fingerprint: client.sha256,
        minVersion: version,
        maxVersion: version,
      },
    );
    const { port } = await listener.listening;
    const session = connect('127.0.0.1', port, {
      cert: client.cert,
      key: client.key,
      fingerprint: server.sha256,
      minVersion: version,
      maxVersion: version,
    });
    t.is((await session.opened).protocol, version);
    const reply = nextMessage(session);
    session.send('hello');
    t.is((await reply).toString(), 'echo hello');
    t.true(session.authorized);
    t.is(session.peerFingerprint(), server.sha256);
    t.is(session.localFingerprint(), client.sha256);
    const remote = sessions[0]!;
    await remote.opened;
    t.true(remote.authorized);
    t.is(remote.peerFingerprint(), client.sha256);
    t.is(remote.localFingerprint('sha-256'), server.sha256);
    // Other hashes: the same certificate under SHA-1 and SHA-512.
    t.is(remote.peerFingerprint('sha-512')?.split(' ')[1]?.length, 64 * 3 - 1);
    t.regex(session.peerFingerprint('sha-1') ?? '', /^sha-1 ([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    await session.close();
    await listener.close();
  });

  test(`${version}: a client pinning another fingerprint fails the handshake with bad_certificate; the listener serves the next client`, async (t) => {
    const server = selfSigned('server');
    const other = selfSigned('other');
    const listener = listen(() => {}, {
      cert: server.cert,
      key: server.key,
      host: '127.0.0.1',
      minVersion: version,
      maxVersion: version,
    });
    const { port } = await listener.listening;
    const wrong = connect('127.0.0.1', port, { fingerprint: other.sha256, minVersion: version, maxVersion: version });
    const failure = await t.throwsAsync(wrong.opened);
    t.regex(failure?.message ?? '', /^bad_certificate: .*matches no fingerprint/);
    // A list: any one of the pins may match; hex in lower case counts the same.
    const right = connect('127.0.0.1', port, {
      fingerprint: [other.sha256, server.sha256.toLowerCase()],
      minVersion: version,
      maxVersion: version,
    });
    t.is((await right.opened).protocol, version);
    await right.close();
    await listener.close();
  });

  test(`${version}: a server pinning another fingerprint refuses the client's certificate with bad_certificate`, async (t) => {
    const server = selfSigned('server');
    const client = selfSigned('client');
    const other = selfSigned('other');
    const serverErrors: Error[] = [];
    const listener = listen((s) => (s.onerror = (e) => serverErrors.push(e)), {
      cert: server.cert,
      key: server.key,
      host: '127.0.0.1',
      fingerprint: other.sha256,
      minVersion: version,
      maxVersion: version,
    });
    const { port } = await listener.listening;
    const session = connect('127.0.0.1', port, {
      cert: client.cert,
      key: client.key,
      fingerprint: server.sha256,
      minVersion: version,
      maxVersion: version,
    });
    const failure = await t.throwsAsync(session.opened);
    t.regex(failure?.message ?? '', /bad_certificate/);
    // A client without a certificate is refused too: the pin makes the client certificate required.
    const bare = connect('127.0.0.1', port, { fingerprint: server.sha256, minVersion: version, maxVersion: version });
    await t.throwsAsync(bare.opened);
    t.true(
      serverErrors.some((e) => /bad_certificate/.test(e.message)),
      serverErrors.map((e) => e.message).join('; '),
    );
    await listener.close();
  });
}

test('without fingerprint nothing changes: a self-signed server certificate is unknown_ca', async (t) => {
  const server = selfSigned('localhost');
  const listener = listen(() => {}, { cert: server.cert, key: server.key, host: '127.0.0.1' });
  const { port } = await listener.listening;
  const session = connect('127.0.0.1', port, { servername: 'localhost' });
  const failure = await t.throwsAsync(session.opened);
  t.regex(failure?.message ?? '', /^unknown_ca/);
  await listener.close();
});

test('a bad fingerprint option is a ConfigError naming it', (t) => {
  const { cert, key, sha256 } = selfSigned('server');
  const option = (f: () => unknown): string | undefined => t.throws(f, { instanceOf: ConfigError })?.option;
  const reason = (f: () => unknown): string => t.throws(f, { instanceOf: ConfigError })?.message ?? '';
  const hex = sha256.split(' ')[1]!;
  t.is(
    option(() => connect('127.0.0.1', 4433, { fingerprint: `sha-256${hex}` })),
    'fingerprint',
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: `md5 ${hex}` })),
    /hash function 'md5', which is none of sha-1/,
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: `sha-3 ${hex}` })),
    /'sha-3'/,
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: `sha-256 ${hex.replaceAll(':', '')}` })),
    /not colon-separated hex pairs/,
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: `sha-256 ${hex}:ZZ` })),
    /not colon-separated hex pairs/,
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: `sha-384 ${hex}` })),
    /sha-384 digest of 32 bytes; sha-384 digests are 48 bytes/,
  );
  t.is(
    option(() => connect('127.0.0.1', 4433, { fingerprint: [sha256, 'sha-256 AB'] })),
    'fingerprint[1]',
  );
  t.is(
    option(() => connect('127.0.0.1', 4433, { fingerprint: [] })),
    'fingerprint',
  );
  t.is(
    option(() => connect('127.0.0.1', 4433, { fingerprint: 42 as unknown as string })),
    'fingerprint',
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: sha256, ca: cert })),
    /replaces ca/,
  );
  t.regex(
    reason(() => connect('127.0.0.1', 4433, { fingerprint: sha256, rejectUnauthorized: false })),
    /rejectUnauthorized/,
  );
  t.regex(
    reason(() => listen(() => {}, { cert, key, fingerprint: sha256, requestCert: false })),
    /needs requestCert/,
  );
  t.is(
    option(() => listen(() => {}, { cert, key, fingerprint: 'sha-256 nothex' })),
    'fingerprint',
  );
});
