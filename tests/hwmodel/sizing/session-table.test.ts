import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { SessionTable } from '../../../hwmodel/sizing/workload/session-table.js';

test('holds what a Map holds through sets, deletes and growth (property)', (t) => {
  const r = new SeededRandom(5);
  const table = new SessionTable<number>();
  const reference = new Map<number, number>();
  for (let step = 0; step < 50_000; step++) {
    // A few hundred sessions at most, from a range that makes the probes collide and wrap around the table.
    const session = r.chance(0.5) ? r.int(600) : r.int(2 ** 31);
    if (r.chance(0.5)) {
      table.set(session, step);
      reference.set(session, step);
    } else {
      const had = reference.delete(session);
      if (table.delete(session) !== had) return t.fail(`step ${step}: delete(${session}) disagrees`);
    }
    const probe = r.int(600);
    if (table.get(probe) !== reference.get(probe)) return t.fail(`step ${step}: get(${probe}) disagrees`);
    if (reference.size > 300)
      for (const k of [...reference.keys()].slice(0, 100)) {
        table.delete(k);
        reference.delete(k);
      }
  }
  t.is(table.size, reference.size);
  for (const [k, v] of reference) t.is(table.get(k), v);
});

test('a session index outside 0 to 2^31 - 1 is refused, naming it', (t) => {
  const table = new SessionTable<string>();
  t.throws(() => table.set(-1, 'x'), { instanceOf: RangeError, message: /got -1/ });
  t.throws(() => table.set(1.5, 'x'), { instanceOf: RangeError, message: /got 1\.5/ });
  t.throws(() => table.set(2 ** 31, 'x'), { instanceOf: RangeError, message: /got 2147483648/ });
  t.is(table.get(7), undefined);
  t.false(table.delete(7));
});
