import test from 'ava';
import { createSocket } from 'node:dgram';
import { MAX_HELD_MESSAGES } from '../../runtime/dtls13/peer-confirmation.js';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { DatagramIo, SEND_BATCH_MAX } from '../../runtime/node/datagram-io.js';
import { connect, listen } from '../../runtime/index.js';
import { HoldingRelay, unifiedEpochBits } from '../support/holding-relay.js';
import { pemIdentity, sleep } from '../api/fixtures.js';

/**
 * Issue 56, finding 4: a DTLS 1.3 client holds what it sends until the server confirms its handshake (at most
 * MAX_HELD_MESSAGES, 1,024), then releases it with its own datagrams in one send of the endpoint's. The addon's
 * udpSendLaid takes at most SEND_BATCH_MAX (1,024) datagrams a call: a send of more is split into as many calls as it
 * takes, so the two caps are independent. Real UDP; a relay holds the server's answer to the client's final flight, so
 * the client holds its sends for as long as the test says, not for as long as the machine is slow.
 */

const serverId = pemIdentity('localhost');
const clientId = pemIdentity('device.test', 'device CA');
const batching =
  nativeBinding !== undefined &&
  process.platform === 'linux' &&
  !['0', 'off', 'false', 'no'].includes((process.env.DTLS13_UDP_BATCH ?? '').toLowerCase());

/** Calls of udpSendLaid while `run` runs: how many datagrams each was given. */
async function sendCalls(run: () => Promise<void>): Promise<number[]> {
  const b = nativeBinding!;
  const calls: number[] = [];
  const original = b.udpSendLaid;
  b.udpSendLaid = (...a) => (calls.push(a[3]), original.apply(b, a));
  try {
    await run();
  } finally {
    b.udpSendLaid = original;
  }
  return calls;
}

const sendMany =
  'one send of 2,500 datagrams leaves in calls of at most 1,024 to the addon, each datagram reported written';
(batching ? test.serial : test.skip)(
  batching ? sendMany : `${sendMany} (skipped: no addon, DTLS13_UDP_BATCH=0, or not Linux)`,
  async (t) => {
    const sink = createSocket('udp4');
    const source = createSocket('udp4');
    await Promise.all(
      [sink, source].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()))),
    );
    t.teardown(() => {
      sink.close();
      source.close();
    });
    const datagrams = Array.from({ length: 2_500 }, (_, i) => new Uint8Array([i >> 8, i & 0xff, 1, 2, 3]));
    const outcomes: (Error | null | undefined)[] = [];
    const calls = await sendCalls(async () => {
      await new Promise<void>((resolve) =>
        DatagramIo.of(source).send(datagrams, datagrams.length, sink.address().port, '127.0.0.1', false, (e) => {
          outcomes.push(e);
          if (outcomes.length === datagrams.length) resolve();
        }),
      );
    });
    t.is(SEND_BATCH_MAX, 1024);
    t.true(calls.length >= 3, `${calls.length} calls`);
    t.true(
      calls.every((n) => n >= 1 && n <= SEND_BATCH_MAX),
      `calls of ${calls.join(', ')}`,
    );
    t.is(outcomes.length, datagrams.length);
    t.true(
      outcomes.every((e) => e === undefined || e === null),
      'every datagram written',
    );
  },
);

/** A server asking for a client certificate (so a 1.3 client holds its sends until the server's answer), keeping what it gets. */
async function certServer(): Promise<{ port: number; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const listener = listen(
    (s) => {
      s.onmessage = (data) => {
        const text = data.toString('latin1');
        received.push(text);
        if (text === 'echo') s.send(data);
      };
    },
    { cert: serverId.cert, key: serverId.key, host: '127.0.0.1', requestCert: true, ca: clientId.ca },
  );
  const { port } = await listener.listening;
  return { port, received, close: () => listener.close() };
}

for (const sends of [MAX_HELD_MESSAGES - 1, MAX_HELD_MESSAGES, MAX_HELD_MESSAGES + 100]) {
  test.serial(
    `${sends} sends while the client waits for the server's confirmation: ${Math.min(sends, MAX_HELD_MESSAGES)} held and then written, the rest refused by name; the session goes on`,
    async (t) => {
      const server = await certServer();
      let finalFlightSeen = false;
      const relay = await HoldingRelay.start(server.port, (from, d) => {
        if (from === 'client' && unifiedEpochBits(d) === 2) finalFlightSeen = true;
        return from === 'server' && finalFlightSeen ? 'hold' : 'pass';
      });
      const client = connect('127.0.0.1', relay.port, {
        ca: serverId.ca,
        servername: 'localhost',
        cert: clientId.cert,
        key: clientId.key,
        maxVersion: 'DTLSv1.3',
      });
      t.teardown(async () => {
        client.destroy();
        relay.close();
        await server.close();
      });
      // The client's side of the handshake is done (paced by state): its Finished is out, the server's answer held at the relay.
      while (client.parameters === undefined && !client.destroyed) await sleep(2);
      const outcomes: (Error | null)[] = [];
      const refused: unknown[] = [];
      for (let i = 0; i < sends; i++) {
        try {
          client.send(`held ${i}`.padEnd(16, '.'), (e) => outcomes.push(e));
        } catch (e) {
          refused.push(e);
        }
      }
      const held = Math.min(sends, MAX_HELD_MESSAGES);
      t.is(refused.length, sends - held);
      for (const e of refused) {
        t.is((e as { code?: string }).code, 'ERR_INVALID_STATE');
        t.regex((e as Error).message, /1024 messages are held until the server confirms the handshake/);
      }
      const calls = batching
        ? await sendCalls(async () => {
            relay.release();
            await client.opened;
            await client.flushed();
          })
        : (relay.release(), await client.opened, await client.flushed(), []);
      await (async () => {
        for (let waited = 0; outcomes.length < held && waited < 10_000; waited += 5) await sleep(5);
      })();
      // Every held message was written to the socket: none was lost inside the library.
      t.is(outcomes.length, held);
      t.true(
        outcomes.every((e) => e === null),
        `${outcomes.filter((e) => e !== null).length} held sends failed`,
      );
      if (batching)
        t.true(
          calls.every((n) => n <= SEND_BATCH_MAX) && calls.reduce((a, b) => a + b, 0) >= held,
          `udpSendLaid calls of ${calls.join(', ')}`,
        );
      // The session goes on both ways (what arrives of the burst is up to the loopback's buffers: in order, no repeats).
      // Sent again until answered: the loopback may drop it behind the burst, and UDP does not send it again.
      let answered = false;
      const reply = new Promise<string>((resolve) => (client.onmessage = (m) => resolve(m.toString('latin1')))).finally(
        () => (answered = true),
      );
      for (let i = 0; i < 50 && !answered; i++) {
        client.send('echo');
        await Promise.race([reply, sleep(200)]);
      }
      t.is(await reply, 'echo');
      const burst = server.received.filter((m) => m.startsWith('held '));
      const numbers = burst.map((m) => Number.parseInt(m.slice(5), 10));
      t.true(
        numbers.every((n, i) => i === 0 || n > numbers[i - 1]!),
        'in order, none twice',
      );
      t.log(
        `${held} held, ${burst.length} arrived at the server through the relay, udpSendLaid calls: ${calls.join(', ') || 'none (no addon)'}`,
      );
      t.is(client.closeReason, undefined);
    },
  );
}
