import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { openClientEndpoint, type UdpClientEndpoint } from '../support/udp-client.js';
import { connect } from '../../runtime/api/connect.js';
import { listen, type DtlsListener, type SessionHandler } from '../../runtime/index.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HelloSource, pemOptions, RawClient, rawSocket, sendAll, sleep, until } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** A listener with `id`'s identity on 127.0.0.1, and its port, once it listens. */
async function serving(
  onsession: SessionHandler,
  options: ListenOptions,
): Promise<{ server: DtlsListener; port: number }> {
  const server = listen(onsession, { ...pemOptions(id), host: '127.0.0.1', wallClock, ...options });
  const { port } = await server.listening;
  return { server, port };
}

/** A listener whose sessions echo every message back. */
function echoServer(options: ListenOptions): Promise<{ server: DtlsListener; port: number }> {
  return serving((session) => (session.onmessage = (data) => session.send(data)), options);
}

async function echo(endpoint: UdpClientEndpoint, text: string): Promise<string> {
  endpoint.send(new TextEncoder().encode(text));
  return new TextDecoder().decode(await endpoint.receive());
}

test("150 stalled peers from one host hold only that host's handshake share: 3 clients from another host all connect", async (t) => {
  const { server, port } = await echoServer({ maxHandshakes: 100 });
  t.teardown(() => server.close());
  // The flood: 150 source ports on 127.0.0.1, each a real ClientHello, a cookie round trip where answered, then silence.
  const bogus = await Promise.all(Array.from({ length: 150 }, () => rawSocket('127.0.0.1')));
  t.teardown(() => bogus.forEach((s) => s.close()));
  const sources = bogus.map(() => new HelloSource(clientOptions));
  // Ten at a time, each ten once the server has read them (refused, or answered with a HelloRetryRequest): paced by what
  // it read, so none is lost in its socket's receive buffer however slowly this machine drains it.
  const read = (): number => (server.stats.serverRefusedCount ?? 0) + bogus.filter((s) => s.received.length > 0).length;
  for (let first = 0; first < bogus.length; first += 10) {
    await Promise.all(bogus.slice(first, first + 10).map((s, i) => sendAll(s, sources[first + i]!.first(), port)));
    await until(() => read() >= Math.min(first + 10, bogus.length));
  }
  const answered = bogus.flatMap((s, i) => (s.received.length > 0 ? [i] : []));
  // The answers paced the same way: each ten once the server has read them (admitted, or refused for the host's share).
  const admitted = (): number => (server.stats.handshaking ?? 0) + (server.stats.refusedPerHost ?? 0);
  for (let first = 0; first < answered.length; first += 10) {
    await Promise.all(
      answered
        .slice(first, first + 10)
        .map((i) => sendAll(bogus[i]!, sources[i]!.answer(bogus[i]!.received[0]!), port)),
    );
    await until(() => admitted() >= Math.min(first + 10, answered.length));
  }
  t.log(`${answered.length} flood peers got a HelloRetryRequest; handshaking ${server.stats.handshaking}`);
  // Three legitimate clients from 127.0.0.2.
  const clients = [0, 1, 2].map(() =>
    openClientEndpoint({ port, localAddress: '127.0.0.2', ...clientOptions, handshakeTimeoutMs: 20_000 }),
  );
  t.teardown(() => clients.forEach((c) => c.close()));
  const outcomes = await Promise.all(
    clients.map((c) =>
      c.handshake.then(
        () => 'connected',
        () => c.closed.then((r) => `closed ${r}`),
      ),
    ),
  );
  t.deepEqual(outcomes, ['connected', 'connected', 'connected']);
  t.deepEqual(await Promise.all(clients.map((c, i) => echo(c, `legit ${i}`))), ['legit 0', 'legit 1', 'legit 2']);
  const stats = server.stats;
  t.log(stats);
  t.true(stats.refusedPerHost >= 140, `refused per host: ${stats.refusedPerHost}`);
  t.is(stats.refusedGlobal, 0);
  t.true(stats.handshaking <= 10, 'the flooding host holds at most maxHandshakesPerHost slots');
});

test('a full server answers a new peer with silence and counts it, globally and per host', async (t) => {
  for (const [limits, reason] of [
    [{ maxSessions: 1 }, 'refusedGlobal'],
    [{ maxSessionsPerHost: 1 }, 'refusedPerHost'],
  ] as const) {
    const { server, port } = await echoServer(limits);
    const first = openClientEndpoint({ port, ...clientOptions });
    await first.handshake;
    const stranger = await rawSocket();
    const source = new HelloSource(clientOptions);
    const hello = source.first();
    for (let i = 0; i < 5; i++) await sendAll(stranger, hello, port);
    // The refusal is counted in the same turn as any reply would be sent; then give the loopback time to deliver one.
    await until(() => (server.stats[reason] ?? 0) >= 5);
    await sleep(300);
    t.is(stranger.received.length, 0, `${reason}: no HelloRetryRequest, no alert`);
    t.is(server.stats[reason], 5);
    t.is(server.stats.serverRefusedCount, 5);
    stranger.close();
    first.close();
    await first.closed;
    await server.close();
  }
});

