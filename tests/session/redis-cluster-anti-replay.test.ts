/**
 * RedisAntiReplay on a Redis Cluster (reported, not fixed, last round): its
 * one script reads the epoch key and sets the binder's key, and a cluster
 * refuses a script whose keys hash to different slots (CROSSSLOT). The
 * store caught the error and refused, so 0-RTT was never taken on a
 * cluster. Its keys now share a hash tag, `{dtls13:0rtt:}`: one slot.
 * Three real redis-server primaries (Debian's package, cluster-enabled).
 */
import test from 'ava';
import { createCluster } from 'redis';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';
import { startRedisCluster } from '../support/redis-cluster.js';

/** Sets the store's epoch a minute back under the node holding it (the store then takes 0-RTT at once). */
const AGE_STORE =
  "local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') local t = redis.call('TIME') " +
  "redis.call('SET', KEYS[1], run .. ' ' .. (tonumber(t[1]) * 1000 - 60000)) return 1";

test('on a Redis Cluster, a 0-RTT binder is admitted once and its copy refused (no CROSSSLOT)', async (t) => {
  const cluster = await startRedisCluster(3);
  const client = createCluster({ rootNodes: cluster.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
  try {
    await client.connect();
    // The cause: the untagged keys of one admit live in different slots.
    await t.throwsAsync(
      client.eval('return 1', { keys: ['dtls13:0rtt:epoch', `dtls13:0rtt:${'ab'.repeat(32)}`], arguments: [] }),
      { message: /CROSSSLOT/ },
    );
    const store = new RedisAntiReplay(client);
    t.false(await store.admit(Uint8Array.of(9), 20_000), 'a new store refuses for its first window');
    await client.eval(AGE_STORE, { keys: [store.epochKey], arguments: [] });
    const binder = new Uint8Array(32).fill(0x42);
    t.true(await store.admit(binder, 20_000), 'the first flight is taken');
    t.false(await store.admit(binder, 20_000), 'its copy is refused');
    t.true(await store.admit(new Uint8Array(32).fill(0x43), 20_000), 'another flight is taken');
  } finally {
    await client.quit().catch(() => {});
    await cluster.stop();
  }
});
