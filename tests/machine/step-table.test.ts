/**
 * A role's step and guard tables as its generated machine calls them (runtime/machine/step-table.ts): every step with
 * `(context, state, event, params, target)` and every guard with `(state, event, context)`, whatever it declares. The
 * calls below compile only while the mapped types keep each step's and guard's own parameter types (`npx tsc` checks
 * this file); at run time the tables are the objects given, so a step that ignores the arguments it does not declare
 * still gets the ones it does.
 */
import test from 'ava';
import { guardTable, stepTable } from '../../runtime/machine/step-table.js';

interface Context {
  readonly name: string;
}
type Opened = { readonly kind: 'opened'; readonly n: number };
type Ping = { readonly type: 'ping'; readonly by: number };

const steps = {
  /** A step declaring the context only. */
  reset: (c: Context): Opened => ({ kind: 'opened', n: c.name.length }),
  /** A step declaring context, state and event. */
  count: (_c: Context, s: Opened, e: Ping): Opened => ({ kind: 'opened', n: s.n + e.by }),
  /** A step declaring all five: kept as written. */
  enter: (_c: Context, s: Opened, _e: Ping, params: { readonly add: number }, target: string): string =>
    `${target}:${s.n + params.add}`,
};

const guards = {
  positive: (s: Opened): boolean => s.n > 0,
  enough: (s: Opened, e: Ping): boolean => s.n >= e.by,
  named: (_s: Opened, _e: Ping, c: Context): boolean => c.name !== '',
};

test('the step table is the object given; each step called as the machine calls it gets the arguments it declares', (t) => {
  const table = stepTable(steps);
  t.is(table as object, steps);
  const c: Context = { name: 'abc' };
  const s: Opened = { kind: 'opened', n: 2 };
  const e: Ping = { type: 'ping', by: 5 };
  t.deepEqual(table.reset(c, s, e, undefined, 'opened'), { kind: 'opened', n: 3 });
  t.deepEqual(table.count(c, s, e, { unused: true }, 'opened'), { kind: 'opened', n: 7 });
  t.is(table.enter(c, s, e, { add: 1 }, 'open'), 'open:3');
});

test('the guard table is the object given; each guard called as the machine calls it gets what it declares', (t) => {
  const table = guardTable(guards);
  t.is(table as object, guards);
  const c: Context = { name: '' };
  const s: Opened = { kind: 'opened', n: 2 };
  const e: Ping = { type: 'ping', by: 3 };
  t.true(table.positive(s, e, c));
  t.false(table.enough(s, e, c));
  t.false(table.named(s, e, c));
});
