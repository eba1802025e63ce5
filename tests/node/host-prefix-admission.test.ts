/**
 * Per-host admission by prefix over real UDP: many IPv6 addresses of one
 * /56, each in a /64 of its own (added to the loopback interface with
 * iproute2 for the test), hold one host's share of the handshake slots;
 * an address of another /56 is another host. The same with IPv4 and an
 * `ipv4HostPrefix` of 24 on 127.0.0.0/8.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { listen, type DtlsListener } from '../../runtime/index.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HelloSource, pemOptions, until } from './support.js';

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

const tag = (process.pid % 0xffff).toString(16);
/** Eight /64s of the site 2001:db8:TAG:100::/56, and two addresses of the next /56. */
const SITE = ['100', '101', '117', '180', '1a0', '1c3', '1fe', '1ff'].map((net) => `2001:db8:${tag}:${net}::1`);
const NEIGHBOUR = [`2001:db8:${tag}:200::1`, `2001:db8:${tag}:2ff::2`];
const ALL = [...SITE, ...NEIGHBOUR];

/** A listener with `id`'s identity that starts no session, once it listens. */
async function listening(options: ListenOptions): Promise<DtlsListener> {
  const server = listen(() => {}, { ...pemOptions(id), wallClock, ...options });
  await server.listening;
  return server;
}

function ip(...args: string[]): string | undefined {
  const r = spawnSync('ip', args, { stdio: 'pipe' });
  return r.status === 0 ? undefined : `ip ${args.join(' ')}: ${(r.stderr?.toString() ?? '').trim() || 'failed'}`;
}

const unavailable = ALL.map((a) => ip('-6', 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad')).find(
  (e) => e !== undefined,
);
test.after.always(() => ALL.forEach((a) => ip('-6', 'addr', 'del', `${a}/128`, 'dev', 'lo')));

async function boundSocket(address: string): Promise<Socket & { received: Uint8Array[] }> {
  const s = Object.assign(createSocket(address.includes(':') ? 'udp6' : 'udp4'), { received: [] as Uint8Array[] });
  s.on('message', (m) => s.received.push(new Uint8Array(m)));
  s.bind(0, address);
  await once(s, 'listening');
  return s;
}

async function send(socket: Socket, datagrams: readonly Uint8Array[], port: number, address: string): Promise<void> {
  for (const d of datagrams)
    await new Promise<void>((resolve, reject) => socket.send(d, port, address, (e) => (e ? reject(e) : resolve())));
}

/**
 * From each address, a ClientHello, the cookie round trip, and silence: a
 * handshake the server holds a slot for. Resolves once the server has
 * decided on every second ClientHello.
 */
async function stalledHandshakes(server: DtlsListener, serverAddress: string, from: readonly string[]): Promise<void> {
  const port = server.address!.port;
  const sockets = await Promise.all(from.map(boundSocket));
  const sources = from.map(() => new HelloSource(clientOptions));
  await Promise.all(sockets.map((s, i) => send(s, sources[i]!.first(), port, serverAddress)));
  await until(() => sockets.every((s) => s.received.length > 0));
  await Promise.all(sockets.map((s, i) => send(s, sources[i]!.answer(s.received[0]!), port, serverAddress)));
  await until(() => server.stats.handshaking + server.stats.serverRefusedCount >= from.length);
  sockets.forEach((s) => s.close());
}

test('eight /64s of one IPv6 /56 are one host: maxHandshakesPerHost slots between them; another /56 is another host', async (t) => {
  if (unavailable) return t.fail(unavailable);
  const server = await listening({
    host: '::1',
    maxHandshakesPerHost: 3,
    maxHandshakes: 100,
  });
  t.teardown(() => server.close());
  await stalledHandshakes(server, '::1', ALL);
  t.log(server.stats);
  t.is(server.stats.handshaking, 3 + 2, 'three of the site, both of the neighbour');
  t.is(server.stats.refusedPerHost, 5);
  t.is(server.stats.refusedGlobal, 0);
  t.deepEqual(server.admission.hostUsage(SITE[7]!), { connections: 3, handshakes: 3 });
  t.deepEqual(server.admission.hostUsage(NEIGHBOUR[0]!), { connections: 2, handshakes: 2 });
});

test('ipv6HostPrefix: 64 makes each /64 a host again (the operator decides)', async (t) => {
  if (unavailable) return t.fail(unavailable);
  const server = await listening({
    host: '::1',
    maxHandshakesPerHost: 3,
    ipv6HostPrefix: 64,
  });
  t.teardown(() => server.close());
  await stalledHandshakes(server, '::1', SITE);
  t.is(server.stats.handshaking, SITE.length);
  t.is(server.stats.serverRefusedCount, 0);
});

test('the global limits come first: a site under its host share is still refused by a full table', async (t) => {
  if (unavailable) return t.fail(unavailable);
  const server = await listening({
    host: '::1',
    maxHandshakesPerHost: 10,
    maxHandshakes: 4,
  });
  t.teardown(() => server.close());
  await stalledHandshakes(server, '::1', SITE);
  t.is(server.stats.handshaking, 4);
  t.is(server.stats.refusedGlobal, 4);
  t.is(server.stats.refusedPerHost, 0);
});

test('ipv4HostPrefix: 24 makes 127.0.0.0/24 one host; 127.0.1.0/24 is another', async (t) => {
  const site = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
  const other = ['127.0.1.2', '127.0.1.3'];
  const server = await listening({
    maxHandshakesPerHost: 2,
    ipv4HostPrefix: 24,
  });
  t.teardown(() => server.close());
  await stalledHandshakes(server, '127.0.0.1', [...site, ...other]);
  t.is(server.stats.handshaking, 2 + 2);
  t.is(server.stats.refusedPerHost, 3);
  t.deepEqual(server.admission.hostUsage('127.0.0.9'), { connections: 2, handshakes: 2 });
});
