import test from 'ava';
import { SparePool } from '../../../learn/mapper/spare-pool.js';

/** A pool of numbered peers: what was started and what was stopped, in order. */
function numbered(ahead: number, failing = new Set<number>()) {
  const started: number[] = [];
  const stopped: number[] = [];
  const pool = new SparePool<number>(
    () => {
      const n = started.length;
      started.push(n);
      return failing.has(n) ? Promise.reject(new Error(`peer ${n} did not start`)) : Promise.resolve(n);
    },
    (n) => {
      stopped.push(n);
      return Promise.resolve();
    },
    ahead,
  );
  return { pool, started, stopped };
}

test('the first take starts the spares and finds none; later takes get the oldest and start one in its place', async (t) => {
  const { pool, started } = numbered(2);
  t.is(pool.take(), undefined);
  t.deepEqual(started, [0, 1]);
  t.is(await pool.take(), 0);
  t.deepEqual(started, [0, 1, 2]);
  t.is(await pool.take(), 1);
  t.is(await pool.take(), 2);
  t.deepEqual(started, [0, 1, 2, 3, 4]);
});

test('close stops every spare no session took, skips one that never started, and starts none after', async (t) => {
  const { pool, started, stopped } = numbered(3, new Set([1]));
  pool.take();
  await pool.close();
  t.deepEqual(stopped, [0, 2]);
  t.is(pool.take(), undefined);
  t.deepEqual(started, [0, 1, 2]);
});

test('a spare that failed to start rejects in the session that takes it', async (t) => {
  const { pool } = numbered(1, new Set([0]));
  pool.take();
  await t.throwsAsync(pool.take()!, { message: 'peer 0 did not start' });
});
