import { type ExecutionContext } from 'ava';
import { connect } from '../../../runtime/index.js';
import { listenWorkers } from '../../../runtime/workers.js';
import type { DtlsWorkerListener } from '../../../runtime/api/workers/worker-listener.js';
import { ECHO_WORKER, exchange, id, until, workerOf } from './support.js';
import { workersTest } from './workers-test.js';

/**
 * A second worker must add no work to a handshake: every datagram of one
 * handshake (cookie exchange, flights, ACKs, the first message) reaches one
 * worker's socket, nothing crosses between the workers (no datagram
 * forwarded, no message posted to the primary or the other worker), with and
 * without CIDs (with them, the steering program keeps a session's records on
 * the worker its CID names). Counted in the workers' statistics rows, over
 * real UDP on 127.0.0.1.
 */

const HANDSHAKES = 8;

async function oneWorkerEach(t: ExecutionContext, server: DtlsWorkerListener, cid: number): Promise<void> {
  const { port } = await server.listening;
  const served = new Set<number>();
  let sent = 0;
  for (let i = 0; i < HANDSHAKES; i++) {
    const before = server.stats.workers.map((w) => w.packetsReceived);
    const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', cid });
    t.teardown(() => client.destroy());
    await client.opened;
    const worker = workerOf(await exchange(client, `handshake ${i}`));
    served.add(worker);
    const datagrams = client.stats.datagramsSent;
    sent += datagrams;
    client.destroy(); // no close_notify: what the worker received is what the client had sent
    const moved = (): number[] => server.stats.workers.map((w, j) => w.packetsReceived - before[j]!);
    await until(() => moved().reduce((a, m) => a + m, 0) >= datagrams);
    t.true(
      datagrams >= 3,
      `handshake ${i}: the client sent ${datagrams} datagrams (two ClientHellos, its Finished at least)`,
    );
    t.deepEqual(
      moved(),
      server.stats.workers.map((_, j) => (j === worker ? datagrams : 0)),
      `handshake ${i}: all ${datagrams} datagrams on worker ${worker}, none on another`,
    );
  }
  const rows = server.stats.workers;
  t.is(
    rows.reduce((a, w) => a + w.packetsReceived, 0),
    sent,
    'every datagram the clients sent was received once',
  );
  t.is(
    rows.reduce((a, w) => a + w.serverSessions, 0),
    HANDSHAKES,
  );
  for (const [j, w] of rows.entries()) {
    t.is(w.forwardedOut + w.forwardedIn, 0, `worker ${j} forwarded nothing and was handed nothing`);
    t.is(w.messagesPosted, 0, `worker ${j} posted no message to the primary or the other worker`);
  }
  t.log(`workers that served a handshake: ${[...served].join(', ')}`);
}

workersTest('without CIDs: each handshake on one worker, nothing across threads', async (t) => {
  const server = listenWorkers(ECHO_WORKER, { workers: 2, cert: id.cert, key: id.key, host: '127.0.0.1' });
  t.teardown(() => server.close());
  await oneWorkerEach(t, server, 0);
});

workersTest('with CIDs naming the worker: each handshake on one worker, nothing across threads', async (t) => {
  const server = listenWorkers(ECHO_WORKER, { workers: 2, cert: id.cert, key: id.key, host: '127.0.0.1', cid: 8 });
  t.teardown(() => server.close());
  await oneWorkerEach(t, server, 4);
});

workersTest(
  'messagesPosted counts what crosses threads: a refused ClientHello is told to the primary, once',
  async (t) => {
    const server = listenWorkers(ECHO_WORKER, {
      workers: 2,
      cert: id.cert,
      key: id.key,
      host: '127.0.0.1',
      ciphers: 'TLS_AES_256_GCM_SHA384',
    });
    t.teardown(() => server.close());
    const { port } = await server.listening;
    const told = new Promise<void>((resolve) => (server.onhandshakeerror = () => resolve()));
    const client = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      ciphers: 'TLS_CHACHA20_POLY1305_SHA256',
    });
    t.teardown(() => client.destroy());
    await t.throwsAsync(client.opened, { message: /handshake_failure/ });
    await told;
    await until(() => server.stats.workers.some((w) => w.messagesPosted > 0));
    t.deepEqual(
      server.stats.workers.map((w) => w.messagesPosted).sort(),
      [0, 1],
      'one message (the refusal, for onhandshakeerror), from the worker that refused it',
    );
  },
);
