import test from 'ava';
import { LazyOutcome } from '../../runtime/node/lazy-outcome.js';
import { connect, listen, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity } from '../api/fixtures.js';

/**
 * DtlsSession's `opened`, `closed` and `ticket` are made when first read
 * (runtime/node/lazy-outcome.ts): read early or late, they must
 * settle as promises made at the start would, and a rejected one must
 * never be unhandled.
 */

/** Collects the process's unhandled rejections while `body` runs and a few turns after. */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const record = (reason: unknown): void => void seen.push(reason);
  process.on('unhandledRejection', record);
  try {
    await body();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  } finally {
    process.off('unhandledRejection', record);
  }
  return seen;
}

test('read before it settles: the same promise every time, settled by the first resolve', async (t) => {
  const o = new LazyOutcome<number>();
  const early = o.get();
  t.is(o.get(), early);
  t.false(o.settled);
  o.resolve(1);
  o.resolve(2);
  o.reject(new Error('late'));
  t.true(o.settled);
  t.is(await early, 1);
  t.is(o.get(), early);
});

test('read after it settles: resolved or rejected as a promise made at the start would be', async (t) => {
  const resolved = new LazyOutcome<string>();
  resolved.resolve('value');
  resolved.reject(new Error('ignored'));
  t.is(await resolved.get(), 'value');
  const rejected = new LazyOutcome<string>();
  const error = new Error('why');
  rejected.reject(error);
  rejected.resolve('ignored');
  t.is(await t.throwsAsync(rejected.get()), error);
});

test('a rejection nobody awaits is never unhandled, whether read before, after or never', async (t) => {
  const seen = await unhandledDuring(async () => {
    const before = new LazyOutcome<void>();
    void before.get();
    before.reject(new Error('read before'));
    const after = new LazyOutcome<void>();
    after.reject(new Error('read after'));
    void after.get();
    const never = new LazyOutcome<void>();
    never.reject(new Error('never read'));
  });
  t.deepEqual(seen, []);
});

test('a server session read only after it ended: opened, closed and ticket settle as they would have, nothing unhandled', async (t) => {
  const id = pemIdentity('localhost');
  const sessions: DtlsSession[] = [];
  const listener = listen((s) => void sessions.push(s), { cert: id.cert, key: id.key, host: '127.0.0.1' });
  t.teardown(() => listener.close());
  const { port } = await listener.listening;
  const seen = await unhandledDuring(async () => {
    const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
    await client.opened;
    for (let i = 0; i < 100 && sessions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const server = sessions[0]!;
    client.destroy(); // no close_notify: the server's session ends on its own later, by destroy here
    server.destroy(new Error('ended by the test'));
    await new Promise((r) => setImmediate(r));
    // Read for the first time only now.
    t.deepEqual(await server.opened, { protocol: 'DTLSv1.3' });
    t.is(await server.ticket, undefined);
    const error = await t.throwsAsync(server.closed);
    t.is(error?.message, 'ended by the test');
    t.is(server.stats.messagesReceived, 0);
  });
  t.deepEqual(seen, []);
});

test('a rejection given as the way to make its error: made once, only when the promise is asked for', async (t) => {
  let made = 0;
  const error = new Error('why');
  const make = (): Error => (made++, error);
  const late = new LazyOutcome<void>();
  late.reject(make);
  late.resolve();
  t.true(late.settled);
  t.is(made, 0, 'nobody asked: no error made');
  t.is(await t.throwsAsync(late.get()), error);
  t.is(await t.throwsAsync(late.get()), error);
  t.is(made, 1);
  const early = new LazyOutcome<void>();
  const promise = early.get();
  early.reject(make);
  t.is(made, 2, 'asked before: made as it settles');
  t.is(await t.throwsAsync(promise), error);
});
