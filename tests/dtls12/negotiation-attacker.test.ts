import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { COOKIE_PERIOD_12_MS, HelloVerifyResponder12 } from '../../runtime/dtls12/hello-verify-responder.js';
import type { FirstClientHello12 } from '../../runtime/dtls12/hello-verify.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { connect } from '../../runtime/api/connect.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { credentials, echoServer } from './negotiation-support.js';

/** DTLS 1.2 only, through the one DtlsConnection. */
const ONLY_12 = { minVersion: 'DTLSv1.2', maxVersion: 'DTLSv1.2' } as const;

/**
 * The listener's DTLS 1.2 path against a hostile network (issue 28): a
 * ClientHello without a cookie is answered statelessly (a
 * HelloVerifyRequest, nothing kept), garbage first datagrams start
 * nothing and are not answered, and the admission limits and handshake
 * deadline hold 1.2 handshakes as they hold 1.3 ones.
 */

const id = makeIdentity('p256', 'localhost');
const { ca } = credentials(id);

/** A real DTLS 1.2 ClientHello datagram (no cookie). */
function clientHello12(): { connection: DtlsConnection; datagram: Uint8Array } {
  const connection = DtlsConnection.client({ ...ONLY_12, trustAnchors: [id.caDer], serverName: 'localhost' });
  connection.connect(performance.now());
  return { connection, datagram: connection.pollTransmit()! };
}

async function socket(): Promise<{ sock: Socket; replies: Uint8Array[]; next(): Promise<Uint8Array> }> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const replies: Uint8Array[] = [];
  let waiting: ((d: Uint8Array) => void) | undefined;
  sock.on('message', (m) => {
    const d = new Uint8Array(m);
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(d);
    } else replies.push(d);
  });
  return {
    sock,
    replies,
    next: () => {
      const ready = replies.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => (waiting = resolve));
    },
  };
}

/** Record type 22, handshake type 3: a HelloVerifyRequest. */
const isHelloVerifyRequest = (d: Uint8Array): boolean => d[0] === 22 && d[13] === 3;

test('1.2 ClientHellos without a cookie from 40 ports: each gets a HelloVerifyRequest and the listener keeps no session', async (t) => {
  const server = await echoServer(id);
  const sockets = await Promise.all(Array.from({ length: 40 }, () => socket()));
  try {
    for (const s of sockets) s.sock.send(clientHello12().datagram, server.port, '127.0.0.1');
    const answers = await Promise.all(sockets.map((s) => s.next()));
    t.true(answers.every(isHelloVerifyRequest));
    t.is(server.listener.stats.sessions, 0);
    t.is(server.listener.stats.handshaking, 0);
    t.is(server.listener.stats.serverSessions, 0);
    t.is(server.sessions.length, 0);
  } finally {
    for (const s of sockets) s.sock.close();
    await server.listener.close();
  }
});

test('garbage first datagrams start nothing and get no answer; a ClientHello with a forged cookie gets a new HelloVerifyRequest; the listener then serves a real client', async (t) => {
  const server = await echoServer(id);
  const s = await socket();
  try {
    const { datagram } = clientHello12();
    const garbage: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(22),
      Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff),
      ...[14, 25, 26, 60, datagram.length - 1].map((n) => datagram.subarray(0, n)),
    ];
    // A record length past the datagram, a handshake length past the record, a ClientHello body cut inside.
    const longRecord = datagram.slice();
    longRecord[11] = 0xff;
    const longMessage = datagram.slice();
    longMessage[15] = 0xff;
    const badBody = datagram.slice();
    badBody[13 + 12 + 34] = 0xff; // session_id length 255
    garbage.push(longRecord, longMessage, badBody);
    for (const g of garbage) s.sock.send(g, server.port, '127.0.0.1');
    // UDP over loopback keeps order: an answer to any of them would come before the answer to this one.
    s.sock.send(datagram, server.port, '127.0.0.1');
    const first = await s.next();
    t.true(isHelloVerifyRequest(first), 'the first answer is the real ClientHello’s');
    // The cookie is the last 32 bytes of the HelloVerifyRequest; a different one of the same length is a forgery.
    const forged = clientHello12();
    forged.connection.receive(first, performance.now()); // answers with the cookie it was given
    const withCookie = forged.connection.pollTransmit()!;
    const tampered = withCookie.slice();
    // legacy_cookie follows legacy_session_id (empty) after version (2) and random (32): its length byte, then the cookie.
    tampered[13 + 12 + 2 + 32 + 1 + 1] = (tampered[13 + 12 + 2 + 32 + 1 + 1]! + 1) & 0xff;
    s.sock.send(tampered, server.port, '127.0.0.1');
    t.true(isHelloVerifyRequest(await s.next()), 'a cookie that does not verify is answered as none');
    t.is(server.listener.stats.sessions, 0);
    t.is(server.listener.stats.serverSessions, 0);
    const session = connect('127.0.0.1', server.port, { ca, servername: 'localhost', maxVersion: 'DTLSv1.2' });
    t.deepEqual(await session.opened, { protocol: 'DTLSv1.2' });
    await session.close();
  } finally {
    s.sock.close();
    await server.listener.close();
  }
});

