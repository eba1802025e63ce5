import test, { type ExecutionContext } from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { createClient } from 'redis';
import { listen } from '../../runtime/api/listener.js';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';
import { recordedEarlyFlight } from './early-flight.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { ageAntiReplayStore, startRedis } from '../support/redis-server.js';

/**
 * Attacker: a recorded 0-RTT flight, replayed after the shared Redis store evicted keys. A real redis-server
 * (Debian's) with `--maxmemory 4mb` is shared with a cache: other keys, each with a TTL, are written until Redis
 * evicts. Under volatile-lru and volatile-ttl, Redis used to drop the store's binder keys (they had a TTL) and keep
 * its epoch key (it had none), and the copy's early data was taken again. The store's epoch and binders now share one
 * key with no TTL (runtime/session/redis-anti-replay.ts): a volatile-* policy never evicts it, an allkeys-* policy
 * evicts all of it, and the store then refuses 0-RTT for one freshness window.
 */

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(32).fill(0x5d);
const CACHE_VALUE = 'c'.repeat(4096);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await done()); i++) await sleep(20);
}

type Redis = ReturnType<typeof createClient>;

async function evictedKeys(redis: Redis): Promise<number> {
  return Number(/evicted_keys:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0);
}

/** Writes cache entries (4 KiB, one hour's TTL, as a shared cache would) until `done`; how many. */
async function fillCache(redis: Redis, done: () => Promise<boolean>): Promise<number> {
  let written = 0;
  for (let batch = 0; batch < 400 && !(await done()); batch++) {
    await Promise.all(
      Array.from({ length: 50 }, () => redis.set(`cache:${written++}`, CACHE_VALUE, { PX: 3_600_000 })),
    );
  }
  return written;
}

async function openSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

const policies = ['volatile-lru', 'volatile-ttl', 'allkeys-lru'] as const;

async function replayAfterEviction(t: ExecutionContext, policy: (typeof policies)[number]): Promise<void> {
  const redisServer = await startRedis(undefined, ['--maxmemory', '4mb', '--maxmemory-policy', policy]);
  await ageAntiReplayStore(redisServer.url);
  const redis = createClient({ url: redisServer.url });
  await redis.connect();
  const store = new RedisAntiReplay(redis);
  const early: string[] = [];
  const server = listen(
    (session) => {
      session.onmessage = (data, isEarly) => isEarly && early.push(data.toString());
    },
    {
      cert: [...id.chain],
      key: id.privateKey,
      host: '127.0.0.1',
      wallClock,
      ticketKeys,
      maxEarlyData: 1024,
      antiReplay: store,
    },
  );
  const { port } = await server.listening;
  const sockets: Socket[] = [];
  const sendFrom = async (flight: Uint8Array[]): Promise<void> => {
    const socket = await openSocket();
    sockets.push(socket);
    for (const d of flight) socket.send(d, port, '127.0.0.1');
  };
  const refused = (): number => server.stats.antiReplay?.refused ?? 0;
  try {
    const flight = await recordedEarlyFlight(port, id.caDer, wallClock, 'PAY 100');
    await sendFrom(flight);
    await until(() => early.length > 0);
    t.deepEqual(early, ['PAY 100'], 'the flight is taken once');

    // The store's keys are now the least recently used (Redis's LRU clock counts seconds): the cache evicts them first.
    await sleep(1100);
    const allkeys = policy.startsWith('allkeys');
    const written = await fillCache(redis, async () =>
      allkeys ? (await redis.exists(store.epochKey)) === 0 : (await evictedKeys(redis)) >= 2000,
    );
    const evicted = await evictedKeys(redis);
    const storeKept = await redis.exists(store.epochKey);
    t.log(`${policy}: ${written} cache entries written, ${evicted} keys evicted`);
    t.true(evicted > 0, 'Redis evicted');

    const refusedBefore = refused();
    await sendFrom(flight); // the copy, from another port of the ticket's address
    await until(() => refused() > refusedBefore || early.length > 1);
    t.deepEqual(early, ['PAY 100'], 'the copy is refused after the eviction');
    t.is(refused(), refusedBefore + 1);

    const fresh = await recordedEarlyFlight(port, id.caDer, wallClock, 'PAY 200');
    await sendFrom(fresh);
    if (!allkeys) {
      // No TTL on the store's key: volatile-* never takes it, and the store vouches throughout.
      t.is(await redis.exists(store.epochKey), 1, 'the store kept its key');
      await until(() => early.length > 1);
      t.deepEqual(early, ['PAY 100', 'PAY 200'], 'a fresh flight is taken at once');
    } else {
      // The whole store was evicted, epoch too: it refuses for one freshness window (20 s for the server).
      t.is(storeKept, 0, 'allkeys-lru evicted the store\u2019s key');
      await until(() => refused() > refusedBefore + 1 || early.length > 1);
      t.deepEqual(early, ['PAY 100'], 'a fresh flight within the window is refused too');
      // Past a window (a short one, as the store's own caller may pass), the store takes ClientHellos again.
      await sleep(60);
      t.true(await store.admit(new Uint8Array(32).fill(0x61), 50), 'past the window, a new ClientHello is taken');
      t.false(await store.admit(new Uint8Array(32).fill(0x61), 50), 'once');
    }
  } finally {
    for (const socket of sockets) socket.close();
    await server.close();
    await redis.quit().catch(() => {});
    await redisServer.stop();
  }
}

for (const policy of policies) {
  test.serial(`a 0-RTT flight replayed after Redis evicted under ${policy} is refused`, replayAfterEviction, policy);
}

test.serial('the store is one key without a TTL; what each admitted ClientHello adds to it', async (t) => {
  const redisServer = await startRedis();
  await ageAntiReplayStore(redisServer.url);
  const redis = createClient({ url: redisServer.url });
  await redis.connect();
  const store = new RedisAntiReplay(redis);
  const count = 1000;
  try {
    const before = (await redis.memoryUsage(store.epochKey, { SAMPLES: 0 })) ?? 0;
    for (let i = 0; i < count; i++) {
      const binder = new Uint8Array(32);
      new DataView(binder.buffer).setUint32(0, i + 1);
      t.true(await store.admit(binder, 20_000));
    }
    t.is(await redis.dbSize(), 1);
    t.is(await redis.pTTL(store.epochKey), -1, 'no TTL: no volatile-* policy evicts it');
    t.is(await redis.zCard(store.epochKey), count + 1, 'the epoch and every binder');
    const after = (await redis.memoryUsage(store.epochKey, { SAMPLES: 0 })) ?? 0;
    const perHello = (after - before) / count;
    t.log(
      `MEMORY USAGE: ${before} bytes with the epoch alone, ${after} with ${count} binders: ${perHello} per ClientHello`,
    );
    t.true(
      perHello <= 200,
      'at most 200 bytes per ClientHello admitted in the last window (docs/security/zero-rtt.md)',
    );
    // Expired binders go at the next admit: the set holds one window's ClientHellos.
    t.true(await store.admit(new Uint8Array(32).fill(0xee), 20));
    await sleep(30);
    t.true(await store.admit(new Uint8Array(32).fill(0xef), 20));
    t.is(await redis.zCard(store.epochKey), count + 2, 'the expired binder went, those within their window stay');
  } finally {
    await redis.quit().catch(() => {});
    await redisServer.stop();
  }
});
