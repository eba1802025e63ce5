import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { openClientEndpoint, type UdpClientEndpoint } from '../support/udp-client.js';
import { listen, type DtlsListener } from '../../runtime/index.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { Prng } from '../support/prng.js';
import { badWeather, LossyProxy } from '../support/udp-relay.js';
import { pemOptions } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** A listener on 127.0.0.1 that echoes every message back, and its port. */
async function echoServer(): Promise<{ server: DtlsListener; port: number }> {
  // Every client here comes from 127.0.0.1: allow them all to handshake at once (the per-host default is 10).
  const server = listen((session) => (session.onmessage = (data) => session.send(data)), {
    ...pemOptions(id),
    host: '127.0.0.1',
    wallClock,
    maxHandshakesPerHost: 100,
  });
  const { port } = await server.listening;
  return { server, port };
}

async function roundTrip(client: UdpClientEndpoint, text: string): Promise<string> {
  await client.handshake;
  client.send(new TextEncoder().encode(text));
  return new TextDecoder().decode(await client.receive());
}

/**
 * As `roundTrip`, sending again each second until the echo comes (30 times at most): after a flood, a loaded machine's
 * server may not yet have drained its socket buffer when the message arrives, and application data is not retransmitted.
 */
async function roundTripAfterFlood(client: UdpClientEndpoint, text: string): Promise<string> {
  await client.handshake;
  const echo = client.receive();
  for (let sent = 0; sent < 30; sent++) {
    client.send(new TextEncoder().encode(text));
    const got = await Promise.race([echo, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
    if (got !== undefined) return new TextDecoder().decode(got);
  }
  return `no echo of ${text} after 30 sends`;
}

/** Waits until `done()` holds, for 10 s at most (the assertion after it says whether it did). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)));
}

test('forty clients handshake concurrently with one server socket and each gets its own echo', async (t) => {
  const { server, port } = await echoServer();
  const clients = Array.from({ length: 40 }, () => openClientEndpoint({ port: port, ...clientOptions }));
  const echoes = await Promise.all(clients.map((c, i) => roundTrip(c, `client ${i}`)));
  t.deepEqual(
    echoes,
    clients.map((_, i) => `client ${i}`),
  );
  t.is(server.stats.sessions, 40);
  for (const c of clients) c.close();
  await Promise.all(clients.map((c) => c.closed));
  await until(() => server.stats.sessions === 0);
  t.is(server.stats.sessions, 0, 'every connection ended on close_notify');
  await server.close();
});

for (const seed of [11, 12, 13, 14, 15]) {
  test(`a client behind a relay that drops, duplicates and reorders completes and exchanges data (seed ${seed})`, async (t) => {
    const { server, port } = await echoServer();
    const relay = await LossyProxy.start(port, badWeather(seed));
    const client = openClientEndpoint({ port: relay.port, ...clientOptions });
    t.is(await roundTrip(client, 'through the storm'), 'through the storm');
    t.true(relay.counts.dropped + relay.counts.duplicated + relay.counts.delayed > 0);
    client.close();
    relay.close();
    await server.close();
  });
}

test('a flood of ClientHellos from many ports gets HelloRetryRequests and allocates no per-peer state', async (t) => {
  const { server, port } = await echoServer();
  const sockets = await Promise.all(Array.from({ length: 50 }, bound));
  let replies = 0;
  for (const s of sockets) s.on('message', () => replies++);
  for (let round = 0; round < 4; round++) {
    for (const s of sockets) {
      const c = DtlsConnection.client(clientOptions);
      c.connect(0);
      s.send(c.pollTransmit()!, port, '127.0.0.1');
    }
    // Paced by what the server answered: a burst of 200 would overflow its socket buffer on a loaded machine (the
    // default range's ClientHello also offers DTLS 1.2, so it is longer than a 1.3-only one).
    await until(() => replies >= (round + 1) * sockets.length);
  }
  t.is(replies, 200, 'one HelloRetryRequest per ClientHello');
  t.is(server.stats.sessions, 0, 'the peer table is empty: no cookie came back');
  const client = openClientEndpoint({ port: port, ...clientOptions });
  t.is(await roundTrip(client, 'still serving'), 'still serving');
  t.is(server.stats.sessions, 1);
  client.close();
  for (const s of sockets) s.close();
  await server.close();
});

test('malformed datagrams from strangers and from a connected peer crash nothing and disturb no other connection', async (t) => {
  const { server, port } = await echoServer();
  const a = openClientEndpoint({ port: port, ...clientOptions });
  const b = openClientEndpoint({ port: port, ...clientOptions });
  t.is(await roundTrip(a, 'a before'), 'a before');
  t.is(await roundTrip(b, 'b before'), 'b before');
  const prng = new Prng(7);
  const stranger = await bound();
  const valid = (() => {
    const c = DtlsConnection.client(clientOptions);
    c.connect(0);
    return c.pollTransmit()!;
  })();
  for (let i = 0; i < 300; i++) {
    const junk =
      i % 3 === 0
        ? prng.bytes(1 + prng.below(1500))
        : i % 3 === 1
          ? valid.subarray(0, prng.below(valid.length))
          : Uint8Array.from(valid, (v, k) => (k === prng.below(valid.length) ? v ^ (1 + prng.below(255)) : v));
    stranger.send(junk, port, '127.0.0.1');
    // and junk from b's own address and port: its connection must drop it and carry on
    b.socket.send(
      i % 2 === 0 ? prng.bytes(1 + prng.below(200)) : Uint8Array.of(0x2e, ...prng.bytes(40)),
      port,
      '127.0.0.1',
    );
  }
  t.is(await roundTripAfterFlood(a, 'a after'), 'a after');
  t.is(await roundTripAfterFlood(b, 'b after'), 'b after');
  t.is(server.stats.sessions, 2);
  a.close();
  b.close();
  stranger.close();
  await server.close();
});
