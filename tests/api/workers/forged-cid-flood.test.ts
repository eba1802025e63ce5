import { type ExecutionContext } from 'ava';
import { randomFillSync } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { clientOn, exchange, hashedWorker, until, workersServer } from './support.js';
import { workersTest } from './workers-test.js';

/**
 * Records with forged CIDs aimed at worker 0 (the worker byte says 0, the
 * rest is random: no session holds them), sent over real UDP from a port
 * the kernel's hash gives worker 1, while a client of worker 0 keeps
 * talking. Without the steering program the forged records land on worker
 * 1, which looks each CID up in worker 0's table (cid-directory.ts) and
 * drops it there: none crosses to worker 0's event loop. With it they go
 * straight to worker 0's socket and cost one lookup each there. Either
 * way every round trip of the genuine session completes while the flood
 * is in flight. The flood is paced by what the server has read (no test
 * here depends on how fast a socket buffer drains).
 */
const CHUNKS = 20;
const PER_CHUNK = 150;
const FORGED = CHUNKS * PER_CHUNK;

function forgedRecord(): Buffer {
  const d = Buffer.alloc(64);
  randomFillSync(d);
  d[0] = 0x3c; // unified header: C, S (16-bit sequence number), L
  d[1] = 0; // host 0
  d[2] = 0; // worker 0
  return d;
}

async function boundAt(port: number): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve());
  });
  return s;
}

/** A local port the kernel's hash gives `worker` (probed with a junk datagram each). */
async function portHashedTo(server: ReturnType<typeof workersServer>, worker: number): Promise<number> {
  for (let port = 41_000 + Math.floor(Math.random() * 10_000), tries = 0; tries < 64; tries++, port++) {
    if ((await hashedWorker(server, port)) === worker) return port;
  }
  throw new Error(`no local port hashed to worker ${worker} in 64 tries`);
}

async function flood(t: ExecutionContext, steered: boolean): Promise<void> {
  if (steered) delete process.env.DTLS13_REUSEPORT_STEERING;
  else process.env.DTLS13_REUSEPORT_STEERING = '0';
  const server = workersServer(t);
  const { port } = await server.listening;
  t.is(server.stats.steered, steered, steered ? 'the steering program is attached (native addon)' : 'steering is off');
  const client = await clientOn(t, port, 0);
  const attacker = await boundAt(await portHashedTo(server, 1));
  t.teardown(() => attacker.close());
  const received = (): number => server.stats.packetsReceived;

  const answered: string[] = [];
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const before = received();
    for (let i = 0; i < PER_CHUNK; i++) attacker.send(forgedRecord(), port, '127.0.0.1');
    // The genuine round trip, with this chunk sent and the rest of the flood still to come.
    answered.push(await exchange(client, `during ${chunk}`));
    await until(() => received() - before >= PER_CHUNK);
  }
  t.deepEqual(
    answered,
    Array.from({ length: CHUNKS }, (_, i) => `0: during ${i}`),
    'every round trip completed, in order, while the flood was in flight',
  );

  await until(() => server.stats.unknownConnectionId >= FORGED);
  const [zero, one] = server.stats.workers as [(typeof server.stats.workers)[0], (typeof server.stats.workers)[0]];
  t.is(server.stats.unknownConnectionId, FORGED, 'every forged record dropped as an unknown CID, once');
  t.is(one.forwardedOut, 0, 'no forged record handed to worker 0');
  t.is(zero.forwardedIn, 0, 'worker 0\u2019s event loop got none from worker 1');
  if (steered)
    t.is(zero.unknownConnectionId, FORGED, 'steered: all on worker 0\u2019s socket, each dropped by one lookup');
  else t.is(one.unknownConnectionId, FORGED, 'not steered: all dropped on worker 1, where the hash put them');

  // A genuine CID still crosses: the client moves until a record of it lands on worker 1, which hands it to worker 0.
  for (let i = 0; i < 24 && !steered && server.stats.workers[1]!.forwardedOut === 0; i++) {
    await client.rebind();
    t.is(await exchange(client, `moved ${i}`), `0: moved ${i}`);
  }
  if (!steered)
    t.true(
      server.stats.workers[1]!.forwardedOut > 0,
      'the genuine session\u2019s record was handed over (its CID is in worker 0\u2019s table)',
    );
  t.is(await exchange(client, 'after'), '0: after');
  await client.close();
  await server.close();
}

workersTest.serial(
  'a forged-CID flood at worker 0 without steering: dropped where it lands, never handed to worker 0; its session answers throughout',
  (t) => flood(t, false),
);

workersTest.serial(
  'a forged-CID flood at worker 0 with steering: one lookup each on worker 0; its session answers throughout',
  (t) => flood(t, true),
);
