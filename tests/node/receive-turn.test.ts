import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { DatagramIo } from '../../runtime/node/datagram-io.js';
import {
  advanceReceiveTurn,
  beginReceiveTurn,
  endReceiveTurn,
  receiveTurnNow,
  settleAtTurnEnd,
} from '../../runtime/node/receive-turn.js';
import { pemIdentity } from '../api/fixtures.js';
import { numbered, ownReading } from './support.js';

/**
 * A receive turn (runtime/node/receive-turn.ts) over real UDP sockets: a client's burst leaves in one GSO send and
 * the server reads it in few recvmmsg calls (GRO runs). Every message arrives once and in order, in DTLS 1.3 and 1.2,
 * 'batch' and 'own'; the server session's pump (its sends and timer, read here as calls of its connection's
 * `pollTimeout`) runs once per read of the socket that reached it, not once per datagram; a close_notify in the same
 * turn as the data comes after every message, and the session's end is told once.
 */

const id = pemIdentity('localhost');
/** Small enough that loopback's socket buffers hold the whole burst on a loaded machine. */
const N = 48;
const message = (i: number): Buffer => numbered(i, 300);

const reading = ownReading;

interface Served {
  readonly got: number[];
  session: DtlsSession | undefined;
  arrived(n: number): Promise<number[]>;
}

async function pair(
  maxVersion: 'DTLSv1.2' | 'DTLSv1.3',
  messageBuffers: 'batch' | 'own',
): Promise<{ served: Served; client: DtlsSession; io: DatagramIo; close: () => Promise<void> }> {
  let wake: (() => void) | undefined;
  const served: Served = {
    got: [],
    session: undefined,
    async arrived(n) {
      while (this.got.length < n) await new Promise<void>((r) => (wake = r));
      return this.got;
    },
  };
  const server = listen(
    (s) => {
      served.session = s;
      s.onmessage = (data) => {
        const i = data.readUInt16BE(0);
        served.got.push(data.equals(message(i)) ? i : -1); // -1: arrived changed
        wake?.();
      };
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxVersion, messageBuffers },
  );
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion });
  await client.opened;
  while (served.session === undefined) await new Promise((r) => setTimeout(r, 5));
  await served.session.opened;
  return {
    served,
    client,
    io: DatagramIo.of(server.admission.socket!),
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

const all = Array.from({ length: N }, (_, i) => i);

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  for (const mode of ['batch', 'own'] as const) {
    const title = `${version}, '${mode}': a burst read in GRO runs arrives whole and in order, one pump per read`;
    (reading ? test : test.skip)(reading ? title : `${title} (skipped: no own reading of the socket)`, async (t) => {
      const { served, client, io, close } = await pair(version, mode);
      const connection = served.session!.connection!;
      t.true(io.reading.own, 'the server reads its socket itself');
      const readsBefore = io.counts.reads;
      let pumps = 0;
      const pollTimeout = connection.pollTimeout;
      connection.pollTimeout = function (this: typeof connection) {
        pumps++;
        return pollTimeout.call(this);
      };
      try {
        for (let i = 0; i < N; i++) client.send(message(i));
        t.deepEqual(await served.arrived(N), all);
      } finally {
        connection.pollTimeout = pollTimeout;
      }
      const reads = io.counts.reads - readsBefore;
      t.log(`${N} datagrams, ${reads} reads of the socket with data, ${pumps} pumps of the server session`);
      // A read reaching the session pumps it once at its end; per datagram it would be N.
      t.true(pumps <= reads, `${pumps} pumps for ${reads} reads`);
      t.true(pumps < N / 2, `${pumps} pumps for ${N} datagrams`);
      await close();
    });

    test(`${version}, '${mode}': data and a close_notify sent in one turn: every message, then the end once`, async (t) => {
      const { served, client, close } = await pair(version, mode);
      const session = served.session!;
      let ends = 0;
      const order: string[] = [];
      session.onmessage = (data) => {
        const i = data.readUInt16BE(0);
        served.got.push(data.equals(message(i)) ? i : -1);
        order.push('message');
      };
      const closed = session.closed.then(() => {
        ends++;
        order.push('closed');
      });
      for (let i = 0; i < N; i++) client.send(message(i));
      void client.close();
      await closed;
      t.deepEqual(served.got, all);
      t.is(ends, 1);
      t.is(order.at(-1), 'closed');
      t.is(session.closeReason, 'close_notify');
      await close();
    });
  }
}

test('a turn reads the clock once, settles its sessions in order at its end, and a turn inside it keeps its own', (t) => {
  t.is(receiveTurnNow(), undefined, 'no clock outside a turn');
  t.false(settleAtTurnEnd({ settleTurn: () => t.fail() }), 'nothing waits outside a turn');
  const settled: string[] = [];
  const outer = beginReceiveTurn();
  const now = receiveTurnNow()!;
  t.is(receiveTurnNow(), now, 'the same reading for the whole turn');
  advanceReceiveTurn(now - 1);
  t.is(receiveTurnNow(), now, 'never backwards');
  advanceReceiveTurn(now + 1);
  t.is(receiveTurnNow(), now + 1, 'a later reading goes on');
  t.true(settleAtTurnEnd({ settleTurn: () => settled.push('a') }));
  const inner = beginReceiveTurn();
  t.true(receiveTurnNow()! >= now, 'a turn inside reads the clock itself');
  t.true(settleAtTurnEnd({ settleTurn: () => settled.push('inner') }));
  endReceiveTurn(inner);
  t.deepEqual(settled, ['inner'], 'the inner turn settles its own, not the outer ones');
  t.is(receiveTurnNow(), now + 1, 'the outer turn goes on with its reading');
  settleAtTurnEnd({
    settleTurn: () => {
      settled.push('b');
      throw new Error('b failed');
    },
  });
  settleAtTurnEnd({ settleTurn: () => settled.push('c') });
  t.throws(() => endReceiveTurn(outer), { message: 'b failed' }, 'the first error, once every session settled');
  t.deepEqual(settled, ['inner', 'a', 'b', 'c']);
  t.is(receiveTurnNow(), undefined, 'no turn after the outermost ended');
});
