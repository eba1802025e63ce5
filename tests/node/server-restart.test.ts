import test from 'ava';
import { once } from 'node:events';
import { openClientEndpoint, type UdpClientEndpoint } from '../support/udp-client.js';
import { listen, type DtlsSession } from '../../runtime/index.js';
import type { SessionCloseReason } from '../../runtime/api/session.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HelloSource, pemOptions, rawSocket, sendAll, until } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** An echo listener that records each server session and how it ended. */
async function echoServer(options: { cookies?: boolean; handshakeTimeout?: number } = {}) {
  const endpoints: DtlsSession[] = [];
  const endings = new Map<DtlsSession, SessionCloseReason | undefined>();
  const server = listen(
    (session) => {
      endpoints.push(session);
      const ended = (): void => void endings.set(session, session.closeReason);
      session.closed.then(ended, ended);
      session.onmessage = (data) => session.send(data);
    },
    { ...pemOptions(id), host: '127.0.0.1', wallClock, ...options },
  );
  const { port } = await server.listening;
  return { server, port, endpoints, endings };
}

async function roundTrip(client: UdpClientEndpoint, text: string): Promise<string> {
  client.send(new TextEncoder().encode(text));
  return new TextDecoder().decode(await client.receive());
}

/** Ends a client as a crash would: no close_notify; resolves once its socket is closed and the port is free. */
async function crash(client: UdpClientEndpoint): Promise<void> {
  const socketClosed = once(client.socket, 'close');
  client.abort(); // as the process dying would: no close_notify
  await socketClosed;
}

for (const cookies of [true, false]) {
  test(`a client restarted on the same address and port gets a new session; the old one stays until then, and then closes as replaced (cookies ${cookies ? 'on' : 'off'})`, async (t) => {
    const { server, port, endpoints, endings } = await echoServer({ cookies });
    t.teardown(() => server.close());
    const first = openClientEndpoint({ port: port, localAddress: '127.0.0.1', ...clientOptions });
    await first.handshake;
    t.is(await roundTrip(first, 'before'), 'before');
    const localPort = first.socket.address().port;
    await crash(first);
    t.is(server.stats.sessions, 1);
    const old = endpoints[0]!;

    if (cookies) {
      // A ClientHello without a cookie from that address and port gets the stateless HelloRetryRequest and leaves the old connection alone.
      const raw = await rawSocket('127.0.0.1', localPort);
      await sendAll(raw, new HelloSource(clientOptions).first(), port);
      await until(() => raw.received.length >= 1);
      t.is(raw.received.length, 1);
      t.is(raw.received[0]![0], 22, 'a plaintext handshake record: the HelloRetryRequest');
      t.is(endpoints.length, 1, 'no connection was made for it');
      t.false(old.destroyed);
      raw.close();
      await once(raw, 'close');
    }

    const second = openClientEndpoint({
      port: port,
      localAddress: '127.0.0.1',
      localPort,
      ...clientOptions,
      handshakeTimeoutMs: 10_000,
    });
    t.teardown(() => second.close());
    await second.handshake;
    t.is(await roundTrip(second, 'after'), 'after');
    await until(() => endings.has(old));
    t.is(endings.get(old), 'replaced', 'the application saw the old connection close');
    t.is(endpoints.length, 2);
    t.false(endpoints[1]!.destroyed);
    t.is(server.stats.restarts, 1);
    t.is(server.stats.sessions, 1);
  });
}

test('while the restarted client handshakes, the old connection keeps receiving; if the new handshake never completes the old one stays', async (t) => {
  const { server, port, endpoints, endings } = await echoServer({ handshakeTimeout: 800 });
  t.teardown(() => server.close());
  // The first client's socket is read by its session (the transport's own road, not node:dgram's 'message'): the
  // session's datagram observer sees what arrives there, the HelloRetryRequest meant for the restart included.
  let resolveHrr: (hrr: Uint8Array) => void = () => undefined;
  let restarting = false;
  const hrr = new Promise<Uint8Array>((resolve) => (resolveHrr = resolve));
  const first = openClientEndpoint({
    port: port,
    localAddress: '127.0.0.1',
    ...clientOptions,
    // the HelloRetryRequest is a plaintext handshake record; once the restart is sent only it is one
    onDatagram: (direction, d) => {
      if (restarting && direction === 'received' && d[0] === 22) resolveHrr(new Uint8Array(d));
    },
  });
  await first.handshake;
  // A restart that stalls after its cookie round trip, sent from the first client's own socket (two sockets cannot share
  // the port), while the first client keeps running.
  const source = new HelloSource(clientOptions);
  restarting = true;
  for (const d of source.first()) first.socket.send(d, port, '127.0.0.1');
  const secondHello = source.answer(await hrr);
  for (const d of secondHello) first.socket.send(d, port, '127.0.0.1');
  await until(() => endpoints.length === 2);
  t.is(endpoints.length, 2, 'the restart made a second, pending connection');
  t.is(server.stats.handshaking, 1);
  // The old connection still carries data both ways.
  t.is(await roundTrip(first, 'during the restart'), 'during the restart');
  t.false(endpoints[0]!.destroyed);
  // The pending handshake runs out of time; the old connection is untouched.
  await until(() => server.stats.handshakeTimeouts >= 1);
  t.is(server.stats.handshakeTimeouts, 1);
  t.is(server.stats.restarts, 0);
  t.is(await roundTrip(first, 'after the stalled restart'), 'after the stalled restart');
  t.false(endings.has(endpoints[0]!));
  t.is(server.stats.sessions, 1);
  first.close();
});
