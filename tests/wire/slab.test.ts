/**
 * allocate (runtime/wire/slab.ts): exclusive views carved back to back from untransferable slabs; a slab carved
 * again only once every view of it was handed off and given back. Over real sockets: tests/node/datagram-io.test.ts.
 */
import test from 'ava';
import { MessageChannel } from 'node:worker_threads';
import {
  allocate,
  giveBack,
  giveBackLaid,
  giveBackRun,
  handOff,
  handOffCarved,
  handOffRun,
  keep,
  locate,
} from '../../runtime/wire/slab.js';

/** Leaves the slab being carved owed nothing (views carved by earlier tests stay kept): the next view starts it. */
function freshSlab(): void {
  for (;;) {
    const v = allocate(8 * 1024);
    handOff(v);
    giveBack(v);
    if (v.byteOffset === 0) return;
  }
}

const overlap = (a: Uint8Array, b: Uint8Array): boolean =>
  a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;

test('views are of the length asked and never overlap one another', (t) => {
  const views = [1, 7, 8, 9, 100, 1200, 8192].map((n) => allocate(n));
  for (const v of views) v.fill(0xa5);
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

test('views of 8 bytes or more are carved back to back; a shorter one ends its 8-byte unit', (t) => {
  freshSlab();
  const views = [1222, 1222, 13, 64, 5, 3, 1222].map((n) => allocate(n));
  t.true(
    views.every((v) => v.buffer === views[0]!.buffer),
    'one slab',
  );
  const offsets = views.map((v) => v.byteOffset);
  // 0, 1222, 2444 (back to back), 2457, 2521, then 5 bytes from 2521 end their unit at 2528, 3 bytes then 2536.
  t.deepEqual(offsets, [0, 1222, 2444, 2457, 2521, 2528, 2536]);
});

test('a view laid over a carved one at another offset in its 8-byte unit is not taken for it', (t) => {
  freshSlab();
  const a = allocate(1222);
  const b = allocate(1222);
  handOff(a);
  handOff(b);
  giveBack(b);
  // The same length, one byte on: not the view carved there, so giving it back gives nothing back.
  giveBack(new Uint8Array(a.buffer, a.byteOffset + 1, a.length));
  const c = allocate(1222);
  t.is(c.byteOffset, 2444, 'the slab is still owed `a`: carving goes on after `b`');
  giveBack(a);
  handOff(c);
  giveBack(c);
  t.is(allocate(16).byteOffset, 0, 'every view back: the slab is carved again from its start');
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

test('a full slab still owed a view is replaced by a fresh one, never reused', (t) => {
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

test('a slab whose views were all handed off and given back is carved again from its start', (t) => {
  freshSlab();
  const a = allocate(100);
  const b = allocate(200);
  handOff(a);
  handOff(b);
  giveBack(a);
  const c = allocate(8);
  t.false(overlap(c, b), 'b is still owed: nothing is carved over it');
  handOff(c);
  giveBack(b);
  giveBack(c);
  const d = allocate(16);
  t.is(d.buffer, a.buffer, 'the same slab');
  t.is(d.byteOffset, 0, 'from its start');
});

test('a kept view is never written again: its slab is not carved over while it lives', (t) => {
  freshSlab();
  const kept = allocate(64).fill(0x5a);
  for (let i = 0; i < 100; i++) {
    const v = allocate(8 * 1024);
    t.false(overlap(v, kept));
    handOff(v);
    v.fill(0xff);
    giveBack(v);
  }
  t.true(kept.every((b) => b === 0x5a));
});

test('only a whole carved view handed off goes back: a part, a second give-back, a kept one are ignored', (t) => {
  freshSlab();
  const a = allocate(64);
  const owed = allocate(64);
  handOff(owed);
  handOff(a.subarray(0, 8)); // a part: a stays kept
  giveBack(a);
  giveBack(owed);
  t.not(allocate(8).byteOffset, 0, 'a, kept, holds the slab');

  freshSlab();
  const x = allocate(64);
  const y = allocate(64);
  handOff(x);
  handOff(y);
  giveBack(x.subarray(8)); // a part of it
  giveBack(x);
  giveBack(x); // twice
  const z = allocate(8);
  t.false(overlap(z, y), 'y is still owed');
  handOff(z);
  giveBack(z);
  giveBack(y);
  t.is(allocate(8).byteOffset, 0, 'back whole once y and z are');

  freshSlab();
  const k = allocate(64);
  handOff(k);
  keep(k); // an observer took it
  giveBack(k);
  t.not(allocate(8).byteOffset, 0, 'the kept view holds the slab');
});

test('a burst over several slabs, given back whole, is carved from the same slabs again', (t) => {
  freshSlab();
  const burst = (): Uint8Array[] => Array.from({ length: 24 }, () => allocate(8 * 1024));
  const first = burst();
  for (const v of first) handOff(v);
  for (const v of first) giveBack(v);
  const slabs = new Set(first.map((v) => v.buffer));
  t.is(slabs.size, 3);
  const second = burst();
  t.true(
    second.every((v) => slabs.has(v.buffer)),
    'no new slab',
  );
});

test('runs handed off and given back over two slabs, mixed with kept views and other buffers, as one by one', (t) => {
  freshSlab();
  // A run of 1,200-byte records that crosses into a second slab, with a view of another buffer and a kept part among them.
  const run = Array.from({ length: 60 }, () => allocate(1200));
  const first = run[0]!.buffer;
  const inFirst = run.filter((v) => v.buffer === first);
  const inSecond = run.filter((v) => v.buffer !== first);
  t.true(inSecond.length > 0 && inSecond.every((v) => v.buffer === inSecond[0]!.buffer), 'two slabs');
  const mixed = [...inFirst, new Uint8Array(1200), inSecond[0]!.subarray(0, 8), ...inSecond];
  handOffRun(mixed, 0, mixed.length);
  giveBackRun(mixed, 0, inFirst.length + 1); // the first slab's records, and the stranger
  // The rest of the second slab, then the first one, back whole, carved again; nothing over the records still owed.
  const between = Array.from({ length: 60 }, () => allocate(1200));
  t.true(
    between.every((v) => inSecond.every((owed) => !overlap(v, owed))),
    'nothing carved over the records still owed',
  );
  t.true(
    between.some((v) => v.buffer === first),
    'the first slab is carved again',
  );
  handOffRun(between, 0, between.length);
  giveBackRun(between, 0, between.length);
  giveBackRun(mixed, inFirst.length + 1, mixed.length); // the part is ignored, the rest go back
  giveBackRun(mixed, inFirst.length + 1, mixed.length); // twice: ignored
  const slabs = new Set([first, inSecond[0]!.buffer]);
  const again = Array.from({ length: 60 }, () => allocate(1200));
  t.true(
    again.every((v) => slabs.has(v.buffer)),
    'both slabs back whole: no new slab',
  );
});

test('a run given back before it was handed off holds its slab', (t) => {
  freshSlab();
  const run = Array.from({ length: 4 }, () => allocate(64));
  giveBackRun(run, 0, run.length); // never handed off: kept
  t.not(allocate(8).byteOffset, 0, 'the kept run holds the slab');
});

test('locate answers as the view does: for views carved lately, long ago, parts of them and other buffers', (t) => {
  const early = allocate(100);
  const views = Array.from({ length: 300 }, (_, i) => allocate(1 + (i % 50)));
  const others = [early, early.subarray(8, 20), new Uint8Array(64), Buffer.from('abc'), new Uint8Array(9000)];
  // In carving order, backwards, and at random: the ring's probe is a hint only.
  const order = [...views, ...views.slice().reverse(), ...others, ...views.map((_, i) => views[(i * 7919) % 300]!)];
  for (const v of order) {
    const p = locate(v);
    if (p.buffer !== v.buffer || p.offset !== v.byteOffset || p.length !== v.length)
      return t.fail(`located at ${p.offset}+${p.length}, the view is at ${v.byteOffset}+${v.length}`);
  }
  t.pass();
});

test('handOffCarved marks only the view carved last; giveBackLaid gives back by place as giveBack by view', (t) => {
  freshSlab();
  const a = allocate(64);
  const b = allocate(64);
  t.is(handOffCarved(a), -1, 'not the last carved: nothing marked');
  t.is(handOffCarved(b), b.byteOffset);
  handOff(a);
  const layout = new Int32Array([0, a.byteOffset, a.length, 0, b.byteOffset, b.length]);
  giveBackLaid([a.buffer], layout, 2);
  const c = allocate(64);
  t.is(c.buffer, a.buffer);
  t.is(c.byteOffset, 0, 'both given back: the slab is carved again from its start');
  const d = allocate(64);
  t.is(handOffCarved(d), d.byteOffset);
  giveBackLaid([d.buffer], new Int32Array([0, d.byteOffset, d.length]), 1);
  t.not(allocate(64).byteOffset, 0, 'c was never handed off: the slab stays owed');
});
