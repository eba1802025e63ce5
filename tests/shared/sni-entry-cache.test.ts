/**
 * The entries an `sni` function returned, each checked once (runtime/shared/sni-entry-cache.ts): remembered by the
 * object returned and by content (a function building new objects per call, as a flood of spoofed ClientHellos would
 * make it, checks each distinct entry once), 64 distinct contents at most; an entry that fails its check throws every
 * time and is never remembered; entries whose bytes differ only in where one part ends are different entries.
 */
import test from 'ava';
import { CheckedSniEntries } from '../../runtime/shared/sni-entry-cache.js';
import type { ServerCredentials } from '../../runtime/shared/server-credentials.js';

function cache() {
  const checked: unknown[] = [];
  const entries = new CheckedSniEntries((option, value) => {
    checked.push(value);
    if (typeof value !== 'object' || value === null || 'bad' in value) throw new Error(`${option}: not credentials`);
    return Array.isArray(value) ? (value as ServerCredentials[]) : [value as ServerCredentials];
  });
  return { entries, checked };
}
const credentials = (key: number, ...chain: number[][]): ServerCredentials => ({
  privateKey: Uint8Array.of(key),
  chain: chain.map((c) => Uint8Array.from(c)),
});

test('the same object is checked once', (t) => {
  const { entries, checked } = cache();
  const c = credentials(1, [2, 3]);
  const first = entries.get('sni', c);
  t.is(entries.get('sni', c), first);
  t.is(checked.length, 1);
});

test('new objects with the same bytes, as a function building them per call returns, are checked once', (t) => {
  const { entries, checked } = cache();
  const first = entries.get('sni', credentials(1, [2, 3]));
  for (let i = 0; i < 1000; i++) t.is(entries.get('sni', credentials(1, [2, 3])), first);
  t.is(checked.length, 1);
  entries.get('sni', [credentials(1, [2, 3]), credentials(4, [5])]);
  t.is(checked.length, 2, 'a list is its own entry');
});

test('parts are length-prefixed: the same bytes split otherwise are another entry', (t) => {
  const { entries, checked } = cache();
  entries.get('sni', credentials(1, [2, 3]));
  entries.get('sni', credentials(1, [2], [3]));
  entries.get('sni', { privateKey: Uint8Array.of(1, 2), chain: [Uint8Array.of(3)] });
  t.is(checked.length, 3);
});

test('an entry that fails its check throws each time and is not remembered', (t) => {
  const { entries, checked } = cache();
  const bad = { bad: true, privateKey: Uint8Array.of(1), chain: [Uint8Array.of(2)] };
  t.throws(() => entries.get('sni', bad), { message: 'sni: not credentials' });
  t.throws(() => entries.get('sni', bad), { message: 'sni: not credentials' });
  t.throws(() => entries.get('sni', 'text'), { message: 'sni: not credentials' });
  t.is(checked.length, 3);
});

test('values of another shape are checked every time (nothing to key them by)', (t) => {
  const { entries, checked } = cache();
  const odd = { privateKey: 'pem', chain: [] };
  entries.get('sni', odd);
  entries.get('sni', { privateKey: 'pem', chain: [] });
  t.is(checked.length, 2);
  entries.get('sni', odd);
  t.is(checked.length, 2, 'the object itself is still remembered');
});

test('at most 64 distinct contents are remembered: the least recent is checked again', (t) => {
  const { entries, checked } = cache();
  for (let i = 0; i < 65; i++) entries.get('sni', credentials(i, [i]));
  t.is(checked.length, 65);
  entries.get('sni', credentials(64, [64]));
  t.is(checked.length, 65, 'the most recent is remembered');
  entries.get('sni', credentials(0, [0]));
  t.is(checked.length, 66, 'the first was let go');
});
