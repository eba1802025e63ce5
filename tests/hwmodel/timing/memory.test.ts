import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { CacheModel, NS } from '../../../hwmodel/timing/index.js';
import type { MemoryParams } from '../../../hwmodel/timing/index.js';

const params: MemoryParams = { lineBytes: 64, sets: 4, ways: 1, hitLatencyNs: 1, missLatencyNs: 50, perByteNs: 0 };

test('direct-mapped: a conflicting line evicts the other', (t) => {
  const c = new CacheModel(params);
  // Lines 0 and 4 both map to set 0 (4 sets of 64-byte lines: addresses 0 and 256).
  const seq = [0, 8, 256, 0, 64].map((a) => c.access(a, 1));
  t.deepEqual(seq, [50 * NS, 1 * NS, 50 * NS, 50 * NS, 50 * NS]);
  t.like(c.stats, { accesses: 5, hits: 1, misses: 4 });
  t.true(c.contains(0));
  t.false(c.contains(256));
});

test('2-way set-associative LRU keeps the most recently used lines', (t) => {
  const c = new CacheModel({ ...params, ways: 2 });
  const A = 0;
  const B = 256;
  const C = 512; // all set 0
  const hits = [A, B, A, C, A, B].map((a) => c.lookup(Math.floor(a / 64)));
  // A miss, B miss, A hit (A now MRU), C miss evicts B (LRU), A hit, B miss.
  t.deepEqual(hits, [false, false, true, false, true, false]);
  t.like(c.stats, { hits: 2, misses: 4, hitRate: 2 / 6 });
});

test('an access spanning lines pays per line plus per byte', (t) => {
  const c = new CacheModel({ ...params, perByteNs: 0.5 });
  // 96 bytes from 32 (bytes 32..127) touch lines 0 and 1: two misses, then two hits.
  t.is(c.access(32, 96), Math.round((50 + 50 + 96 * 0.5) * NS));
  t.is(c.access(32, 96), Math.round((1 + 1 + 96 * 0.5) * NS));
  // One byte more reaches line 2.
  t.is(c.access(32, 97), Math.round((1 + 1 + 50 + 97 * 0.5) * NS));
  t.is(c.access(0, 0), 0);
  c.reset();
  t.like(c.stats, { accesses: 0, hits: 0 });
  t.false(c.contains(32));
});

test('bad geometry is a ConfigError naming the field', (t) => {
  const e = t.throws(() => new CacheModel({ ...params, sets: 3 }), { instanceOf: ConfigError });
  t.is(e?.option, 'memory.sets');
  t.throws(() => new CacheModel({ ...params, ways: 0 }), { instanceOf: ConfigError, message: /memory\.ways/ });
  t.throws(() => new CacheModel(params).access(-1, 4), { instanceOf: RangeError });
});
