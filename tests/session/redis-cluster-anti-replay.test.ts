/**
 * RedisAntiReplay on a Redis Cluster: its one script touches only the
 * store's one key, `{dtls13:0rtt:}epoch` (the epoch and the binders in one
 * sorted set), named with a hash tag so that a prefix of its own keeps one
 * slot too. A script whose keys hash to different slots is refused
 * (CROSSSLOT), which the store would take as a refusal: 0-RTT never taken.
 * Three real redis-server primaries (Debian's package, cluster-enabled).
 */
import test from 'ava';
import { createCluster } from 'redis';
import { RedisAntiReplay } from '../../runtime/session/redis-anti-replay.js';
import { startRedisCluster } from '../support/redis-cluster.js';
import { AGE_STORE_SCRIPT } from '../support/redis-server.js';

test('on a Redis Cluster, a 0-RTT binder is admitted once and its copy refused (no CROSSSLOT)', async (t) => {
  const cluster = await startRedisCluster(3);
  const client = createCluster({ rootNodes: cluster.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
  try {
    await client.connect();
    // What a store touching two untagged keys would meet.
    await t.throwsAsync(
      client.eval('return 1', { keys: ['dtls13:0rtt:epoch', `dtls13:0rtt:${'ab'.repeat(32)}`], arguments: [] }),
      { message: /CROSSSLOT/ },
    );
    const store = new RedisAntiReplay(client);
    t.false(await store.admit(Uint8Array.of(9), 20_000), 'a new store refuses for its first window');
    await client.eval(AGE_STORE_SCRIPT, { keys: [store.epochKey], arguments: [] });
    const binder = new Uint8Array(32).fill(0x42);
    t.true(await store.admit(binder, 20_000), 'the first flight is taken');
    t.false(await store.admit(binder, 20_000), 'its copy is refused');
    t.true(await store.admit(new Uint8Array(32).fill(0x43), 20_000), 'another flight is taken');
  } finally {
    await client.quit().catch(() => {});
    await cluster.stop();
  }
});
