import test from 'ava';
import { createSocket } from 'node:dgram';
import { ConfigError } from '../../runtime/config-error.js';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { connect } from '../../runtime/api/connect.js';
import { listen, type DtlsListener } from '../../runtime/index.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HELLO_OVER_A_THIRD, pemOptions } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** A listener with `id`'s identity on 127.0.0.1, and its port, once it listens. */
async function listening(options: ListenOptions): Promise<{ server: DtlsListener; port: number }> {
  const server = listen(() => {}, { ...pemOptions(id), host: '127.0.0.1', wallClock, ...options });
  const { port } = await server.listening;
  return { server, port };
}

test('beyond maxSessions new peers are refused (their handshake times out) until a connection ends', async (t) => {
  const { server, port } = await listening({ maxSessions: 2 });
  const a = openClientEndpoint({ port: port, ...clientOptions });
  const b = openClientEndpoint({ port: port, ...clientOptions });
  await Promise.all([a.handshake, b.handshake]);
  const c = openClientEndpoint({ port: port, ...clientOptions, handshakeTimeoutMs: 400 });
  await t.throwsAsync(c.handshake, { code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
  t.is(await c.closed, 'timeout');
  t.true(server.stats.serverRefusedCount >= 1);
  t.is(server.stats.sessions, 2);
  a.close();
  for (let waited = 0; server.stats.sessions > 1 && waited < 10_000; waited += 20)
    await new Promise((r) => setTimeout(r, 20));
  const d = openClientEndpoint({ port: port, ...clientOptions });
  await t.notThrowsAsync(d.handshake);
  b.close();
  d.close();
  await server.close();
});

test('maxHandshakes bounds connections still handshaking', async (t) => {
  const { server, port } = await listening({ maxHandshakes: 1, cookies: false });
  // A peer that sends a ClientHello and then goes silent holds the one handshake slot.
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const half = DtlsConnection.client({ ...clientOptions, ...HELLO_OVER_A_THIRD });
  half.connect(0);
  silent.send(half.pollTransmit()!, port, '127.0.0.1');
  // Until the server has read it (not a fixed time: a loaded machine may take longer than any guess).
  for (let polls = 0; server.stats.handshaking === 0 && polls < 1000; polls++)
    await new Promise((r) => setTimeout(r, 10));
  t.is(server.stats.handshaking, 1);
  const c = openClientEndpoint({ port: port, ...clientOptions, handshakeTimeoutMs: 400 });
  await t.throwsAsync(c.handshake, { code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
  t.true(server.stats.serverRefusedCount >= 1);
  silent.close();
  await server.close();
});

test('a connection whose peer goes quiet is closed after idleTimeout, with close_notify to the peer', async (t) => {
  const { server, port } = await listening({ idleTimeout: 150 });
  const client = openClientEndpoint({ port: port, ...clientOptions });
  await client.handshake;
  t.is(await client.closed, 'close_notify');
  t.is(server.stats.sessions, 0);
  t.is(server.stats.idleClosed, 1);
  await server.close();
});

test('a connection that keeps talking outlives several idleTimeout periods; once quiet it is closed (the idle timing wheel reschedules it)', async (t) => {
  const { server, port } = await listening({ idleTimeout: 600 });
  const client = openClientEndpoint({ port: port, ...clientOptions });
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
  t.is(server.stats.sessions, 0);
  await server.close();
});

test('a client gives up after handshakeTimeoutMs when nobody answers', async (t) => {
  const quiet = createSocket('udp4');
  await new Promise<void>((r) => quiet.bind(0, '127.0.0.1', () => r()));
  const client = openClientEndpoint({ port: quiet.address().port, ...clientOptions, handshakeTimeoutMs: 300 });
  const error = await t.throwsAsync(client.handshake, { code: 'ERR_DTLS_HANDSHAKE_TIMEOUT' });
  t.regex(error?.message ?? '', /timeout: no handshake within 300 ms/);
  t.is(await client.closed, 'timeout');
  quiet.close();
});

test('bad server and client options throw ConfigError naming the option', (t) => {
  for (const [option, value] of [
    ['maxSessions', -1],
    ['maxHandshakes', 1.5],
    ['idleTimeout', -1],
  ] as const) {
    const error = t.throws(() => listen(() => {}, { ...pemOptions(id), [option]: value }), {
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