test('a half-open handshake holds its slot only until handshakeTimeout from its creation, however much the peer retransmits', async (t) => {
  // 2 s: long enough that a loaded machine still sees the handshake open before its deadline passes.
  const { server, port } = await serving(() => {}, { handshakeTimeout: 2000, maxHandshakes: 1 });
  t.teardown(() => server.close());
  const staller = await rawSocket();
  t.teardown(() => staller.close());
  const source = new HelloSource(clientOptions);
  await sendAll(staller, source.first(), port);
  await until(() => staller.received.length >= 1);
  const secondHello = source.answer(staller.received[0]!);
  await sendAll(staller, secondHello, port);
  await until(() => server.stats.handshaking === 1);
  t.is(server.stats.handshaking, 1);
  // Keep re-sending the second ClientHello and junk: neither may extend the deadline.
  let stop = false;
  const keepBusy = (async () => {
    while (!stop) {
      await sendAll(staller, [...secondHello, Uint8Array.of(0x2f, 1, 2, 3, 4, 5)], port);
      await sleep(50);
    }
  })();
  await until(() => server.stats.handshakeTimeouts >= 1);
  t.is(server.stats.handshakeTimeouts, 1, 'timed out while the retransmissions went on');
  stop = true;
  await keepBusy;
  // A second ClientHello still on its way when the first handshake ended carries a valid cookie and may start another:
  // that one times out too, since nothing follows it.
  await until(() => server.stats.handshaking === 0);
  t.is(server.stats.handshaking, 0);
  const client = openClientEndpoint({ port, ...clientOptions });
  await t.notThrowsAsync(client.handshake);
  client.close();
});

test("junk datagrams from a connected peer's own address and port do not keep an idle session alive", async (t) => {
  let ended: (reason: string) => void = () => {};
  const closedReason = new Promise<string>((resolve) => (ended = resolve));
  const { server, port } = await serving(
    (session) => void session.closed.finally(() => ended(session.closeReason ?? 'none')).catch(() => {}),
    { idleTimeout: 400 },
  );
  t.teardown(() => server.close());
  const peer = await RawClient.connect(clientOptions, port);
  t.teardown(() => peer.close());
  t.is(server.stats.sessions, 1);
  // The peer goes quiet; from its address and port come junk, a stale plaintext ClientHello and a forged ciphertext record, every 40 ms.
  peer.mute();
  const forged = Uint8Array.of(0x2f, 0x00, 0x05, 0x00, 0x10, ...new Uint8Array(16).fill(7));
  const stale = new HelloSource(clientOptions).first()[0]!;
  let closed: string | undefined;
  void closedReason.then((r) => (closed = r));
  for (let i = 0; closed === undefined && i < 400; i++) {
    await sendAll(peer.socket, [[Uint8Array.of(1, 2, 3), stale, forged][i % 3]!], port);
    await sleep(40);
  }
  t.is(closed, 'local', 'the session was closed for idleness although junk kept coming');
  t.is(server.stats.idleClosed, 1);
  t.is(server.stats.sessions, 0);
});

test('every admission option is checked up front, with a ConfigError naming it', (t) => {
  for (const [option, value] of [
    ['maxSessionsPerHost', -1],
    ['maxHandshakesPerHost', 2.5],
    ['handshakeTimeout', -1],
    ['maxPendingClientHellos', -1],
    ['maxClientHelloLength', 20_000],
    ['idleTimeout', Number.NaN],
  ] as const) {
    t.is(
      t.throws(() => listen(() => {}, { ...pemOptions(id), [option]: value }), { instanceOf: ConfigError })?.option,
      option,
    );
  }
  t.is(
    t.throws(() => listen(() => {}, { ...pemOptions(id), cookies: 'yes' as unknown as boolean }), {
      instanceOf: ConfigError,
    })?.option,
    'cookies',
  );
  t.is(t.throws(() => connect('127.0.0.1', 1, { bindPort: 70_000 }), { instanceOf: ConfigError })?.option, 'bindPort');
  t.is(
    t.throws(() => connect('127.0.0.1', 1, { bindHost: 'not an address' }), { instanceOf: ConfigError })?.option,
    'bindHost',
  );
});
