import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import {
  ConfigError,
  connect,
  DtlsSessionError,
  listen,
  MessageTooLargeError,
  SessionStateError,
  type DtlsListener,
  type DtlsListenOptions,
  type DtlsSession,
} from '../../runtime/index.js';
import { nextMessage, pemIdentity, sleep } from './fixtures.js';

const id = pemIdentity('localhost');

/** An echo server on 127.0.0.1 and its port; every session it accepted. */
async function echoServer(
  options: Partial<DtlsListenOptions> = {},
): Promise<{ endpoint: DtlsListener; port: number; sessions: DtlsSession[] }> {
  const sessions: DtlsSession[] = [];
  const endpoint = listen(
    (s) => {
      sessions.push(s);
      s.onmessage = (data) => s.send(data);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', ...options },
  );
  const { port } = await endpoint.listening;
  return { endpoint, port, sessions };
}

/** A free UDP port on 127.0.0.1 with nothing listening on it. */
/** Sends one message and waits for its echo (what the server sent before it has then arrived too). */
async function exchange(session: DtlsSession): Promise<void> {
  const reply = nextMessage(session);
  session.send('ping');
  await reply;
}

async function closedPort(): Promise<number> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('data arrives as a Buffer; send takes strings, Buffers, TypedArray views and DataViews, and returns the bytes sent', async (t) => {
  const { endpoint, port } = await echoServer();
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await session.opened;
  t.is(session.send('héllo'), 6);
  const echoed = await nextMessage(session);
  t.true(Buffer.isBuffer(echoed));
  t.is(echoed.toString(), 'héllo');
  const words = new Uint16Array([0x0102, 0x0304, 0x0506]);
  t.is(session.send(words.subarray(1, 2)), 2); // the view's two bytes, not the whole buffer
  t.deepEqual([...(await nextMessage(session))], [...new Uint8Array(words.buffer, 2, 2)]);
  const raw = new Uint8Array([9, 8, 7, 6, 5]);
  session.send(new DataView(raw.buffer, 1, 3));
  t.deepEqual([...(await nextMessage(session))], [8, 7, 6]);
  session.send(Buffer.from('buf'));
  t.is((await nextMessage(session)).toString(), 'buf');
  t.throws(() => session.send(42 as unknown as string), {
    instanceOf: TypeError,
    message: /string, Buffer, TypedArray or DataView/,
  });
  await session.close();
  await endpoint.close();
});

test('send: the callback runs once the datagram is written, and flushed() paces a sender', async (t) => {
  const { endpoint, port, sessions } = await echoServer();
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await session.opened;
  sessions[0]!.onmessage = null; // the server counts, and does not answer
  await sleep(10);
  const written = await new Promise<Error | null>((resolve) => session.send('one', resolve));
  t.is(written, null);
  for (let i = 0; i < 200; i++) {
    session.send(`message ${i}`);
    if (i % 16 === 15) await session.flushed();
  }
  await session.flushed();
  t.is(session.stats.messagesSent, 201);
  for (let waited = 0; sessions[0]!.stats.messagesReceived < 201 && waited < 5000; waited += 20) await sleep(20);
  t.is(sessions[0]!.stats.messagesReceived, 201);
  await session.close();
  await endpoint.close();
});

test('send above one record in one datagram of mtu bytes throws MessageTooLargeError naming the limit; records never exceed the mtu', async (t) => {
  const { endpoint, port } = await echoServer({ mtu: 400 });
  const sizes: number[] = [];
  const session = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    mtu: 400,
    cipherSuites: ['tls_aes_128_gcm_sha256'],
    onDatagram: (direction, datagram) => {
      if (direction === 'sent') sizes.push(datagram.length);
    },
  });
  t.throws(() => session.send('too early'), { instanceOf: SessionStateError, message: /await session.opened/ });
  await session.opened;
  // 400 - 5 (unified header) - 1 (content type) - 16 (GCM tag)
  t.is(session.maxMessageSize, 378);
  const error = t.throws(() => session.send(Buffer.alloc(379)), { instanceOf: MessageTooLargeError });
  t.like(error, { code: 'ERR_OUT_OF_RANGE', size: 379, limit: 378 });
  t.regex(error!.message, /at most 378 bytes per send/);
  session.send(Buffer.alloc(378, 1));
  t.is((await nextMessage(session)).length, 378);
  t.true(sizes.length > 0);
  t.true(
    sizes.every((n) => n <= 400),
    `datagram sizes ${sizes.join(', ')}`,
  );
  t.true(sizes.includes(400)); // the full record fills the datagram exactly
  await session.close();
  await endpoint.close();
});

