import test from 'ava';
import { createSocket } from 'node:dgram';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/dtls/connection.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { connect } from '../../runtime/node/dtls/connect.js';
import { EndpointClosedError } from '../../runtime/node/endpoint-ending.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

test('beyond maxConnections new peers are refused (their handshake times out) until a connection ends', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock, maxConnections: 2 });
  const a = openClientEndpoint({ port: server.address.port, ...clientOptions });
  const b = openClientEndpoint({ port: server.address.port, ...clientOptions });
  await Promise.all([a.handshake, b.handshake]);
  const c = openClientEndpoint({ port: server.address.port, ...clientOptions, handshakeTimeoutMs: 400 });
  const error = await t.throwsAsync(c.handshake, { instanceOf: EndpointClosedError });
  t.is(error?.reason, 'timeout');
  t.true(server.stats.refused >= 1);
  t.is(server.size, 2);
  a.close();
  for (let waited = 0; server.size > 1 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  const d = openClientEndpoint({ port: server.address.port, ...clientOptions });
  await t.notThrowsAsync(d.handshake);
  b.close();
  d.close();
  await server.close();
});

test('maxHandshakes bounds connections still handshaking', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock, maxHandshakes: 1, cookies: false });
  // A peer that sends a ClientHello and then goes silent holds the one handshake slot.
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const half = DtlsConnection.client(clientOptions);
  half.connect(0);
  silent.send(half.pollTransmit()!, server.address.port, '127.0.0.1');
  // Until the server has read it (not a fixed time: a loaded machine may take longer than any guess).
  for (let polls = 0; server.stats.handshaking === 0 && polls < 1000; polls++)
    await new Promise((r) => setTimeout(r, 10));
  t.is(server.stats.handshaking, 1);
  const c = openClientEndpoint({ port: server.address.port, ...clientOptions, handshakeTimeoutMs: 400 });
  await t.throwsAsync(c.handshake, { instanceOf: EndpointClosedError });
  t.true(server.stats.refused >= 1);
  silent.close();
  await server.close();
});

test('a connection whose peer goes quiet is closed after idleTimeoutMs, with close_notify to the peer', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock, idleTimeoutMs: 150 });
  const client = openClientEndpoint({ port: server.address.port, ...clientOptions });
  await client.handshake;
  t.is(await client.closed, 'close_notify');
  t.is(server.size, 0);
  t.is(server.stats.idleClosed, 1);
  await server.close();
});

test('a connection that keeps talking outlives several idleTimeoutMs; once quiet it is closed (the idle timing wheel reschedules it)', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock, idleTimeoutMs: 600 });
  const client = openClientEndpoint({ port: server.address.port, ...clientOptions });
  await client.handshake;
  let ended = false;
  void client.closed.then(() => (ended = true));
  for (let i = 0; i < 18; i++) {
    client.send(Uint8Array.of(i)); // authenticated records: the server's idle clock moves
    await new Promise((r) => setTimeout(r, 100));
  }
  t.false(ended, 'still open after three idle periods of talking');
  t.is(server.stats.idleClosed, 0);
  t.is(await client.closed, 'close_notify');
  t.is(server.stats.idleClosed, 1);
  t.is(server.size, 0);
  await server.close();
});

test('a client gives up after handshakeTimeoutMs when nobody answers', async (t) => {
  const quiet = createSocket('udp4');
  await new Promise<void>((r) => quiet.bind(0, '127.0.0.1', () => r()));
  const client = openClientEndpoint({ port: quiet.address().port, ...clientOptions, handshakeTimeoutMs: 300 });
  const error = await t.throwsAsync(client.handshake, { instanceOf: EndpointClosedError });
  t.regex(error?.message ?? '', /timeout: no handshake within 300 ms/);
  t.is(await client.closed, 'timeout');
  quiet.close();
});

test('bad server and client options throw ConfigError naming the option', async (t) => {
  for (const [option, value] of [
    ['maxConnections', 0],
    ['maxHandshakes', 1.5],
    ['idleTimeoutMs', -1],
  ] as const) {
    const error = await t.throwsAsync(DtlsUdpServer.listen({ certificate: id, [option]: value }), {
      instanceOf: ConfigError,
    });
    t.is(error?.option, option);
  }
  // The client's own (connect's names).
  t.is(
    t.throws(() => connect('127.0.0.1', 1, { handshakeTimeout: -1 }), { instanceOf: ConfigError })?.option,
    'handshakeTimeout',
  );
  t.is(t.throws(() => connect('127.0.0.1', 70_000), { instanceOf: ConfigError })?.option, 'port');
  t.is(t.throws(() => connect('', 1), { instanceOf: ConfigError })?.option, 'host');
});
