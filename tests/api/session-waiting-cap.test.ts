import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity, sleep } from './fixtures.js';

// Messages that arrive before the application sets onmessage wait for it: 1,024 messages and 1 MiB at most, so a
// peer cannot make a session hold more; what does not fit is dropped and counted in stats.messagesDropped.

const id = pemIdentity('localhost');
const WAITING_MESSAGES = 1024;
const WAITING_BYTES = 1 << 20;

/**
 * A server session that sends `count` messages of `size` bytes to a client that sets no onmessage until they have all
 * arrived; then what the client's onmessage gets. The sender keeps at most 64 messages ahead of what the client has
 * received (both ends are in this process), so a busy machine does not overflow the client's socket buffer.
 */
async function parked(
  count: number,
  size: number,
): Promise<{ delivered: number[]; dropped: number; received: number }> {
  const client: { session?: DtlsSession } = {};
  const received = (): number => client.session?.stats.messagesReceived ?? 0;
  const endpoint = listen(
    (s) =>
      void s.opened.then(async () => {
        for (let i = 0; i < count; i++) {
          for (let waited = 0; i - received() >= 64 && waited < 10_000; waited += 5) await sleep(5);
          const m = Buffer.alloc(size, i % 251);
          m.writeUInt32BE(i);
          s.send(m);
        }
      }),
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  const { port } = await endpoint.listening;
  const session: DtlsSession = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  client.session = session;
  try {
    await session.opened;
    for (let waited = 0; received() < count && waited < 20_000; waited += 25) await sleep(25);
    const delivered: number[] = [];
    session.onmessage = (d) => delivered.push(d.readUInt32BE(0));
    await sleep(0);
    return { delivered, dropped: session.stats.messagesDropped, received: received() };
  } finally {
    await session.close();
    await endpoint.close();
  }
}

test('at most 1,024 messages wait for onmessage: the first ones, in order; the rest are counted as dropped', async (t) => {
  const r = await parked(WAITING_MESSAGES + 40, 16);
  t.is(r.received, WAITING_MESSAGES + 40, 'every message arrived');
  t.deepEqual(
    r.delivered,
    Array.from({ length: WAITING_MESSAGES }, (_, i) => i),
  );
  t.is(r.dropped, 40);
});

test('at most 1 MiB of messages wait for onmessage, whatever their number', async (t) => {
  const size = 1100;
  const fit = Math.floor(WAITING_BYTES / size); // 953, fewer than the 1,024-message cap
  const r = await parked(fit + 30, size);
  t.is(r.received, fit + 30, 'every message arrived');
  t.deepEqual(
    r.delivered,
    Array.from({ length: fit }, (_, i) => i),
  );
  t.is(r.dropped, 30);
});
