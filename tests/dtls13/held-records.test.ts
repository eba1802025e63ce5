import test from 'ava';
import { HeldRecords } from '../../runtime/dtls13/held-records.js';

/** Issue 29: the deferred-record and early-data queues share one cap (limits.maxDeferredBytes), as stats.retained.deferredBytes counts them. */

test('two queues on one budget never hold more than it together; taking frees the room', (t) => {
  const budget = { capacity: 100, used: 0 };
  const deferred = new HeldRecords(budget);
  const held = new HeldRecords(budget);
  t.true(deferred.push(new Uint8Array(60)));
  t.false(held.push(new Uint8Array(50)), 'the other queue has only 40 bytes left');
  t.true(held.push(new Uint8Array(40)));
  t.false(deferred.push(new Uint8Array(1)), 'full');
  t.is(deferred.bytes + held.bytes, 100);
  t.is(deferred.take().length, 1);
  t.is(deferred.bytes, 0);
  t.is(budget.used, 40);
  t.true(held.push(new Uint8Array(60)), 'the room taken back is usable by either queue');
  t.deepEqual(
    held.take().map((b) => b.length),
    [40, 60],
    'oldest first',
  );
  t.is(held.length, 0);
  t.is(budget.used, 0);
});
