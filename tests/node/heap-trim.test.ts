/**
 * HeapTrimmer (runtime/node/heap-trim.ts): when the server gives its C heap back: after 1,024 parked, when a sweep
 * parks none (the burst is over) or at most once a minute while parking goes on; and again after the next full
 * collection. Counted with a trim function of the test's that counts its calls (the addon's trim when built is
 * checked to run).
 */
import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';
import { HeapTrimmer, TRIM_AFTER_PARKED, TRIM_INTERVAL_MS, trimNativeHeap } from '../../runtime/node/heap-trim.js';

function counting(): { trimmer: HeapTrimmer; calls: () => number } {
  let calls = 0;
  const trimmer = new HeapTrimmer(() => void calls++);
  return { trimmer, calls: () => calls };
}

test('no trim below 1,024 parked', (t) => {
  const { trimmer, calls } = counting();
  try {
    trimmer.swept(0, TRIM_AFTER_PARKED - 1);
    trimmer.swept(1, 0);
    t.is(calls(), 0);
    t.is(trimmer.trims, 0);
  } finally {
    trimmer.close();
  }
});

test('at 1,024 parked: a trim at once, then at most once a minute while parking goes on', (t) => {
  const { trimmer, calls } = counting();
  try {
    trimmer.swept(0, TRIM_AFTER_PARKED);
    t.is(calls(), 1);
    trimmer.swept(1000, TRIM_AFTER_PARKED);
    t.is(calls(), 1, 'still parking, within the minute');
    trimmer.swept(TRIM_INTERVAL_MS, TRIM_AFTER_PARKED);
    t.is(calls(), 2, 'a minute later');
    trimmer.swept(TRIM_INTERVAL_MS + 1, TRIM_AFTER_PARKED);
    trimmer.swept(TRIM_INTERVAL_MS + 2, 0);
    t.is(calls(), 3, 'a sweep that parks none ends the burst: trimmed at once');
    t.is(trimmer.trims, 3);
    t.true(trimmer.trimMs >= 0);
  } finally {
    trimmer.close();
  }
});

test('without a trim function nothing is counted', (t) => {
  const trimmer = new HeapTrimmer(undefined);
  trimmer.swept(0, 10 * TRIM_AFTER_PARKED);
  t.is(trimmer.trims, 0);
  trimmer.close();
});

test('after 1,024 parked, the first full collection is followed by a trim', async (t) => {
  const { trimmer, calls } = counting();
  try {
    trimmer.swept(0, TRIM_AFTER_PARKED);
    t.is(calls(), 1);
    // A full (mark-compact) collection on demand: V8's gc function, exposed for this file only.
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    for (let i = 0; i < 100 && calls() < 2; i++) await new Promise((r) => setTimeout(r, 50));
    t.is(calls(), 2);
  } finally {
    trimmer.close();
  }
});

test("the addon's trim is there whenever the addon is, and runs", (t) => {
  t.is(trimNativeHeap !== undefined, nativeBinding !== undefined, 'a trim function exactly when the addon loaded');
  if (trimNativeHeap !== undefined) t.notThrows(() => trimNativeHeap!());
});
