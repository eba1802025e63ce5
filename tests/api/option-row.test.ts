/**
 * runtime/option-row.ts, what every option table's rows are checked by: a kind's or a choice's row names the option,
 * what it takes and what it got; a side's row refuses the other side (but `false`); an integer's row its range, its
 * default and what 0 becomes; resolveRows fills a whole table, naming each option under its prefix.
 */
import test from 'ava';
import { ConfigError, type ConfigErrorCode } from '../../runtime/config-error.js';
import { checkRow, checkRows, integer, option, resolveRows, rowInteger } from '../../runtime/option-row.js';

function refused(
  t: import('ava').ExecutionContext,
  run: () => unknown,
  option: string,
  reason: string,
  code: ConfigErrorCode,
) {
  const e = t.throws(run, { instanceOf: ConfigError });
  t.is(e?.option, option);
  t.is(e?.reason, reason);
  t.is(e?.code, code);
}

test("a kind's row: anything else is ERR_INVALID_ARG_TYPE naming what it takes and what it got; undefined is no option", (t) => {
  refused(
    t,
    () => checkRow('on', { kind: 'boolean' }, 'yes'),
    'on',
    "must be a boolean, got type string ('yes')",
    'ERR_INVALID_ARG_TYPE',
  );
  refused(
    t,
    () => checkRow('log', { kind: 'function', shape: '(line: string) => void' }, 3),
    'log',
    'must be a function (line: string) => void, got type number (3)',
    'ERR_INVALID_ARG_TYPE',
  );
  t.notThrows(() => checkRow('on', { kind: 'boolean' }, undefined));
  t.notThrows(() => checkRow('on', { kind: 'boolean' }, false));
});

test("a choice's row lists its choices as a sentence: one, 'a' or 'b', 'a', 'b' or 'c'", (t) => {
  const got = "got type string ('x')";
  refused(t, () => checkRow('p', { oneOf: ['one'] }, 'x'), 'p', `must be 'one', ${got}`, 'ERR_INVALID_ARG_VALUE');
  refused(
    t,
    () => checkRow('p', { oneOf: ['a', 'b'] }, 'x'),
    'p',
    `must be 'a' or 'b', ${got}`,
    'ERR_INVALID_ARG_VALUE',
  );
  refused(
    t,
    () => checkRow('p', { oneOf: ['a', 'b', 'c'] }, 'x'),
    'p',
    `must be 'a', 'b' or 'c', ${got}`,
    'ERR_INVALID_ARG_VALUE',
  );
  t.notThrows(() => checkRow('p', { oneOf: ['a', 'b', 'c'] }, 'c'));
});

test("a side's row: the other side's value is refused, false passes, and with no role nothing is asked", (t) => {
  const row = option<boolean>({ kind: 'boolean', side: 'client' });
  refused(t, () => checkRow('early', row, true, 'server'), 'early', 'is a client option', 'ERR_INVALID_ARG_VALUE');
  t.notThrows(() => checkRow('early', row, false, 'server'));
  t.notThrows(() => checkRow('early', row, true, 'client'));
  t.notThrows(() => checkRow('early', row, true));
  const table = { a: option<boolean>({ kind: 'boolean' }), b: option<string>({ side: 'server' }) };
  refused(t, () => checkRows(table, { a: true, b: 'x' }, 'client'), 'b', 'is a server option', 'ERR_INVALID_ARG_VALUE');
  refused(
    t,
    () => checkRows(table, { a: 1, b: 'x' }, 'client'),
    'a',
    'must be a boolean, got type number (1)',
    'ERR_INVALID_ARG_TYPE',
  );
});

test("an integer's row: its default when not given, zero's stand-in for 0, its range both ways", (t) => {
  const row = integer({ min: 0, max: 100, default: 7, zero: 100 });
  t.is(rowInteger('n', row, undefined), 7);
  t.is(rowInteger('n', row, 0), 100);
  t.is(rowInteger('n', row, 5), 5);
  refused(t, () => rowInteger('n', row, 101), 'n', 'must be an integer in 0..100, got 101', 'ERR_OUT_OF_RANGE');
  refused(t, () => rowInteger('n', row, 1.5), 'n', 'must be an integer in 0..100, got 1.5', 'ERR_OUT_OF_RANGE');
  refused(
    t,
    () => rowInteger('n', row, '5'),
    'n',
    "must be an integer in 0..100, got type string ('5')",
    'ERR_INVALID_ARG_TYPE',
  );
  refused(
    t,
    () => rowInteger('m', integer({ min: 1, max: 2 }), undefined),
    'm',
    'must be an integer in 1..2, got undefined',
    'ERR_INVALID_ARG_TYPE',
  );
});

test('resolveRows: every row of a table, defaulted and checked, an error naming the option under its prefix', (t) => {
  const table = {
    size: integer({ min: 1, max: 10, default: 4 }),
    mode: option<'on' | 'off'>({ oneOf: ['on', 'off'], default: 'off' }),
    hook: option<() => void>({ kind: 'function' }),
  };
  t.deepEqual(resolveRows(table, {}), { size: 4, mode: 'off', hook: undefined });
  t.deepEqual(resolveRows(table, { size: 10, mode: 'on' }), { size: 10, mode: 'on', hook: undefined });
  refused(
    t,
    () => resolveRows(table, { size: 11 }, 'limits.'),
    'limits.size',
    'must be an integer in 1..10, got 11',
    'ERR_OUT_OF_RANGE',
  );
  refused(
    t,
    () => resolveRows(table, { mode: 'auto' }, 'limits.'),
    'limits.mode',
    "must be 'on' or 'off', got type string ('auto')",
    'ERR_INVALID_ARG_VALUE',
  );
});
