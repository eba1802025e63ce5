import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createClient } from 'redis';
import { listen, type DtlsListener } from '../../runtime/api/listener.js';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';
import { recordedEarlyFlight } from './early-flight.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { ageAntiReplayStore, startRedis } from '../support/redis-server.js';

/**
 * Attacker (issue 56 finding 3): an accepted 0-RTT flight, replayed after
 * the shared Redis store restarted empty. A real redis-server (Debian's) is
 * stopped and started again on the same port between the flight and its
 * copy; the servers' wall clock is fixed, so the copy is as fresh to them
 * as the original. The store must refuse it: after a restart it refuses
 * every 0-RTT ClientHello for one freshness window
 * (runtime/session/redis-anti-replay.ts).
 */

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const ticketKeys = new Uint8Array(32).fill(0x4e);

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await done()); i++) await new Promise((r) => setTimeout(r, 20));
}

test.serial(
  'a 0-RTT flight taken before a Redis restart is not taken again after it (the store came back empty)',
  async (t) => {
    let redisServer = await startRedis();
    await ageAntiReplayStore(redisServer.url);
    const redis = createClient({ url: redisServer.url, socket: { reconnectStrategy: () => 50 } });
    redis.on('error', () => {}); // a lost connection refuses 0-RTT; the test restarts Redis on purpose
    await redis.connect();
    const store = new RedisAntiReplay(redis);
    const options = {
      cert: [...id.chain],
      key: id.privateKey,
      host: '127.0.0.1',
      wallClock,
      ticketKeys,
      maxEarlyData: 1024,
      antiReplay: store,
    };
    const early: string[] = [];
    const server = (name: 'a' | 'b'): DtlsListener =>
      listen((session) => {
        session.onmessage = (data, isEarly) => isEarly && early.push(`${name}: ${data.toString()}`);
      }, options);
    const a = server('a');
    const b = server('b');
    const [{ port: portA }, { port: portB }] = await Promise.all([a.listening, b.listening]);
    const socket = createSocket('udp4');
    try {
      const flight = await recordedEarlyFlight(portA, id.caDer, wallClock, 'PAY 100');
      socket.bind(0, '127.0.0.1');
      await once(socket, 'listening');
      for (const d of flight) socket.send(d, portA, '127.0.0.1');
      await until(() => early.length > 0);
      t.deepEqual(early, ['a: PAY 100'], 'the flight is taken once at a');

      // Redis restarts without persistence: everything it recorded is gone.
      const port = redisServer.port;
      await redisServer.stop();
      redisServer = await startRedis(port);
      await until(async () => redis.isReady && (await redis.ping().catch(() => '')) === 'PONG');
      t.is(await redis.exists('{dtls13:0rtt:}epoch'), 0, 'the store came back empty');

      const refusedBefore = b.stats.antiReplay?.refused ?? 0;
      for (const d of flight) socket.send(d, portB, '127.0.0.1'); // the copy
      await until(() => (b.stats.antiReplay?.refused ?? 0) > refusedBefore || early.length > 1);
      t.log(`replays accepted after the restart: ${early.length - 1}`);
      t.deepEqual(early, ['a: PAY 100'], 'the copy is refused after the restart');
      t.is(b.stats.antiReplay?.refused ?? 0, refusedBefore + 1);
      // A ClientHello never seen is refused too for the freshness window after the restart: the store cannot tell.
      t.false(await store.admit(new Uint8Array(32).fill(7), 20_000));
    } finally {
      socket.close();
      await a.close();
      await b.close();
      await redis.quit().catch(() => {});
      await redisServer.stop();
    }
  },
);

test.serial(
  'the store refuses while Redis is down, and refuses a flush, a snapshot or another run as a restart',
  async (t) => {
    const redisServer = await startRedis();
    await ageAntiReplayStore(redisServer.url);
    const redis = createClient({ url: redisServer.url });
    redis.on('error', () => {});
    await redis.connect();
    const store = new RedisAntiReplay(redis);
    const key = (n: number): Uint8Array => new Uint8Array(32).fill(n);
    try {
      t.true(await store.admit(key(1), 20_000), 'an aged store takes a new ClientHello');
      t.false(await store.admit(key(1), 20_000), 'once');
      // FLUSHALL loses the records: the epoch goes with them, so the store starts a new window.
      await redis.flushAll();
      t.false(await store.admit(key(1), 20_000), 'after a flush the copy is refused');
      t.false(await store.admit(key(2), 20_000), 'and so is a new one, within the window');
      // An epoch of another run (a snapshot loaded by another redis-server): a restart too.
      const otherRun = `epoch ${'ab'.repeat(20)} 1000`;
      await redis.zAdd('{dtls13:0rtt:}epoch', { score: Infinity, value: otherRun });
      t.false(await store.admit(key(3), 20_000));
      t.is(await redis.zScore('{dtls13:0rtt:}epoch', otherRun), null, 'the epoch is set anew under this run');
      // The former layout (the epoch a string beside a key per binder) is a store that forgot: set anew, refused.
      await redis.set('{dtls13:0rtt:}epoch', `${'ab'.repeat(20)} 1000`);
      t.false(await store.admit(key(3), 20_000));
      t.is(await redis.type('{dtls13:0rtt:}epoch'), 'zset');
      // A window short enough to have passed since the new epoch: taken again.
      await new Promise((r) => setTimeout(r, 5));
      t.true(await store.admit(key(4), 1), 'past the window the store takes ClientHellos again');
    } finally {
      await redis.quit().catch(() => {});
      await redisServer.stop();
    }
    // Redis down: refused, never an exception.
    t.false(await store.admit(key(5), 20_000));
  },
);
