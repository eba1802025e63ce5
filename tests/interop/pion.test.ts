/**
 * pion/dtls 2.2.6 (Debian's golang-github-pion-dtls.v2-dev), a DTLS 1.2
 * stack of its own in Go (WebRTC's, through pion/webrtc), against dtls13's
 * `listen` and `connect` over real UDP, both roles: the handshake and
 * data, client authentication, ALPN, DTLS-SRTP and the RFC 5705 exporter
 * (equal on both ends), a 300-byte MTU, and resumption by session ID
 * (issue 55: pion sends no session ticket, so before `listen` kept
 * sessions by ID a pion client never resumed with it).
 */
import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import type { ConnectOptions, ListenOptions } from '../../runtime/api/options.js';
import { iotMaterial } from './iot-peers.js';
import { pionClient, pionHandshakes, pionPeer, pionServer } from './pion.js';
import { openServerSul } from '../../learn/index.js';
import { debianVersion, recordInterop } from '../support/interop-record.js';
import { longRsaChain, pemOf } from './wolfssl.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const files = iotMaterial();
test.after.always(() => files.remove());
const LABEL = 'EXTRACTOR-dtls_srtp';
const PION = { peer: 'pion/dtls', version: debianVersion('golang-github-pion-dtls.v2-dev'), dtls: '1.2' } as const;

/** What one of our server sessions said once opened (`reused` and `authorized` read false once a session has ended). */
interface Opened {
  readonly session: DtlsSession;
  readonly reused: boolean;
  readonly authorized: boolean;
  readonly peerCertificate: boolean;
}

/** Our listener on 127.0.0.1 echoing every message; its sessions as they open. */
async function ourServer(
  options: Partial<ListenOptions> = {},
): Promise<{ port: number; sessions: Promise<Opened>[]; close(): Promise<void> }> {
  const sessions: Promise<Opened>[] = [];
  const listener = listen(
    (s) => {
      sessions.push(
        s.opened.then(() => ({
          session: s,
          reused: s.reused,
          authorized: s.authorized,
          peerCertificate: s.peerCertificate !== undefined,
        })),
      );
      s.onmessage = (m) => s.send(m);
    },
    { cert: files.server.cert, key: files.server.key, host: '127.0.0.1', ...options },
  );
  const { port } = await listener.listening;
  return { port, sessions, close: () => listener.close() };
}

/** Our client to a pion server on `port`: opened, one message sent, its echo. */
async function ourClient(port: number, options: ConnectOptions = {}): Promise<{ session: DtlsSession; echo: string }> {
  const session = connect('127.0.0.1', port, { ca: files.server.ca, servername: 'localhost', ...options });
  await session.opened;
  const echo = new Promise<string>((resolve) => (session.onmessage = (m) => resolve(m.toString())));
  session.send('hello from dtls13');
  return { session, echo: await echo };
}

test.serial('pion client → dtls13 listen: handshake, data, ALPN, DTLS-SRTP, exporter equal on both ends', async (t) => {
  const server = await ourServer({
    alpn: ['webrtc', 'c-webrtc'],
    srtp: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_SHA1_80'],
  });
  const client = pionClient(server.port, [
    '-ca',
    files.server.caFile,
    '-servername',
    'localhost',
    '-alpn',
    'webrtc',
    '-srtp',
    '-exporter',
    LABEL,
  ]);
  try {
    t.is(await client.exited(), 0, client.out);
    t.regex(client.out, /^reply 1 hello from pion$/m);
    const [pion] = pionHandshakes(client.out);
    const ours = (await server.sessions[0]!).session;
    t.is(ours.protocol, 'DTLSv1.2');
    // pion 2.2.6 loses the protocol it negotiated in ConnectionState() (State.clone drops NegotiatedProtocol): our side says.
    t.is(ours.alpnProtocol, 'webrtc');
    t.is(pion?.srtp, '0x0007', 'SRTP_AEAD_AES_128_GCM (RFC 7714)');
    t.is(ours.srtpProfile, 'SRTP_AEAD_AES_128_GCM');
    t.is(pion?.exporter, ours.exportKeyingMaterial(32, LABEL).toString('hex'), 'the same exporter output on both ends');
    recordInterop(t, {
      ...PION,
      role: 'server',
      feature: 'handshake and data, ALPN, DTLS-SRTP SRTP_AEAD_AES_128_GCM, exporter equal',
    });
  } finally {
    client.stop();
    await server.close();
  }
});

