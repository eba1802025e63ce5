import test, { type ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { connect } from '../../runtime/api/connect.js';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import type { DtlsSession } from '../../runtime/api/session.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import type { ConnectionStats } from '../../runtime/shared/connection-api.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * A DTLS 1.3 or 1.2 server with `messageBuffers: 'batch'` opens the records one sender has in a receive batch in one call
 * (runtime/record/opened-ahead.ts), over real UDP: a relay between a client and the server holds the client's
 * datagrams, alters them as an attacker on the path would, and hands them to the server in one send (UDP GSO: one
 * buffer the server reads at once). The record layer's rules hold as for records opened one at a time: a forged
 * record in the middle is counted and the others delivered, a replayed one dropped, a reordered run delivered, a
 * KeyUpdate in the middle of a burst changes the read keys between records. DTLS 1.2 as well (no KeyUpdate there).
 * Without the addon (DTLS13_NATIVE=0) the same deliveries and counts, each record opened alone.
 */

const id = makeIdentity('p256', 'server.test');
const MESSAGE = 200;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether this process opens runs: the addon is built and DTLS13_OPEN_RUN does not turn it off. */
const runs = nativeProvider !== undefined && OPEN_RUNS;

async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= ms) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(5);
  }
}

interface Bed {
  readonly server: DtlsListener;
  readonly client: DtlsSession;
  /** The server's session. */
  readonly session: DtlsSession;
  /** What the server's application received, in order. */
  readonly received: string[];
  /** The client's datagrams held by the relay (while holding). */
  readonly held: Uint8Array[];
  hold: boolean;
  /** Sends `datagrams` to the server from the relay, in one call (GSO for a run of equal sizes). */
  release(datagrams: readonly Uint8Array[]): void;
  /** Forwards what is held, one by one. */
  flush(): void;
}

async function bed(t: ExecutionContext, version: Version = 'DTLSv1.3'): Promise<Bed> {
  const received: string[] = [];
  let session: DtlsSession | undefined;
  let connected = false;
  const server = listen(
    (s) => {
      session = s;
      void s.opened.then(() => (connected = true));
      s.onmessage = (data) => void received.push(data.toString());
    },
    { cert: [...id.chain], key: id.privateKey, host: '127.0.0.1', messageBuffers: 'batch' },
  );
  t.teardown(() => server.close());
  const { port: serverPort } = await server.listening;
  const relay: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => relay.close());
  let clientPort = 0;
  const state = {
    hold: false,
    held: [] as Uint8Array[],
  };
  const toServer = (datagrams: readonly Uint8Array[]): void =>
    DatagramIo.of(relay).send(datagrams, datagrams.length, serverPort, '127.0.0.1', false, () => {});
  relay.on('message', (msg, rinfo) => {
    const d = new Uint8Array(msg);
    if (rinfo.port === serverPort) relay.send(d, clientPort, '127.0.0.1');
    else {
      clientPort = rinfo.port;
      if (state.hold) state.held.push(d);
      else toServer([d]);
    }
  });
  const client = connect('127.0.0.1', relay.address().port, {
    ca: id.caDer,
    servername: 'server.test',
    maxVersion: version,
  });
  t.teardown(() => client.close());
  await client.opened;
  await until('the server to have the session', () => connected);
  // The server's handshake ACK has reached the client: nothing more of the handshake is on its way.
  await sleep(50);
  return {
    server,
    client,
    session: session!,
    received,
    held: state.held,
    get hold() {
      return state.hold;
    },
    set hold(v: boolean) {
      state.hold = v;
    },
    release: toServer,
    flush: () => toServer(state.held.splice(0)),
  };
}

type Version = 'DTLSv1.3' | 'DTLSv1.2';

/** The server session's record drops (session.stats.connectionStats). */
function drops(b: Bed): ConnectionStats['drops'] {
  const stats = b.session.stats.connectionStats;
  if (stats === undefined) throw new Error('the server session has no connection');
  return stats.drops;
}

const message = (i: number): string => `message ${i}`.padEnd(MESSAGE, '.');

