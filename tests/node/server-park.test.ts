import test, { type ExecutionContext } from 'ava';
import { ConfigError, connect, listen, type DtlsSession } from '../../runtime/index.js';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import type { DtlsListener } from '../../runtime/api/listener.js';
import { nextMessage, pemIdentity, sleep } from '../api/fixtures.js';

/**
 * `parkAfterMs` over real UDP: an established session with no authenticated
 * record for that long parks (its keys' OpenSSL contexts are freed, made
 * again by its next record); it keeps working, and parks again once quiet.
 */

const id = pemIdentity('localhost');

/** Calls of the addon's park, by handle (the native path's contexts freed), while `body` runs. */
async function countingNativeParks<T>(body: () => Promise<T>): Promise<{ result: T; parks: number }> {
  const binding = nativeBinding;
  const original = binding?.park;
  let parks = 0;
  if (binding && original) binding.park = (h) => (parks++, original.call(binding, h));
  try {
    return { result: await body(), parks };
  } finally {
    if (binding && original) binding.park = original;
  }
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  for (let waited = 0; !condition() && waited < ms; waited += 10) await sleep(10);
}

/** A listener that echoes every message, closed when the test ends. */
function echoServer(t: ExecutionContext, extra: { parkAfterMs?: number } = {}): DtlsListener {
  const server = listen(
    (s) => {
      s.onmessage = (d) => s.send(d);
    },
    { cert: id.cert, key: id.key, host: '127.0.0.1', ...extra },
  );
  t.teardown(() => server.close());
  return server;
}

async function echo(session: DtlsSession, text: string): Promise<string> {
  const reply = nextMessage(session);
  session.send(text);
  return (await reply).toString();
}

for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const) {
  test(`${version}: a quiet session parks, wakes on its next record with its keys intact, and parks again once quiet`, async (t) => {
    const { result, parks } = await countingNativeParks(async () => {
      const server = echoServer(t, { parkAfterMs: 100 });
      const { port } = await server.listening;
      const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion: version });
      t.teardown(() => client.close());
      await client.opened;
      t.is(client.protocol, version);
      await until(() => server.stats.parked >= 1);
      t.is(server.stats.parked, 1, 'parked once, after 100 ms without a record');
      t.is(await echo(client, 'after parking'), 'after parking', 'both directions work on keys made again');
      await until(() => server.stats.parked >= 2);
      t.is(server.stats.parked, 2, 'parked again once quiet');
      t.is(await echo(client, 'again'), 'again');
      return server.stats.parked;
    });
    t.is(result, 2);
    if (nativeBinding?.park) t.true(parks >= 2, 'the addon freed the contexts (its park was called)');
  });
}

test('a session that keeps talking is not parked while it talks', async (t) => {
  // Talking for longer than parkAfterMs, with gaps far shorter than it (a loaded machine stretches a 20 ms gap, not
  // to a second): a listener that parked by the session's age instead of its quiet time would park it here.
  const server = echoServer(t, { parkAfterMs: 1000 });
  const { port } = await server.listening;
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  const started = performance.now();
  for (let i = 0; performance.now() - started < 1500; i++) {
    t.is(await echo(client, `talk ${i}`), `talk ${i}`);
    await sleep(20);
  }
  t.is(server.stats.parked, 0, 'never quiet for parkAfterMs');
  await until(() => server.stats.parked >= 1);
  t.is(server.stats.parked, 1, 'parked once it fell quiet');
});

test('parkAfterMs is checked at listen: a ConfigError naming it', (t) => {
  for (const parkAfterMs of [-1, 1.5, 86_400_001])
    t.throws(
      () => listen(() => {}, { cert: id.cert, key: id.key, parkAfterMs }),
      { instanceOf: ConfigError, message: /parkAfterMs/ },
      String(parkAfterMs),
    );
});

const counted = nativeBinding?.handleCount ? nativeBinding : undefined;
for (const version of ['DTLSv1.3', 'DTLSv1.2'] as const)
  test.serial(
    `${version}: a session that ends gives its keys back at once, without waiting for a garbage collection`,
    async (t) => {
      if (!counted?.handleCount) return t.fail('the native addon with its handle table is needed here');
      const handles = (): number => counted.handleCount!();
      const initial = handles();
      const server = echoServer(t);
      const { port } = await server.listening;
      const before = handles();
      const clients = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const c = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost', maxVersion: version });
          await c.opened;
          t.is(await echo(c, `hello ${i}`), `hello ${i}`);
          return c;
        }),
      );
      t.true(handles() >= before + 6, `both ends hold keys while open (${handles() - before})`);
      await Promise.all(clients.map((c) => c.close()));
      await until(() => server.stats.sessions === 0);
      t.is(server.stats.sessions, 0);
      t.is(handles(), before, 'every key of both ends released when the sessions ended');
      // And the listener's own (its ticket keys; none left behind by checking its options at listen) when it closes.
      await server.close();
      t.is(handles(), initial, 'every key of the listener released when it closed');
    },
  );