test.serial(
  'dtls13 connect → pion server: handshake, data, ALPN, exporter equal on both ends, a 300-byte MTU',
  async (t) => {
    const { peer, port } = await pionServer([
      '-cert',
      files.server.certFile,
      '-key',
      files.server.keyFile,
      '-alpn',
      'coap',
      '-exporter',
      LABEL,
      '-mtu',
      '300',
    ]);
    try {
      const { session, echo } = await ourClient(port, { alpn: ['coap'], mtu: 300 });
      t.is(session.protocol, 'DTLSv1.2');
      t.is(echo, 'hello from dtls13');
      t.is(session.alpnProtocol, 'coap');
      await peer.waitFor(/^received 1 /m);
      t.is(pionHandshakes(peer.out)[0]?.exporter, session.exportKeyingMaterial(32, LABEL).toString('hex'));
      t.regex(peer.out, /^received 1 hello from dtls13$/m);
      await session.close();
      recordInterop(t, {
        ...PION,
        role: 'client',
        feature: 'handshake and data, ALPN, exporter equal, a 300-byte MTU',
      });
    } finally {
      peer.stop();
    }
  },
);

test.serial('client authentication: a pion client proves its certificate to dtls13 listen (required)', async (t) => {
  const server = await ourServer({ ca: files.client.ca, requestCert: true, rejectUnauthorized: true });
  const client = pionClient(server.port, [
    '-ca',
    files.server.caFile,
    '-servername',
    'localhost',
    '-cert',
    files.client.certFile,
    '-key',
    files.client.keyFile,
  ]);
  try {
    t.is(await client.exited(), 0, client.out);
    const ours = await server.sessions[0]!;
    t.true(ours.authorized);
    t.true(ours.peerCertificate);
    recordInterop(t, { ...PION, role: 'server', feature: 'client authentication' });
  } finally {
    client.stop();
    await server.close();
  }
});

test.serial(
  'client authentication: dtls13 connect proves its certificate to a pion server that requires one; without one it is refused',
  async (t) => {
    const args = [
      '-cert',
      files.server.certFile,
      '-key',
      files.server.keyFile,
      '-ca',
      files.client.caFile,
      '-client-auth',
      'require',
    ];
    const { peer, port } = await pionServer([...args, '-connections', '2']);
    try {
      const { session, echo } = await ourClient(port, { cert: files.client.cert, key: files.client.key });
      t.is(echo, 'hello from dtls13');
      await peer.waitFor(/^received 1 /m);
      t.is(pionHandshakes(peer.out)[0]?.peerCerts, 1, 'pion saw our certificate');
      await session.close();
      const refused = connect('127.0.0.1', port, {
        ca: files.server.ca,
        servername: 'localhost',
        handshakeTimeout: 5000,
      });
      await t.throwsAsync(refused.opened, undefined, 'no certificate: pion refuses the handshake');
      recordInterop(t, { ...PION, role: 'client', feature: 'client authentication' });
    } finally {
      peer.stop();
    }
  },
);

test.serial(
  'pion resumes by session ID with dtls13 listen: abbreviated (no Certificate), the same ID, reused on our side',
  async (t) => {
    const server = await ourServer();
    const client = pionClient(server.port, [
      '-ca',
      files.server.caFile,
      '-servername',
      'localhost',
      '-sessions',
      '-connections',
      '2',
    ]);
    try {
      t.is(await client.exited(), 0, client.out);
      const [first, second] = pionHandshakes(client.out);
      t.regex(first?.sessionId ?? '', /^[0-9a-f]{64}$/, 'the listener issued a 32-byte session ID');
      t.is(first?.peerCerts, 1, 'the first handshake is full');
      t.is(second?.sessionId, first?.sessionId, 'the second offered and got the same ID');
      t.is(second?.peerCerts, 0, 'abbreviated: no Certificate');
      t.false((await server.sessions[0]!).reused);
      t.true((await server.sessions[1]!).reused, 'our listener resumed it');
      t.regex(client.out, /^reply 2 hello from pion$/m);
      recordInterop(t, { ...PION, role: 'server', feature: 'resumption by session ID' });
    } finally {
      client.stop();
      await server.close();
    }
  },
);

test.serial('dtls13 connect resumes by session ID with a pion server (its SessionStore)', async (t) => {
  const { peer, port } = await pionServer([
    '-cert',
    files.server.certFile,
    '-key',
    files.server.keyFile,
    '-sessions',
    '-connections',
    '2',
  ]);
  try {
    const first = await ourClient(port, { maxVersion: 'DTLSv1.2' });
    const session = await first.session.ticket;
    await first.session.close();
    t.truthy(session, 'our client kept the session pion gave an ID');
    const second = await ourClient(port, { maxVersion: 'DTLSv1.2', session: session! });
    t.true(second.session.reused, 'pion resumed it');
    t.is(second.echo, 'hello from dtls13');
    await peer.waitFor(/^received 2 /m);
    t.is(pionHandshakes(peer.out)[1]?.sessionId, pionHandshakes(peer.out)[0]?.sessionId);
    recordInterop(t, { ...PION, role: 'client', feature: 'resumption by session ID' });
    await second.session.close();
  } finally {
    peer.stop();
  }
});