test('the admission limits and the handshake deadline hold 1.2 handshakes: a second from the host is refused, a stalled one is dropped', async (t) => {
  // The deadline long enough that the second ClientHello arrives while the first handshake is still open, even on a
  // loaded machine; the waits below end on what they wait for, their caps far beyond it.
  const server = await echoServer(id, { maxHandshakesPerHost: 1, handshakeTimeout: 3000 });
  const clients = await Promise.all([socket(), socket()]);
  try {
    // Both cookie exchanges first (a full host's new ClientHellos get silence, the HelloVerifyRequest included), then both
    // ClientHellos with their cookies.
    const seconds: Uint8Array[] = [];
    for (const c of clients) {
      const hello = clientHello12();
      c.sock.send(hello.datagram, server.port, '127.0.0.1');
      hello.connection.receive(await c.next(), performance.now()); // the HelloVerifyRequest; the server's next flight is never read
      seconds.push(hello.connection.pollTransmit()!);
    }
    clients.forEach((c, i) => c.sock.send(seconds[i]!, server.port, '127.0.0.1'));
    await clients[0]!.next(); // the server's flight to the first: its handshake started
    for (let i = 0; i < 1500 && server.listener.stats.refusedPerHost === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    t.is(server.listener.stats.handshaking, 1);
    t.is(server.listener.stats.refusedPerHost, 1, 'the second 1.2 handshake from the host is refused');
    for (let i = 0; i < 1500 && server.listener.stats.handshakeTimeouts === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    t.is(server.listener.stats.handshakeTimeouts, 1);
    t.is(server.listener.stats.handshaking, 0);
    t.is(server.listener.stats.sessions, 0);
  } finally {
    for (const c of clients) c.sock.close();
    await server.listener.close();
  }
});

/** The 1.2 ClientHello in `datagram` as the listener reads it once (runtime/connection/version-negotiation.ts). */
function first12(datagram: Uint8Array): FirstClientHello12 {
  const choice = chooseServerVersion(datagram, ['DTLSv1.3', 'DTLSv1.2']);
  if (choice.version !== 'DTLSv1.2') throw new Error(`chose ${String(choice.version)}`);
  return { hello: choice.clientHello.hello, messageSeq: choice.messageSeq, recordSequence: choice.recordSequence };
}

test('a 1.2 cookie is taken for one to two periods of 30 s and starts one connection (the 1.3 cookie rules)', (t) => {
  const responder = new HelloVerifyResponder12(nodeProvider, new Uint8Array(32).fill(9));
  const cookieAt = (now: number): { withCookie: Uint8Array; other: Uint8Array } => {
    const hello = clientHello12();
    const reply = responder.handle(first12(hello.datagram), '127.0.0.1|5000', now);
    if (reply.kind !== 'reply') throw new Error(`expected a HelloVerifyRequest, got ${reply.kind}`);
    hello.connection.receive(reply.datagram, 0);
    return { withCookie: hello.connection.pollTransmit()!, other: hello.datagram };
  };
  const { withCookie } = cookieAt(1000);
  t.is(responder.handle(first12(withCookie), '127.0.0.1|5001', 2000).kind, 'reply', 'bound to the address and port');
  t.is(
    responder.handle(first12(withCookie), '127.0.0.1|5000', 2 * COOKIE_PERIOD_12_MS - 1).kind,
    'accept',
    'still valid in the next period',
  );
  t.is(
    responder.handle(first12(withCookie), '127.0.0.1|5000', 2 * COOKIE_PERIOD_12_MS - 1).kind,
    'replay',
    'one connection per cookie',
  );
  const late = cookieAt(1000).withCookie;
  t.is(
    responder.handle(first12(late), '127.0.0.1|5000', 2 * COOKIE_PERIOD_12_MS).kind,
    'reply',
    'expired two periods on',
  );
});
