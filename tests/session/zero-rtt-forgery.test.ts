import test from 'ava';
import type { Socket } from 'node:dgram';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { connect } from '../../runtime/api/connect.js';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { rawSocket, sendAll, until } from '../node/support.js';

// 0-RTT from forged source addresses over real UDP (issue 33.1, RFC 9147 §5.1). The attacker holds a ticket it obtained
// legitimately from 127.0.0.1, so it knows the PSK and can make any number of valid 0-RTT ClientHellos; it sends them from
// other loopback addresses (127.0.0.x: each a source address it does not own, as an off-path forger would).

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(32).fill(0x5a);
const FORGED = 20;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Watched {
  readonly server: DtlsListener;
  readonly port: number;
  /** Early data delivered, as `address: text`. */
  readonly early: string[];
  /** The client address of every session the server made. */
  readonly connections: string[];
}

async function watchedServer(): Promise<Watched> {
  const early: string[] = [];
  const connections: string[] = [];
  const server = listen(
    (session) => {
      const address = session.remoteAddress?.address ?? '?';
      connections.push(address);
      session.onmessage = (data, isEarly) => isEarly && early.push(`${address}: ${data.toString()}`);
    },
    {
      cert: [...id.chain],
      key: id.privateKey,
      host: '127.0.0.1',
      wallClock,
      ticketKeys,
      maxEarlyData: 1024,
      maxHandshakes: 10,
    },
  );
  const { port } = await server.listening;
  return { server, port, early, connections };
}

/** A ticket issued to 127.0.0.1 by the server. */
async function ticketFrom(w: Watched): Promise<Uint8Array> {
  const first = connect('127.0.0.1', w.port, {
    bindHost: '127.0.0.1',
    ca: id.caDer,
    servername: 'localhost',
    wallClock,
  });
  await first.opened;
  const ticket = await first.ticket;
  await first.close();
  if (ticket === undefined) throw new Error('no ticket');
  return new Uint8Array(ticket);
}

/** A fresh 0-RTT flight (ClientHello with a valid binder, then the early data) made with `session`. */
function zeroRttFlight(session: Uint8Array, text: string): Uint8Array[] {
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'localhost',
    wallClock,
    session,
    earlyData: enc(text),
  });
  client.connect(0);
  const flight: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) flight.push(d);
  return flight;
}

const bytes = (ds: readonly Uint8Array[]): number => ds.reduce((n, d) => n + d.length, 0);

/** The legitimate client: 0-RTT from the ticket's address; resolves with its verdict once its early data is delivered (or the wait ends). */
async function legitimateZeroRtt(w: Watched, session: Uint8Array): Promise<string | undefined> {
  const client = connect('127.0.0.1', w.port, {
    bindHost: '127.0.0.1',
    ca: id.caDer,
    servername: 'localhost',
    wallClock,
    session,
    earlyData: enc('legitimate'),
    handshakeTimeout: 8000,
  });
  const verdict = await client.opened.then(
    () => client.parameters?.earlyData,
    () => undefined,
  );
  await until(() => w.early.includes('127.0.0.1: legitimate'), 3000);
  await client.close();
  return verdict;
}

test('0-RTT ClientHellos from forged addresses: no connection, no early data, at most 1× reflection; the ticket holder still gets 0-RTT', async (t) => {
  const w = await watchedServer();
  const forgers: (Socket & { received: Uint8Array[] })[] = [];
  try {
    const session = await ticketFrom(w);
    w.connections.length = 0;
    const sent: number[] = [];
    for (let i = 0; i < FORGED; i++) {
      const socket = await rawSocket(`127.0.0.${i + 2}`);
      forgers.push(socket);
      const flight = zeroRttFlight(session, `forged from 127.0.0.${i + 2}`);
      sent.push(bytes(flight));
      await sendAll(socket, flight, w.port);
    }
    // Every forged ClientHello is answered (a HelloRetryRequest) before the legitimate client, sent after them, is served.
    await until(() => forgers.every((s) => s.received.length > 0), 5000);
    const stillHandshaking = w.server.stats.handshaking;
    t.is(
      await legitimateZeroRtt(w, session),
      'accepted',
      'the ticket holder, from its own address, still has its early data taken',
    );
    t.deepEqual(
      w.early,
      ['127.0.0.1: legitimate'],
      'no early data from an address the ticket does not name was delivered',
    );
    t.deepEqual(
      w.connections.filter((a) => a !== '127.0.0.1'),
      [],
      'no connection (and no handshake slot) for a forged address',
    );
    t.is(stillHandshaking, 0, 'the forged ClientHellos hold no handshake slot');
    forgers.forEach((s, i) =>
      t.true(bytes(s.received) <= sent[i]!, `127.0.0.${i + 2} got ${bytes(s.received)} bytes for ${sent[i]} sent`),
    );
    t.true(
      forgers.every((s) => s.received.every((d) => d[0] === 22)),
      'only handshake records (the HelloRetryRequest) went back',
    );
  } finally {
    for (const s of forgers) s.close();
    await w.server.close();
  }
});

test('a replayed 0-RTT ClientHello from the ticket holder’s own address: the store refuses it and it gets the cookie exchange, not a connection', async (t) => {
  const w = await watchedServer();
  const attacker = await rawSocket('127.0.0.1');
  try {
    const session = await ticketFrom(w);
    const flight = zeroRttFlight(session, 'once only');
    const victim = await rawSocket('127.0.0.1');
    await sendAll(victim, flight, w.port);
    await until(() => w.early.length > 0, 5000);
    t.deepEqual(w.early, ['127.0.0.1: once only']);
    const made = w.connections.length;
    const before = w.server.stats.handshaking;
    await sendAll(attacker, flight, w.port); // the replay, from the same address (another port)
    await until(() => attacker.received.length > 0, 5000);
    t.is(w.connections.length, made, 'no connection started for the replay');
    t.is(w.server.stats.handshaking, before, 'no handshake slot taken by the replay');
    t.deepEqual(w.early, ['127.0.0.1: once only'], 'its early data is not taken twice');
    t.true(
      attacker.received.length > 0 && bytes(attacker.received) <= bytes(flight),
      'a HelloRetryRequest no larger than what was sent',
    );
    victim.close();
  } finally {
    attacker.close();
    await w.server.close();
  }
});
