/**
 * `warmUp()` calls share one run (issue 56): a second call made while the first runs resolves only once that run is
 * done, with false, and never runs a second handshake. This file runs in a thread of its own (ava), so the calls below
 * are the thread's first.
 */
import test from 'ava';
import { warmUp } from '../../runtime/index.js';

test('two concurrent warmUp() calls: the second resolves after the first, with false; a later one at once with false', async (t) => {
  const order: string[] = [];
  const first = warmUp().then((v) => {
    order.push(`first ${v}`);
    return v;
  });
  const second = warmUp().then((v) => {
    order.push(`second ${v}`);
    return v;
  });
  t.deepEqual(await Promise.all([first, second]), [true, false]);
  t.deepEqual(order, ['first true', 'second false']);
  t.false(await warmUp());
});