/**
 * pion 2.2.6 with a SessionStore takes a ServerHello's session_id into its state when it reads the ServerHello, and
 * reads the ServerHello again on each datagram of the flight that follows: a session_id it has just taken then looks
 * like the one it offered, an abbreviated handshake (flight3handler.go). So it connects and resumes only when the
 * ServerHello reaches it with the rest of the flight, which these flights (more than one datagram) check.
 */
const rsa = (() => {
  const pem = pemOf(longRsaChain('rsa.test'));
  const caFile = join(files.dir, 'rsa-chain-ca.pem');
  writeFileSync(caFile, pem.ca);
  return { ...pem, caFile };
})();

for (const [what, options, ca, servername] of [
  ['a six-certificate RSA chain', { cert: rsa.cert, key: rsa.key }, rsa.caFile, 'rsa.test'],
  ['a 300-byte MTU', { mtu: 300 }, files.server.caFile, 'localhost'],
  // Without cookies a flight over three times pion's ClientHello still goes after the exchange (cookieless-hello.ts).
  ['cookies: false, a flight in one datagram', { cookies: false }, files.server.caFile, 'localhost'],
  ['cookies: false, a 300-byte MTU', { cookies: false, mtu: 300 }, files.server.caFile, 'localhost'],
] as const) {
  test.serial(`pion (SessionStore) connects and resumes by session ID with listen, ${what}`, async (t) => {
    const server = await ourServer(options);
    const client = pionClient(server.port, ['-ca', ca, '-servername', servername, '-sessions', '-connections', '2']);
    try {
      t.is(await client.exited(), 0, client.out);
      const [first, second] = pionHandshakes(client.out);
      t.regex(first?.sessionId ?? '', /^[0-9a-f]{64}$/, 'the listener issued a 32-byte session ID');
      t.is(first?.resumed, 'no', 'the first handshake is full');
      t.true((first?.peerCerts ?? 0) > 0, 'with the certificate chain');
      t.is(second?.resumed, 'yes', 'pion offered the ID and took the abbreviated handshake');
      t.is(second?.sessionId, first?.sessionId);
      t.is(second?.peerCerts, 0, 'no Certificate');
      t.false((await server.sessions[0]!).reused);
      t.true((await server.sessions[1]!).reused, 'our listener resumed it');
      t.regex(client.out, /^reply 2 hello from pion$/m);
      recordInterop(t, { ...PION, role: 'server', feature: `resumption by session ID, ${what}` });
    } finally {
      client.stop();
      await server.close();
    }
  });
}

test.serial(
  'pion -flight-interval 60s (as dtls13 learn starts it): no flight repeated on a timer inside a query; 1 s repeats one',
  async (t) => {
    // After the handshake, pion answers a handshake message with its last flight only when its retransmission timer
    // fires: with the default 1 s, inside a query of a few steps, so the answer depends on when the message came.
    const handshake = ['ClientHello', 'ClientHelloWithCookie', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished'];
    const after = ['ClientKeyExchange', 'ClientKeyExchange', 'ClientKeyExchange', 'ClientKeyExchange'];
    const walks = async (flags: string): Promise<string[][]> => {
      const serverCommand = `exec ${pionPeer()} -role server -port {port} -cert ${files.server.certFile} -key ${files.server.keyFile}${flags}`;
      const sul = await openServerSul({
        host: '127.0.0.1',
        port: 0,
        version: '1.2',
        parallel: 3,
        waitMs: 500,
        serverCommand,
      });
      try {
        return await Promise.all(
          [0, 1, 2].map(async () => {
            const session = await sul.open();
            const answers: string[] = [];
            for (const input of [...handshake, ...after]) answers.push(await session.step(input));
            await session.close();
            return answers;
          }),
        );
      } finally {
        await sul.close();
      }
    };
    const repeated = (answers: readonly string[]): boolean =>
      answers.slice(handshake.length).some((a) => a.includes('ChangeCipherSpec'));
    const long = await walks(' -flight-interval 60s');
    for (const w of long) t.is(w[4], 'ChangeCipherSpec+Finished', `the handshake completes: ${w.join(' ')}`);
    t.deepEqual(long.filter(repeated), [], 'with a 60 s timer no flight is repeated after the handshake');
    const short = await walks('');
    t.true(
      short.filter(repeated).length >= 2,
      `with pion's 1 s timer the flight comes again: ${JSON.stringify(short)}`,
    );
  },
);
