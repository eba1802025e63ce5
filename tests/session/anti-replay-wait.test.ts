import test from 'ava';
import type { Socket } from 'node:dgram';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { connect } from '../../runtime/api/connect.js';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import type { ListenOptions } from '../../runtime/api/options.js';
import type { AntiReplayWaitStats } from '../../runtime/node/anti-replay-wait.js';
import { DEFAULT_ANTI_REPLAY_WAIT } from '../../runtime/node/anti-replay-wait.js';
import type { AntiReplayStore } from '../../runtime/session/anti-replay.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { rawSocket, sendAll, sleep } from '../node/support.js';

// What a listen() server holds for an anti-replay store that never answers (issue 33.2), over real UDP: 0-RTT ClientHellos
// from the address their ticket names (127.0.0.x, each with a ticket of its own), from many ports, each followed by large
// datagrams. Memory held stays under the antiReplayWait caps; the rest is dropped or sent through the cookie exchange.

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(32).fill(0x6b);
const SILENT: AntiReplayStore = { admit: () => new Promise<boolean>(() => {}) };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const arrayBuffers = (): number => {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().arrayBuffers;
};

async function silentServer(options: ListenOptions = {}): Promise<DtlsListener> {
  const server = listen(() => {}, {
    cert: [...id.chain],
    key: id.privateKey,
    host: '127.0.0.1',
    wallClock,
    ticketKeys,
    maxEarlyData: 1 << 20,
    antiReplay: SILENT,
    ...options,
  });
  await server.listening;
  return server;
}

/** The listener's port (it is listening). */
const portOf = (server: DtlsListener): number => server.address!.port;

/** What the listener holds for the store now. */
const waitStats = (server: DtlsListener): AntiReplayWaitStats => {
  const a = server.stats.antiReplay;
  if (a === undefined) throw new Error('the listener has no anti-replay store');
  return a;
};

/** A ticket `server` issued to `address` (through a server sharing its ticket keys and a store that answers). */
async function ticketFor(address: string, port: number): Promise<Uint8Array> {
  const first = connect('127.0.0.1', port, { bindHost: address, ca: id.caDer, servername: 'localhost', wallClock });
  await first.opened;
  const ticket = await first.ticket;
  await first.close();
  if (ticket === undefined) throw new Error(`no ticket for ${address}`);
  return new Uint8Array(ticket);
}

/** A 0-RTT ClientHello made with `session`, then `extra` datagrams of `size` bytes each (early data as far as the server can tell). */
function flight(session: Uint8Array, extra: number, size: number): Uint8Array[] {
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'localhost',
    wallClock,
    session,
    earlyData: Uint8Array.of(1),
  });
  client.connect(0);
  const hello = client.pollTransmit()!;
  return [hello, ...Array.from({ length: extra }, (_, i) => new Uint8Array(size).fill(0x20 + i))];
}

/** Waits, polling, until `done()` holds: the pace is what the server has read, never a fixed time. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let polls = 0; !done(); polls++) {
    if (polls > 20_000) throw new Error(`never came: ${what}`);
    await sleep(1);
  }
}

/**
 * Each port's flight, sent one datagram at a time, each once the server has
 * read the one before (its stats account for it): a ClientHello is waiting,
 * sent to the cookie exchange or refused; a datagram behind a waiting one is
 * held (bytes) or dropped. Nothing waits in the server's socket buffer, so
 * what the caps do is the test's outcome on any machine, however fast the
 * server drains its socket. Behind a ClientHello sent to the cookie exchange
 * the server keeps nothing and counts nothing (a datagram of no connection
 * that is not a ClientHello is not read further): those are not sent.
 */
