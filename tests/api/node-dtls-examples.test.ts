/**
 * The examples of node:dtls's documentation (doc/api/dtls.md in the Node.js
 * repository), ported to dtls13 and run over real UDP on 127.0.0.1. Where
 * dtls13 differs, the comment says how: ports are chosen by the system
 * (port 0, read from `endpoint.listening`), `ticketKeys` are 32 bytes per
 * key, and certificates are throwaway ones made here.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { connect, createSecureContext, DtlsSessionError, listen, type DtlsSession } from '../../runtime/index.js';
import { nextMessage, pemIdentity, sleep } from './fixtures.js';

const server = pemIdentity('localhost');

/*
 * All of node:dtls's documented examples are here: listen/connect (echo), Server Name Indication (a map with '*', and a
 * function), pre-shared keys, session resumption with ticketKeys, DTLS-SRTP with exported keys, createSecureContext shared.
 */

test('listen / connect: the echo example, with onhandshake, onmessage and opened', async (t) => {
  const log: string[] = [];
  const endpoint = listen(
    (session) => {
      session.onmessage = (data) => {
        log.push(`server received: ${data.toString()}`);
        session.send('pong');
      };
      session.onhandshake = (protocol) => log.push(`handshake complete: ${protocol}`);
    },
    { cert: Buffer.from(server.cert), key: Buffer.from(server.key), host: '127.0.0.1', port: 0 },
  );
  const { port } = await endpoint.listening;

  const session = connect('127.0.0.1', port, { ca: [Buffer.from(server.ca)], servername: 'localhost' });
  await session.opened;
  const reply = nextMessage(session);
  session.send('hello');
  t.is((await reply).toString(), 'pong');
  t.deepEqual(log, ['handshake complete: DTLSv1.3', 'server received: hello']);
  await session.close();
  await endpoint.close();
});

/** The name in the certificate a session to `servername` was served with. */
async function servedName(port: number, servername: string, ca: string): Promise<string | undefined> {
  const session = connect('127.0.0.1', port, { ca, servername });
  await session.opened;
  const san = session.peerX509Certificate?.subjectAltName;
  await session.close();
  return san;
}

test("Server Name Indication: an sni map of options and contexts, with a '*' fallback", async (t) => {
  const api = pemIdentity('api.example.com');
  const www = pemIdentity('www.example.com');
  const fallback = pemIdentity('default.example.com');
  const endpoint = listen(() => {}, {
    cert: fallback.cert,
    key: fallback.key,
    host: '127.0.0.1',
    sni: {
      'api.example.com': { cert: api.cert, key: api.key },
      'www.example.com': createSecureContext({ cert: www.cert, key: www.key }),
      '*': { cert: fallback.cert, key: fallback.key },
    },
  });
  const { port } = await endpoint.listening;
  t.is(await servedName(port, 'api.example.com', api.ca), 'DNS:api.example.com');
  t.is(await servedName(port, 'www.example.com', www.ca), 'DNS:www.example.com');
  // A name the map does not hold gets the '*' identity (which the client must then accept: here it is checked with rejectUnauthorized: false).
  const other = connect('127.0.0.1', port, {
    ca: fallback.ca,
    servername: 'other.example.com',
    rejectUnauthorized: false,
  });
  await other.opened;
  t.is(other.peerX509Certificate?.subjectAltName, 'DNS:default.example.com');
  t.is(other.authorizationError, 'HOSTNAME_MISMATCH');
  await other.close();
  await endpoint.close();
});

test("Server Name Indication: without '*', an unmatched name is refused with unrecognized_name; the function form", async (t) => {
  const api = pemIdentity('api.example.com');
  const strict = listen(() => {}, { host: '127.0.0.1', sni: { 'api.example.com': { cert: api.cert, key: api.key } } });
  const { port } = await strict.listening;
  const refused = connect('127.0.0.1', port, { ca: api.ca, servername: 'nobody.example.com' });
  const error = await t.throwsAsync(refused.opened, { instanceOf: DtlsSessionError });
  t.is(error?.alert, 'unrecognized_name');
  t.is(await servedName(port, 'api.example.com', api.ca), 'DNS:api.example.com');
  await strict.close();

  const contexts = new Map([['api.example.com', createSecureContext({ cert: api.cert, key: api.key })]]);
  const chosen = listen(() => {}, { host: '127.0.0.1', sni: (servername) => contexts.get(servername) });
  const { port: port2 } = await chosen.listening;
  t.is(await servedName(port2, 'api.example.com', api.ca), 'DNS:api.example.com');
  const declined = connect('127.0.0.1', port2, { ca: api.ca, servername: 'www.example.com' });
  t.like(await t.throwsAsync(declined.opened), { alert: 'unrecognized_name' });
  await chosen.close();
});

