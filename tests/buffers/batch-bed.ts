/**
 * A test bed for `messageBuffers: 'batch'` over real UDP (tests/buffers/batch-*.test.ts): a `listen` server in 'batch'
 * mode, a `connect` client, and between them a relay that holds the client's datagrams and hands them to the server in
 * one send (UDP GSO: one buffer the server reads at once), so a receive batch is certain, whatever the machine's speed.
 * What the server's `onmessage` does with each message is the test's.
 */
import type { ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { OPEN_RUNS, OPENED_AHEAD } from '../../runtime/record/opened-ahead.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import { pemIdentity } from '../api/fixtures.js';

const id = pemIdentity('localhost');
export const MESSAGE = 200;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what: string, condition: () => boolean, ms = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= ms) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(5);
  }
}

export type Version = 'DTLSv1.3' | 'DTLSv1.2';

export interface Bed {
  readonly session: () => DtlsSession | undefined;
  readonly client: DtlsSession;
  /** What the server's application read, in order (read before `onData` ran). */
  readonly received: string[];
  /** The byteLength of each message's ArrayBuffer as it was handed over. */
  readonly bufferSizes: number[];
  /** Has the client send `n` messages from `from`; the relay holds them and returns them (one datagram each). */
  burst(n: number, from: number): Promise<Uint8Array[]>;
  /** Holds every datagram the client sends while `send` runs, until `done` says the ones held are all; returns them. */
  capture(send: () => void, done: (held: readonly Uint8Array[]) => boolean): Promise<Uint8Array[]>;
  /** Sends `datagrams` to the server in one call (GSO for a run of equal sizes). */
  release(datagrams: readonly Uint8Array[]): void;
}

/** The `i`th message the client sends: MESSAGE bytes of latin1. */
/** The session goes on both ways: the server's session sends, the client receives it. */
export async function stillAnswers(t: ExecutionContext, b: Bed): Promise<void> {
  const reply = new Promise<string>((resolve) => (b.client.onmessage = (m) => resolve(m.toString('latin1'))));
  b.session()!.send('still here');
  t.is(await reply, 'still here');
}

export const message = (i: number): string => `message ${i}`.padEnd(MESSAGE, '.');

/** The bed for `version`; the server's `onmessage` records each message, then hands it to `onData`. */
export async function bed(t: ExecutionContext, version: Version, onData: (data: Buffer) => void): Promise<Bed> {
  const received: string[] = [];
  const bufferSizes: number[] = [];
  let session: DtlsSession | undefined;
  const listener = listen(
    (s) => {
      session = s;
      s.onmessage = (data) => {
        received.push(data.toString('latin1'));
        bufferSizes.push(data.buffer.byteLength);
        onData(data);
      };
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', messageBuffers: 'batch' },
  );
  t.teardown(() => listener.close());
  const { port: serverPort } = await listener.listening;
  const relay: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', () => resolve()));
  t.teardown(() => relay.close());
  let clientPort = 0;
  const state = { hold: false, held: [] as Uint8Array[] };
  const release = (datagrams: readonly Uint8Array[]): void => {
    if (datagrams.length > 0)
      DatagramIo.of(relay).send(datagrams, datagrams.length, serverPort, '127.0.0.1', false, () => {});
  };
  relay.on('message', (msg, rinfo) => {
    const d = new Uint8Array(msg);
    if (rinfo.port === serverPort) relay.send(d, clientPort, '127.0.0.1');
    else {
      clientPort = rinfo.port;
      if (state.hold) state.held.push(d);
      else release([d]);
    }
  });
  const client = connect('127.0.0.1', relay.address().port, {
    ca: id.ca,
    servername: 'localhost',
    maxVersion: version,
    minVersion: version,
  });
  t.teardown(() => client.destroy());
  await client.opened;
  await until('the server to have the session', () => session !== undefined);
  // The last of the handshake (the server's ACK, a 1.3 ticket and its ACK) settles before bursts are held.
  await sleep(50);
  return {
    session: () => session,
    client,
    received,
    bufferSizes,
    async burst(n, from) {
      state.hold = true;
      state.held.length = 0;
      for (let i = 0; i < n; i++) client.send(message(from + i));
      const isMessage = (d: Uint8Array): boolean => d.length > MESSAGE;
      await until(`the relay to hold ${n} records`, () => state.held.filter(isMessage).length >= n);
      state.hold = false;
      const held = state.held.splice(0);
      release(held.filter((d) => !isMessage(d)));
      const burst = held.filter(isMessage);
      if (!burst.every((d) => d.length === burst[0]!.length))
        throw new Error('the burst has datagrams of different sizes');
      return burst;
    },
    async capture(send, done) {
      state.hold = true;
      state.held.length = 0;
      send();
      await until('the relay to hold what was sent', () => done(state.held));
      state.hold = false;
      return state.held.splice(0);
    },
    release,
  };
}

/**
 * DTLSv1.3: `n` messages with the client's KeyUpdate in the middle (a handshake record under the same keys: the new ones
 * wait for its ACK, RFC 9147 §8) handed to the server as one receive batch, opened in one run; waits for the messages.
 */
export async function keyUpdateInBatch(t: ExecutionContext, b: Bed, n: number): Promise<void> {
  const before = { ...OPENED_AHEAD };
  const held = await b.capture(
    () => {
      for (let i = 0; i < n / 2; i++) b.client.send(message(i));
      b.client.updateKeys();
      for (let i = n / 2; i < n; i++) b.client.send(message(i));
    },
    (h) => h.length >= n + 1,
  );
  b.release(held);
  await until(`${n} messages`, () => b.received.length >= n);
  const taken = OPENED_AHEAD.taken - before.taken;
  t.log(`${held.length} datagrams, ${taken} records handed out from runs`);
  // Without the addon's runs nothing is opened before the application runs.
  if (nativeProvider !== undefined && OPEN_RUNS)
    t.true(taken > n / 2, 'the KeyUpdate lay in a run with the messages after it');
}