async function attack(
  server: DtlsListener,
  hosts: readonly string[],
  ports: number,
  extra: number,
  size: number,
): Promise<{ sockets: Socket[]; peak: number }> {
  const issuer = await silentServer({ antiReplay: { admit: () => true } });
  const sessions = await Promise.all(hosts.map((h) => ticketFor(h, portOf(issuer))));
  await issuer.close();
  const sockets: Socket[] = [];
  const hellos = (): number => {
    const a = waitStats(server);
    return a.waiting + a.overflowed + a.refused + a.timedOut + server.stats.serverRefusedCount;
  };
  const behind = (): number => waitStats(server).bytes + waitStats(server).dropped;
  let peak = 0;
  for (let p = 0; p < ports; p++) {
    for (const [i, host] of hosts.entries()) {
      const socket = await rawSocket(host);
      sockets.push(socket);
      const [hello, ...rest] = flight(sessions[i]!, extra, size);
      const seen = hellos();
      const waiting = waitStats(server).waiting;
      await sendAll(socket, [hello!], portOf(server));
      await until(() => hellos() > seen, `the server reading the ClientHello from ${host}, port ${p}`);
      peak = Math.max(peak, waitStats(server).bytes);
      if (waitStats(server).waiting === waiting) continue; // not held for the store: nothing behind it is kept
      for (const d of rest) {
        const before = behind();
        await sendAll(socket, [d], portOf(server));
        await until(
          () => behind() !== before,
          `the server reading a datagram behind the ClientHello from ${host}, port ${p}`,
        );
        peak = Math.max(peak, waitStats(server).bytes);
      }
    }
  }
  return { sockets, peak };
}

test('one host, many ports, a store that never answers: at most the per-host caps are held, the rest dropped or sent to the cookie exchange', async (t) => {
  const server = await silentServer({ antiReplayWait: { timeoutMs: 60_000 } });
  const { sockets, peak } = await attack(server, ['127.0.0.31'], 40, 8, 8 * 1024);
  try {
    const s = waitStats(server);
    t.true(peak <= DEFAULT_ANTI_REPLAY_WAIT.maxBytesPerHost, `${peak} bytes held at most`);
    t.true(s.waiting <= DEFAULT_ANTI_REPLAY_WAIT.maxClientHellosPerHost, `${s.waiting} ClientHellos waiting`);
    t.true(s.dropped > 0, 'datagrams beyond the caps were dropped');
    t.true(s.overflowed > 0, 'ClientHellos beyond the caps were counted');
    t.is(server.stats.handshaking, 0, 'nothing started without an answer from the store or a cookie');
    // The ClientHellos that found no room got the cookie exchange: a HelloRetryRequest each (one datagram to a socket of its own).
    const answered = (): number =>
      sockets.filter((x) => (x as Socket & { received: Uint8Array[] }).received.length > 0).length;
    await until(() => answered() >= s.overflowed, 'a HelloRetryRequest at each client sent to the cookie exchange');
    t.is(answered(), s.overflowed, `${answered()} of ${s.overflowed} overflowed ClientHellos answered`);
  } finally {
    for (const x of sockets) x.close();
    await server.close();
  }
});

test('many hosts and a store that never answers: the bytes held, counted and as measured after collection, stay under the global cap', async (t) => {
  const maxBytes = 256 * 1024;
  const server = await silentServer({ antiReplayWait: { maxBytes, timeoutMs: 60_000 } });
  const before = arrayBuffers();
  const hosts = Array.from({ length: 8 }, (_, i) => `127.0.0.${40 + i}`);
  const { sockets, peak } = await attack(server, hosts, 8, 4, 30_000);
  try {
    const grown = arrayBuffers() - before;
    const s = waitStats(server);
    t.true(peak <= maxBytes, `${peak} bytes held at most`);
    t.true(s.dropped + s.overflowed > 0, 'what did not fit was turned away');
    // 8 hosts × 8 ports × 4 × 30 kB = 7.7 MB sent behind the ClientHellos; the cap is 256 KiB (the slack is the process's own churn).
    t.true(grown < maxBytes + 2 * 1024 * 1024, `array buffers grew by ${grown} bytes while the store kept silent`);
  } finally {
    for (const x of sockets) x.close();
    await server.close();
  }
});