/** Has the client send `n` messages (from `from`), held by the relay: one datagram each. */
async function heldBurst(b: Bed, n: number, from = 0): Promise<Uint8Array[]> {
  b.hold = true;
  b.held.length = 0;
  for (let i = 0; i < n; i++) b.client.send(message(from + i));
  // The messages' records are the datagrams longer than a message (ACKs and a KeyUpdate are shorter: forwarded as they are).
  const isMessage = (d: Uint8Array): boolean => d.length > MESSAGE;
  await until(`the relay to hold ${n} records`, () => b.held.filter(isMessage).length >= n);
  b.hold = false;
  const held = b.held.splice(0);
  b.release(held.filter((d) => !isMessage(d)));
  const burst = held.filter(isMessage);
  // One size: UDP GSO sends them as one buffer.
  if (!burst.every((d) => d.length === burst[0]!.length)) throw new Error('the burst has datagrams of different sizes');
  return burst;
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: a forged record in the middle of a batch is counted as a failed authentication, the others are delivered in order`, async (t) => {
    const b = await bed(t, version);
    const before = OPENED_AHEAD.taken;
    const burst = await heldBurst(b, 8);
    const forged = burst[3]!.slice();
    forged[forged.length - 1]! ^= 0x01; // the tag's last byte
    b.release([...burst.slice(0, 3), forged, ...burst.slice(4)]);
    await until('7 messages', () => b.received.length >= 7);
    await sleep(20);
    t.deepEqual(b.received, [0, 1, 2, 4, 5, 6, 7].map(message));
    t.is(drops(b).authentication, 1);
    if (runs) t.true(OPENED_AHEAD.taken - before >= 7, `${OPENED_AHEAD.taken - before} records opened in runs`);
    // The forged record's number is still free: the genuine one opens.
    b.release([burst[3]!]);
    await until('the genuine record', () => b.received.length === 8);
    t.is(b.received[7], message(3));
  });

  test(`${version}: a record replayed within a batch is dropped as a replay, delivered once`, async (t) => {
    const b = await bed(t, version);
    const before = OPENED_AHEAD.taken;
    const burst = await heldBurst(b, 6);
    b.release([burst[0]!, burst[1]!, burst[2]!, burst[1]!, burst[3]!, burst[4]!, burst[5]!, burst[0]!]);
    await until('6 messages', () => b.received.length >= 6);
    await until('two replays counted', () => drops(b).replay === 2);
    t.deepEqual(b.received, [0, 1, 2, 3, 4, 5].map(message));
    if (runs) t.true(OPENED_AHEAD.taken - before >= 6);
  });

  test(`${version}: records reordered within a batch are all delivered, in the order they arrived`, async (t) => {
    const b = await bed(t, version);
    const burst = await heldBurst(b, 8);
    const order = [1, 0, 3, 2, 7, 6, 5, 4];
    b.release(order.map((i) => burst[i]!));
    await until('8 messages', () => b.received.length >= 8);
    t.deepEqual(b.received, order.map(message));
    const dropped = drops(b);
    t.is(dropped.authentication + dropped.replay + dropped['too-old'], 0);
  });
}

test('DTLSv1.3: a KeyUpdate in the middle of a burst: the records on both sides of it are delivered, then records under the new keys', async (t) => {
  const b = await bed(t);
  b.hold = true;
  b.held.length = 0;
  const send = (i: number): void => void b.client.send(message(i));
  for (let i = 0; i < 4; i++) send(i);
  b.client.updateKeys();
  for (let i = 4; i < 8; i++) send(i);
  await until('the relay to hold 9 datagrams', () => b.held.length >= 9);
  b.hold = false;
  // Four records, the KeyUpdate, four records, in one call: the equal runs as GSO buffers, the KeyUpdate alone.
  b.flush();
  await until('8 messages', () => b.received.length >= 8);
  t.deepEqual(b.received, [0, 1, 2, 3, 4, 5, 6, 7].map(message));
  // Then a burst under whichever keys the client writes with now (epoch 4 once the server's ACK reached it).
  const burst = await heldBurst(b, 6, 8);
  b.release(burst);
  await until('14 messages', () => b.received.length >= 14);
  t.deepEqual(b.received.slice(8), [8, 9, 10, 11, 12, 13].map(message));
  t.is(drops(b).authentication, 0);
});

test.serial(
  'DTLSv1.3: records of the previous epoch interleaved in a run are opened alone, the run not again',
  async (t) => {
    const b = await bed(t);
    const old = await heldBurst(b, 4);
    b.release(old);
    await until('4 messages', () => b.received.length >= 4);
    // A KeyUpdate, and messages until the client writes under epoch 4 (its records' epoch bits 0); the server keeps epoch 3 a while.
    b.client.updateKeys();
    let n = 4;
    for (let waited = 0; ; waited += 20) {
      const probe = await heldBurst(b, 1, n++);
      b.release(probe);
      if ((probe[0]![0]! & 3) === 0) break;
      if (waited > 5_000) return t.fail('the client did not move to epoch 4');
      await sleep(20);
    }
    await until(`${n} messages`, () => b.received.length >= n);
    const before = OPENED_AHEAD.opened;
    const burst = await heldBurst(b, 8, n);
    // Each new record behind a replay of an old one (the same size): the old ones authenticate under epoch 3 and are replays.
    b.release(burst.flatMap((d, i) => (i === 0 ? [d] : [old[i % 4]!, d])));
    await until(`${n + 8} messages`, () => b.received.length >= n + 8);
    await until('7 replays', () => drops(b).replay >= 7);
    t.deepEqual(
      b.received.slice(n),
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => message(n + i)),
    );
    if (runs) t.true(OPENED_AHEAD.opened - before <= 8, `${OPENED_AHEAD.opened - before} records opened in runs for 8`);
  },
);
