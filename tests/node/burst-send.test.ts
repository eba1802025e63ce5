import test from 'ava';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { connect, listen, type DtlsListener, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';

/**
 * A burst: several `send()` calls in one turn, over real UDP sockets. Each
 * message is its own record and datagram, and arrives once and in order;
 * every send callback says it was written. With the addon, the DTLS 1.3
 * burst is sealed in one addon call per slab the records lie in (a run
 * of one record by recordSeal) and handed to the kernel in one udpSendLaid call
 * (sendmmsg, or one UDP GSO send for equal-sized datagrams); DTLS 1.2's the
 * same way, by record12SealBatch and record12Seal.
 */

const id = pemIdentity('localhost');
/** Small enough that loopback's socket buffers hold the whole burst on a loaded machine. */
const N = 24;

const message = (i: number): Buffer => {
  const b = Buffer.alloc(100 + (i % 3) * 40, i); // three sizes: GSO takes the equal runs, sendmmsg the rest
  b.writeUInt16BE(i, 0);
  return b;
};

/** A server collecting what its one session receives, and a client session to it, opened. */
async function pair(
  maxVersion: 'DTLSv1.2' | 'DTLSv1.3',
): Promise<{ server: DtlsListener; client: DtlsSession; arrived: (n: number) => Promise<number[]> }> {
  const got: number[] = [];
  let wake: (() => void) | undefined;
  const server = listen(
    (s) => {
      s.onmessage = (data) => {
        const i = data.readUInt16BE(0);
        got.push(data.equals(message(i)) ? i : -1); // -1: arrived changed
        wake?.();
      };
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', maxVersion },
  );
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion });
  await client.opened;
  const arrived = async (n: number): Promise<number[]> => {
    while (got.length < n) await new Promise<void>((r) => (wake = r));
    return got;
  };
  return { server, client, arrived };
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: ${N} sends in one turn arrive complete, once and in order; every callback says written`, async (t) => {
    const { server, client, arrived } = await pair(version);
    t.is(client.protocol, version);
    const callbacks: (Error | null)[] = [];
    for (let i = 0; i < N; i++) client.send(message(i), (e) => callbacks.push(e));
    t.deepEqual(
      await arrived(N),
      Array.from({ length: N }, (_, i) => i),
    );
    await client.flushed();
    t.deepEqual(callbacks, Array<null>(N).fill(null));
    client.close();
    await server.close();
  });
}

const batching =
  nativeBinding !== undefined &&
  process.platform === 'linux' &&
  !['0', 'off', 'false', 'no'].includes((process.env.DTLS13_UDP_BATCH ?? '').toLowerCase());
for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  const sealedAndSent = `${version} with the addon: a burst is sealed in one call per slab, and leaves in one udpSendLaid call`;
  (batching ? test : test.skip)(
    batching
      ? sealedAndSent
      : `${sealedAndSent} (skipped: the addon is off, DTLS13_NATIVE=0 or DTLS13_UDP_BATCH=0, or not Linux)`,
    async (t) => {
      const { server, client, arrived } = await pair(version);
      const b = nativeBinding!;
      const calls = { seal: 0, batchRecords: 0, batchCalls: 0, sends: [] as number[] };
      const { recordSeal, recordSealBatch, record12Seal, record12SealBatch, udpSendLaid } = b;
      b.recordSeal = (...a) => (calls.seal++, recordSeal.apply(b, a));
      b.recordSealBatch = (...a) => (calls.batchCalls++, (calls.batchRecords += a[3]), recordSealBatch.apply(b, a));
      b.record12Seal = (...a) => (calls.seal++, record12Seal.apply(b, a));
      b.record12SealBatch = (...a) => (
        calls.batchCalls++,
        (calls.batchRecords += a[3]),
        record12SealBatch!.apply(b, a)
      );
      b.udpSendLaid = (...a) => (calls.sends.push(a[3]), udpSendLaid.apply(b, a));
      try {
        for (let i = 0; i < N; i++) client.send(message(i));
        await Promise.resolve(); // the pump the first send queued runs before this continuation
      } finally {
        Object.assign(b, { recordSeal, recordSealBatch, record12Seal, record12SealBatch, udpSendLaid });
      }
      // One call per 64 KiB slab the burst lies in (it may cross one boundary); a run of one record takes the single call.
      t.is(calls.seal + calls.batchRecords, N, 'every record sealed once');
      t.true(
        calls.seal + calls.batchCalls <= 2,
        `${calls.batchCalls} batch calls and ${calls.seal} single ones for ${N} records`,
      );
      t.deepEqual(calls.sends, [N], 'the whole burst in one call');
      t.deepEqual(
        await arrived(N),
        Array.from({ length: N }, (_, i) => i),
      );
      client.close();
      await server.close();
    },
  );
}
