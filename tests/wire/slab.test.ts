/** allocate (runtime/wire/slab.ts): zeroed, exclusive, 8-byte-aligned views carved from untransferable slabs. */
import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import { allocate } from '../../runtime/wire/slab.js';

test('views are zeroed, of the length asked, and never overlap one another', (t) => {
  const views = [1, 7, 8, 9, 100, 1200, 8192].map((n) => allocate(n));
  for (const [i, v] of views.entries()) {
    t.true(
      v.every((b) => b === 0),
      `view ${i} zeroed`,
    );
    v.fill(0xa5);
  }
  t.deepEqual(
    views.map((v) => v.length),
    [1, 7, 8, 9, 100, 1200, 8192],
  );
  // Writing every view whole left each of the others intact: no two share a byte.
  for (const v of views) t.true(v.every((b) => b === 0xa5));
  const spans = views
    .filter((v) => v.buffer === views[0]!.buffer)
    .map((v) => [v.byteOffset, v.byteOffset + v.length] as const)
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) t.true(spans[i]![0] >= spans[i - 1]![1], 'spans in order, disjoint');
});

test('carved views start on 8-byte boundaries', (t) => {
  for (const n of [1, 3, 5, 13, 64, 1]) t.is(allocate(n).byteOffset % 8, 0, `after ${n}`);
});

test('small requests share a 64 KiB slab; over 8 KiB gets a buffer of its own', (t) => {
  const a = allocate(16);
  const b = allocate(16);
  t.is(a.buffer, b.buffer);
  t.is(a.buffer.byteLength, 64 * 1024);
  const big = allocate(8 * 1024 + 1);
  t.is(big.buffer.byteLength, 8 * 1024 + 1);
  t.is(big.byteOffset, 0);
  t.is(allocate(8 * 1024).buffer.byteLength, 64 * 1024, '8 KiB exactly is still carved');
});

test('a full slab is replaced by a fresh one, never reused', (t) => {
  const first = allocate(8);
  const seen = new Set<ArrayBufferLike>([first.buffer]);
  let last = first;
  for (let i = 0; i < 20; i++) {
    last = allocate(8 * 1024);
    last.fill(1);
    seen.add(last.buffer);
  }
  t.true(seen.size >= 2, 'more than one slab used');
  t.not(last.buffer, first.buffer);
  t.true(
    first.every((b) => b === 0),
    'the old slab view was not handed out again',
  );
});

test('a slab cannot be transferred to another thread (it holds other sessions records)', (t) => {
  const view = allocate(32);
  const { port1, port2 } = new MessageChannel();
  try {
    // Node 21+ throws; Node 20 leaves the buffer in place. Either way it is not detached under its other users.
    try {
      port1.postMessage(view, [view.buffer as ArrayBuffer]);
    } catch {
      // refused
    }
    t.is(view.buffer.byteLength, 64 * 1024, 'not detached');
    t.is(view.length, 32);
  } finally {
    port1.close();
    port2.close();
  }
});