test('Pre-shared keys: no certificate on either side', async (t) => {
  const deviceKey = randomBytes(32);
  const endpoint = listen((s) => (s.onmessage = (d) => s.send(d)), {
    host: '127.0.0.1',
    psk: { 'device-42': deviceKey },
  });
  const { port } = await endpoint.listening;
  const client = connect('127.0.0.1', port, { psk: { identity: 'device-42', key: deviceKey } });
  await client.opened;
  t.is(client.parameters?.pskMode, 'psk_dhe_ke');
  t.is(client.peerCertificate, undefined);
  client.send('reading: 21.5');
  t.is((await nextMessage(client)).toString(), 'reading: 21.5');
  await client.close();

  // An identity the server does not know is refused outright.
  const stranger = connect('127.0.0.1', port, { psk: { identity: 'device-43', key: deviceKey } });
  t.like(await t.throwsAsync(stranger.opened), { code: 'ERR_DTLS_ALERT' });
  await endpoint.close();
});

/** Waits for a client session's ticket (it follows the handshake). */
async function ticketOf(session: DtlsSession): Promise<Buffer | undefined> {
  for (let waited = 0; session.session === undefined && waited < 5000; waited += 20) await sleep(20);
  return session.session;
}

test('Session resumption: session.session resumes at another endpoint sharing ticketKeys', async (t) => {
  const ticketKeys = randomBytes(64); // two 32-byte keys (node:dtls's OpenSSL layout is 80 bytes); share this between processes
  const a = listen(() => {}, { cert: server.cert, key: server.key, host: '127.0.0.1', ticketKeys });
  const b = listen(() => {}, { cert: server.cert, key: server.key, host: '127.0.0.1', ticketKeys });
  const [{ port: portA }, { port: portB }] = await Promise.all([a.listening, b.listening]);

  const first = connect('127.0.0.1', portA, { ca: server.ca, servername: 'localhost' });
  await first.opened;
  t.false(first.reused);
  const ticket = await ticketOf(first);
  t.true(Buffer.isBuffer(ticket));
  await first.close();

  const second = connect('127.0.0.1', portB, { ca: server.ca, servername: 'localhost', session: ticket! });
  await second.opened;
  t.true(second.reused);
  t.true(second.authorized); // inherited from the handshake that issued the ticket
  await second.close();

  // A session is bound to the name it authenticated: using it for another throws.
  t.throws(() => connect('127.0.0.1', portB, { ca: server.ca, servername: 'elsewhere.test', session: ticket! }), {
    message: /option session/,
  });
  await Promise.all([a.close(), b.close()]);
});

test('DTLS-SRTP: the profile negotiated and the keying material exported on both ends', async (t) => {
  const onServer: { profile: string | undefined; keys: Buffer }[] = [];
  const endpoint = listen(
    (session) => {
      session.onhandshake = () => {
        onServer.push({ profile: session.srtpProfile, keys: session.exportKeyingMaterial(60, 'EXTRACTOR-dtls_srtp') });
      };
    },
    { cert: server.cert, key: server.key, host: '127.0.0.1', srtp: 'SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM' },
  );
  const { port } = await endpoint.listening;
  // node:dtls's example turns verification off (rejectUnauthorized: false); here the client checks the server's certificate.
  const session = connect('127.0.0.1', port, {
    ca: server.ca,
    servername: 'localhost',
    srtp: 'SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80',
  });
  await session.opened;
  const keys = session.exportKeyingMaterial(60, 'EXTRACTOR-dtls_srtp');
  for (let waited = 0; onServer.length === 0 && waited < 5000; waited += 20) await sleep(20);
  t.is(session.srtpProfile, 'SRTP_AES128_CM_SHA1_80'); // the server's first preference the client offered
  t.is(onServer[0]?.profile, 'SRTP_AES128_CM_SHA1_80');
  t.is(keys.length, 60);
  t.deepEqual(onServer[0]?.keys, keys);
  await session.close();

  // Without srtp on the client, none is negotiated and the handshake goes on.
  const plain = connect('127.0.0.1', port, { ca: server.ca, servername: 'localhost' });
  await plain.opened;
  t.is(plain.srtpProfile, undefined);
  await plain.close();
  await endpoint.close();
});

test('createSecureContext: one server context for several endpoints, one client context for many connections', async (t) => {
  const serverContext = createSecureContext({ cert: server.cert, key: server.key });
  const a = listen((s) => (s.onmessage = (d) => s.send(d)), { secureContext: serverContext, host: '127.0.0.1' });
  const b = listen((s) => (s.onmessage = (d) => s.send(d)), { secureContext: serverContext, host: '127.0.0.1' });
  const ports = [(await a.listening).port, (await b.listening).port];

  const clientContext = createSecureContext({ ca: server.ca });
  const sessions = Array.from({ length: 12 }, (_, i) =>
    connect('127.0.0.1', ports[i % 2]!, { secureContext: clientContext, servername: 'localhost' }),
  );
  await Promise.all(sessions.map((s) => s.opened));
  const replies = await Promise.all(
    sessions.map((s, i) => {
      const reply = nextMessage(s);
      s.send(`client ${i}`);
      return reply;
    }),
  );
  t.deepEqual(
    replies.map((r) => r.toString()),
    sessions.map((_, i) => `client ${i}`),
  );
  // The identity checked is the connection's own, not the context's: a wrong name is still refused.
  const wrong = connect('127.0.0.1', ports[0]!, { secureContext: clientContext, servername: 'not-localhost.test' });
  t.like(await t.throwsAsync(wrong.opened), { code: 'ERR_DTLS_ALERT' });
  await Promise.all(sessions.map((s) => s.close()));
  await Promise.all([a.close(), b.close()]);
});