test("the limit also keeps within the server's record_size_limit (RFC 8449): above it, MessageTooLargeError, not a record layer error", async (t) => {
  const { endpoint, port } = await echoServer({ recordSizeLimit: 256 });
  // A server answers record_size_limit only to a client that sends one (RFC 8449 §4).
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', recordSizeLimit: 16385 });
  await session.opened;
  t.is(session.parameters?.recordSizeLimit, 256);
  t.is(session.maxMessageSize, 255); // the limit counts the content type byte
  t.throws(() => session.send(Buffer.alloc(256)), { instanceOf: MessageTooLargeError });
  session.send(Buffer.alloc(255, 3));
  t.is((await nextMessage(session)).length, 255);
  await session.close();
  await endpoint.close();
});

test('with connection IDs the limit leaves room for the CID our records carry, and records still fit the mtu', async (t) => {
  const { endpoint, port } = await echoServer({ mtu: 400, cid: 8 });
  const sizes: number[] = [];
  const session = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    mtu: 400,
    cid: 4,
    cipherSuites: ['tls_aes_128_gcm_sha256'],
    onDatagram: (direction, datagram) => {
      if (direction === 'sent') sizes.push(datagram.length);
    },
  });
  await session.opened;
  t.is(session.parameters && session.maxMessageSize, 378 - 8); // the server's 8-byte CID in every record to it
  t.throws(() => session.send(Buffer.alloc(371)), { instanceOf: MessageTooLargeError });
  session.send(Buffer.alloc(370, 2));
  t.is((await nextMessage(session)).length, 370);
  t.true(
    sizes.every((n) => n <= 400),
    `datagram sizes ${sizes.join(', ')}`,
  );
  t.true(sizes.includes(400));
  await session.close();
  await endpoint.close();
});

test('a DNS failure rejects opened and closed and reaches onerror, never the process', async (t) => {
  const session = connect('nosuchhost.invalid', 4433, { ca: id.ca });
  const seen: Error[] = [];
  session.onerror = (e) => seen.push(e);
  const error = await t.throwsAsync(session.opened);
  t.is((error as NodeJS.ErrnoException).syscall, 'getaddrinfo');
  t.true(typeof (error as NodeJS.ErrnoException).code === 'string');
  t.is(await t.throwsAsync(session.closed), error);
  t.deepEqual(seen, [error!]);
  t.true(session.destroyed);
  // Nobody awaits this one: no unhandled rejection may follow (ava fails the run on one).
  const unawaited = connect('nosuchhost.invalid', 4433, { ca: id.ca });
  for (let waited = 0; !unawaited.destroyed && waited < 10_000; waited += 20) await sleep(20);
  t.true(unawaited.destroyed);
  await sleep(50);
});

test('a server session that fails with nobody awaiting opened or closed raises no unhandled rejection', async (t) => {
  const accepted: DtlsSession[] = [];
  const endpoint = listen((s) => accepted.push(s), { cert: id.cert, key: id.key, host: '127.0.0.1' });
  const { port } = await endpoint.listening;
  const stranger = pemIdentity('localhost', 'another CA');
  const client = connect('127.0.0.1', port, { ca: stranger.ca, servername: 'localhost' }); // the client refuses the server: unknown_ca
  await t.throwsAsync(client.opened);
  for (let waited = 0; !accepted[0]?.destroyed && waited < 5000; waited += 20) await sleep(20);
  t.true(accepted[0]?.destroyed);
  await sleep(50); // an unhandled rejection of the server session's opened or closed would fail the run here
  await endpoint.close();
});

test('after the handshake an ICMP port unreachable is counted and ignored: it is not authenticated (RFC 9147 §4.1)', async (t) => {
  const endpoint = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1' });
  const { port } = await endpoint.listening;
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await session.opened;
  let ended: unknown;
  session.closed.then(
    () => (ended = 'closed'),
    (e: unknown) => (ended = e),
  );
  endpoint.destroy(); // no close_notify: the port is closed under the session
  await endpoint.close();
  // Each message reaches a closed port; the kernel's ICMP answer comes back to the client's connected socket.
  for (let waited = 0; session.stats.icmpUnreachable === 0 && waited < 5000; waited += 50) {
    session.send('anyone there?');
    await sleep(50);
  }
  t.true(session.stats.icmpUnreachable > 0, 'the ICMP port unreachable reached the session');
  await sleep(50);
  t.is(ended, undefined, 'the session did not end');
  t.false(session.destroyed);
  await session.close();
});

