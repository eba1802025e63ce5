import test from 'ava';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity, sleep } from './fixtures.js';

// Messages that arrive before the application sets onmessage wait for it: 1,024 messages and 1 MiB at most, so a
// peer cannot make a session hold more; what does not fit is dropped and counted in stats.messagesDropped.

const id = pemIdentity('localhost');
const WAITING_MESSAGES = 1024;
const WAITING_BYTES = 1 << 20;

/**
 * A server session that sends `count` messages of `size` bytes (paced, so loopback does not drop them) to a client
 * that sets no onmessage until they have all arrived; then what the client's onmessage gets.
 */
async function parked(count: number, size: number): Promise<{ delivered: number[]; dropped: number; received: number }> {
  const endpoint = listen(
    (s) =>
      void s.opened.then(async () => {
        for (let i = 0; i < count; i++) {
          const m = Buffer.alloc(size, i % 251);
          m.writeUInt32BE(i);
          s.send(m);
          if (i % 32 === 31) await sleep(2);
        }
      }),
    { cert: id.cert, key: id.key, host: '127.0.0.1' },
  );
  const { port } = await endpoint.listening;
  const session: DtlsSession = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  try {
    await session.opened;
    for (let waited = 0; session.stats.messagesReceived < count && waited < 200; waited++) await sleep(25);
    const delivered: number[] = [];
    session.onmessage = (d) => delivered.push(d.readUInt32BE(0));
    await sleep(0);
    return { delivered, dropped: session.stats.messagesDropped, received: session.stats.messagesReceived };
  } finally {
    await session.close();
    await endpoint.close();
  }
}

test('at most 1,024 messages wait for onmessage: the first ones, in order; the rest are counted as dropped', async (t) => {
  const r = await parked(WAITING_MESSAGES + 40, 16);
  t.is(r.received, WAITING_MESSAGES + 40, 'every message arrived (loopback, paced)');
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
  t.is(r.received, fit + 30, 'every message arrived (loopback, paced)');
  t.deepEqual(
    r.delivered,
    Array.from({ length: fit }, (_, i) => i),
  );
  t.is(r.dropped, 30);
});