test('a client whose server is gone learns it from ICMP during the handshake: ECONNREFUSED on its connected socket', async (t) => {
  const port = await closedPort();
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', handshakeTimeout: 20_000 });
  const error = (await t.throwsAsync(session.opened)) as NodeJS.ErrnoException;
  t.is(error.code, 'ECONNREFUSED');
  t.is(await t.throwsAsync(session.closed), error);
});

test('idleTimeout: a client notices a server that went silent after the handshake', async (t) => {
  const { endpoint, port } = await echoServer();
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', idleTimeout: 300 });
  await session.opened;
  endpoint.destroy(); // no close_notify: the client hears nothing more
  const error = await t.throwsAsync(session.closed, { instanceOf: DtlsSessionError });
  t.is(error?.code, 'ERR_DTLS_IDLE_TIMEOUT');
});

test('idleTimeout, read late: the error is made when asked for, with its class, code and message, the same object everywhere', async (t) => {
  const { endpoint, port } = await echoServer();
  const unread = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', idleTimeout: 300 });
  const heard: Error[] = [];
  const watched = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', idleTimeout: 300 });
  watched.onerror = (e) => void heard.push(e);
  await Promise.all([unread.opened, watched.opened]);
  endpoint.destroy(); // no close_notify: the clients hear nothing more
  for (let waited = 0; !(unread.destroyed && watched.destroyed) && waited < 10_000; waited += 50) await sleep(50);
  t.is(unread.closeReason, 'timeout');
  // Nothing asked `unread` why before it ended: its error is made now, as it would have been then.
  const late = await t.throwsAsync(unread.closed, { instanceOf: DtlsSessionError });
  t.like(late, {
    name: 'DtlsSessionError',
    code: 'ERR_DTLS_IDLE_TIMEOUT',
    message: 'idle timeout: nothing from the server for 300 ms',
  });
  t.is(await t.throwsAsync(unread.closed), late);
  t.is(heard.length, 1);
  t.like(heard[0], { code: 'ERR_DTLS_IDLE_TIMEOUT', message: 'idle timeout: nothing from the server for 300 ms' });
  t.is(await t.throwsAsync(watched.closed), heard[0]!, 'onerror and closed get the same error');
});

test('handshakeTimeout: opened rejects when the server never answers', async (t) => {
  const silent = createSocket('udp4');
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  const session = connect('127.0.0.1', silent.address().port, {
    ca: id.ca,
    servername: 'localhost',
    handshakeTimeout: 300,
  });
  const error = await t.throwsAsync(session.opened, { instanceOf: DtlsSessionError });
  t.is(error?.code, 'ERR_DTLS_HANDSHAKE_TIMEOUT');
  await t.throwsAsync(session.closed);
  silent.close();
});

test('opened and closed always settle: close before the handshake, destroy with and without an error, a failed handshake', async (t) => {
  const { endpoint, port, sessions } = await echoServer();
  const early = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await early.close();
  t.like(await t.throwsAsync(early.opened, { instanceOf: SessionStateError }), { code: 'ERR_INVALID_STATE' });
  await t.notThrowsAsync(early.closed);

  const destroyed = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await destroyed.opened;
  const reason = new Error('application gave up');
  destroyed.destroy(reason);
  t.is(await t.throwsAsync(destroyed.closed), reason);
  t.true(destroyed.destroyed);

  const quiet = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await quiet.opened;
  quiet.destroy();
  await t.notThrowsAsync(quiet.closed);

  const stranger = pemIdentity('localhost', 'another CA');
  const refused = connect('127.0.0.1', port, { ca: stranger.ca, servername: 'localhost' });
  const failure = await t.throwsAsync(refused.opened, { instanceOf: DtlsSessionError });
  t.like(failure, { code: 'ERR_DTLS_ALERT', alert: 'unknown_ca' });

  // The server's side of a graceful close resolves.
  const graceful = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await graceful.opened;
  const count = sessions.length;
  await graceful.close();
  await t.notThrowsAsync(sessions[count - 1]!.closed);
  await endpoint.close();
});

test('Symbol.asyncDispose closes sessions and endpoints (await using)', async (t) => {
  let serverSide: DtlsSession | undefined;
  let client: DtlsSession | undefined;
  {
    await using endpoint = listen((s) => (serverSide = s), { cert: id.cert, key: id.key, host: '127.0.0.1' });
    const { port } = await endpoint.listening;
    {
      await using session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
      client = session;
      await session.opened;
    }
    t.true(client.destroyed);
    await t.notThrowsAsync(serverSide!.closed); // the client's close_notify
    t.false(endpoint.destroyed);
  }
  t.pass();
});

test('the session getters: servername, authorized, peerCertificate, cipher, remoteAddress, live stats, exportKeyingMaterial', async (t) => {
  const { endpoint, port, sessions } = await echoServer({ alpn: ['coap'] });
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', alpn: ['coap'] });
  t.false(session.authorized);
  t.throws(() => session.exportKeyingMaterial(16, 'EXPERIMENTAL x'), { instanceOf: SessionStateError });
  await session.opened;
  const server = sessions[0]!;
  await server.opened;
  t.is(session.servername, 'localhost');
  t.is(server.servername, 'localhost');
  t.is(session.alpnProtocol, 'coap');
  t.true(session.authorized);
  t.is(session.authorizationError, undefined);
  t.false(server.authorized); // no client certificate was asked for
  t.is(server.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT');
  t.regex(session.peerCertificate ?? '', /^-----BEGIN CERTIFICATE-----/);
  t.regex(session.peerX509Certificate?.subjectAltName ?? '', /localhost/);
  t.is(server.peerCertificate, undefined);
  t.is(session.protocol, 'DTLSv1.3');
  t.is(session.cipher?.standardName, 'TLS_AES_128_GCM_SHA256');
  t.deepEqual(session.remoteAddress, { address: '127.0.0.1', family: 'IPv4', port });
  t.is(server.remotePort, session.stats.isConnected ? server.remoteAddress?.port : -1);
  const stats = session.stats;
  const before = stats.messagesReceived;
  session.send('count me');
  await nextMessage(session);
  t.is(session.stats, stats); // live: the same object, updated
  t.is(stats.messagesReceived, before + 1);
  t.true(stats.datagramsSent > 0 && stats.handshakeCompletedAt !== undefined);
  t.deepEqual(
    session.exportKeyingMaterial(32, 'EXPERIMENTAL x', Buffer.from('c')),
    server.exportKeyingMaterial(32, 'EXPERIMENTAL x', Buffer.from('c')),
  );
  t.true(Buffer.isBuffer(session.exportKeyingMaterial(60, 'EXTRACTOR-dtls_srtp')));
  await session.close();
  t.false(stats.isConnected);
  await endpoint.close();
});

test('rejectUnauthorized: false completes the handshake and reports what failed', async (t) => {
  const { endpoint, port } = await echoServer();
  const stranger = pemIdentity('localhost', 'another CA');
  const wrongCa = connect('127.0.0.1', port, { ca: stranger.ca, servername: 'localhost', rejectUnauthorized: false });
  await wrongCa.opened;
  t.false(wrongCa.authorized);
  t.is(wrongCa.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  const wrongName = connect('127.0.0.1', port, { ca: id.ca, servername: 'other.test', rejectUnauthorized: false });
  await wrongName.opened;
  t.is(wrongName.authorizationError, 'HOSTNAME_MISMATCH');
  const good = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', rejectUnauthorized: false });
  await good.opened;
  t.true(good.authorized);
  // The server sends each a ticket; only the authorized session keeps it (resuming the others would skip the failed check).
  let tickets = 0;
  wrongCa.onticket = () => tickets++;
  for (let waited = 0; good.session === undefined && waited < 5000; waited += 10) await sleep(10);
  t.truthy(good.session);
  await Promise.all([exchange(wrongCa), exchange(wrongName)]);
  t.is(wrongCa.session, undefined);
  t.is(wrongName.session, undefined);
  t.is(tickets, 0);
  await Promise.all([wrongCa.close(), wrongName.close(), good.close()]);
  await endpoint.close();
});

test('messages that come before onmessage is set wait for it', async (t) => {
  const endpoint = listen(
    (s) =>
      void s.opened.then(() => {
        s.send('first');
        s.send('second');
      }),
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  const { port } = await endpoint.listening;
  const session = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await session.opened;
  await sleep(200);
  const got: string[] = [];
  await new Promise<void>((resolve) => {
    session.onmessage = (d) => {
      got.push(d.toString());
      if (got.length === 2) resolve();
    };
  });
  t.deepEqual(got, ['first', 'second']);
  await session.close();
  await endpoint.close();
});

test('the endpoint: address, live stats, maxSessions refusing in silence, a port in use, bad options', async (t) => {
  const { endpoint, port } = await echoServer({ maxSessions: 1 });
  t.deepEqual(endpoint.address, { address: '127.0.0.1', family: 'IPv4', port });
  const stats = endpoint.stats;
  const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await first.opened;
  t.is(stats.sessions, 1);
  const second = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', handshakeTimeout: 1500 });
  t.like(await t.throwsAsync(second.opened), { code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
  t.is(endpoint.stats, stats);
  t.true(stats.serverRefusedCount >= 1);
  t.is(stats.serverSessions, 1);
  t.true(stats.packetsReceived > 0 && stats.bytesReceived > 0);

  const clash = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1', port });
  t.like(await t.throwsAsync(clash.listening), { code: 'EADDRINUSE' });
  await t.throwsAsync(clash.closed);

  t.throws(() => listen(() => {}, { cert: id.cert, key: id.key, mtu: 100 }), {
    instanceOf: ConfigError,
    message: /option mtu/,
  });
  t.throws(() => listen(() => {}, { cert: id.cert }), { instanceOf: ConfigError, message: /option key/ });
  t.throws(() => connect('127.0.0.1', 0), { instanceOf: ConfigError, message: /option port/ });
  t.throws(() => connect('127.0.0.1', 4433, { idleTimeout: -1 }), {
    instanceOf: ConfigError,
    message: /option idleTimeout/,
  });
  await first.close();
  await endpoint.close();
  t.false(stats.isConnected);
});

test("reusePort needs node:dgram's reusePort: refused by name on a Node without it", (t) => {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const supported = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
  if (supported) {
    const a = listen(() => {}, { cert: id.cert, key: id.key, host: '127.0.0.1', reusePort: true });
    t.truthy(a);
    void a.close();
  } else {
    t.throws(() => listen(() => {}, { cert: id.cert, key: id.key, reusePort: true }), {
      instanceOf: ConfigError,
      message: /option reusePort: .*Node 22.12/,
    });
  }
});

test('0-RTT: onmessage marks early data; resumption through session.session', async (t) => {
  const got: { text: string; early: boolean }[] = [];
  const endpoint = listen((s) => (s.onmessage = (data, early) => got.push({ text: data.toString(), early })), {
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
    maxEarlyData: 1024,
  });
  const { port } = await endpoint.listening;
  const first = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  await first.opened;
  for (let waited = 0; first.session === undefined && waited < 5000; waited += 20) await sleep(20);
  await first.close();
  const second = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    session: first.session!,
    earlyData: Buffer.from('early hello'),
  });
  await second.opened;
  t.is(second.parameters?.earlyData, 'accepted');
  second.send('after the handshake');
  for (let waited = 0; got.length < 2 && waited < 5000; waited += 20) await sleep(20);
  t.deepEqual(got, [
    { text: 'early hello', early: true },
    { text: 'after the handshake', early: false },
  ]);
  await second.close();
  await endpoint.close();
});

test('post-handshake authentication: requestClientCertificate and onclientcertificate', async (t) => {
  const clientId = pemIdentity('device.test', 'device CA');
  const answers: (string | undefined)[] = [];
  let serverSide: DtlsSession | undefined;
  const endpoint = listen(
    (s) => {
      serverSide = s;
      s.onclientcertificate = (pem) => answers.push(pem);
    },
    { cert: id.cert, key: id.key, ca: clientId.ca, host: '127.0.0.1' },
  );
  const { port } = await endpoint.listening;
  const client = connect('127.0.0.1', port, {
    ca: id.ca,
    servername: 'localhost',
    cert: clientId.cert,
    key: clientId.key,
    postHandshakeAuth: true,
  });
  await client.opened;
  await serverSide!.opened;
  t.false(serverSide!.authorized);
  serverSide!.requestClientCertificate();
  for (let waited = 0; answers.length === 0 && waited < 5000; waited += 20) await sleep(20);
  t.is(answers.length, 1);
  t.is(answers[0], serverSide!.peerCertificate);
  t.regex(serverSide!.peerX509Certificate?.subjectAltName ?? '', /device\.test/);
  t.true(serverSide!.authorized);
  await client.close();
  await t.notThrowsAsync(serverSide!.closed);
  t.is(serverSide!.closeReason, 'close_notify');
  t.is(client.closeReason, 'local');
  await endpoint.close();
});

test("once close() resolves, a client's local port binds again at once (the session's own socket is closed)", async (t) => {
  const { endpoint, port } = await echoServer();
  const localPort = await closedPort();
  for (let round = 0; round < 3; round++) {
    const session = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      bindHost: '127.0.0.1',
      bindPort: localPort,
    });
    await session.opened;
    await exchange(session); // a send under way as it closes: close_notify goes out after it
    await session.close();
    // No SO_REUSEADDR: a bind succeeds only if the session's socket is gone.
    const probe = createSocket('udp4');
    const bound = await new Promise<string>((resolve) => {
      probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      probe.bind(localPort, '127.0.0.1', () => resolve('bound'));
    });
    await new Promise<void>((r) => probe.close(() => r()));
    t.is(bound, 'bound', `round ${round}`);
  }
  await endpoint.close();
});
