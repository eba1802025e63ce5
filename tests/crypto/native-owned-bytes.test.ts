import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { nativeBinding, type NativeBinding, type NativeHandle } from '../../runtime/crypto/native/binding.js';
import { nativeRecordProtection } from '../../runtime/crypto/native/record.js';
import { sleep } from '../api/fixtures.js';

/**
 * The addon opens every record into an ArrayBuffer of its own whose memory
 * comes from a pool per thread (native/src/owned-bytes.cc): a block goes back
 * to the pool only when V8 frees the ArrayBuffer that held it, on whatever
 * thread that happens, and the pool keeps at most 64 MiB of idle blocks.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** OWNED_IDLE_MAX in native/src/owned-bytes.h. */
const IDLE_MAX = 64 * 2 ** 20;
/** Around every block size's edges (256 bytes to 32 KiB), and past the largest (malloc'd, not pooled). */
const SIZES = [1, 200, 255, 256, 257, 1179, 1200, 2048, 2049, 5000, 16_384, 32_768, 32_769, 40_000];
const HEADER = 5;
const CHILD = fileURLToPath(new URL('./owned-bytes-child.ts', import.meta.url));
const ADDON = fileURLToPath(new URL('../../native/build/Release/dtls13_native.node', import.meta.url));
const TAG = 16;

type Owned = NativeBinding &
  Required<Pick<NativeBinding, 'recordOpenOwned' | 'record12OpenOwned' | 'ownedPoolStats' | 'ownedPoolTrim'>>;

function owned(b: NativeBinding | undefined): Owned | undefined {
  return b?.recordOpenOwned && b.record12OpenOwned && b.ownedPoolStats && b.ownedPoolTrim ? (b as Owned) : undefined;
}

const pattern = (i: number, length: number): Uint8Array => {
  const p = new Uint8Array(length);
  for (let j = 0; j < length; j++) p[j] = (i * 31 + j * 7) & 0xff;
  return p;
};

/** The first byte that differs from record i's pattern, or -1. */
function firstDifference(a: Uint8Array, i: number, length: number): number {
  if (a.length !== length) return 0;
  for (let j = 0; j < length; j++) if (a[j] !== ((i * 31 + j * 7) & 0xff)) return j;
  return -1;
}

/** Polls until `done` holds (gc and a pause between tries: V8 frees ArrayBuffers on its sweeper thread); false after 20 s. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (done()) return true;
    gc();
    await sleep(50);
  }
  return done();
}

function sealer(b: Owned): {
  key: NativeHandle;
  seal(i: number, length: number): Uint8Array;
  open(record: Uint8Array, i: number): Uint8Array | undefined;
} {
  const key = b.recordCreate(0, new Uint8Array(16).fill(1), new Uint8Array(12).fill(2), 0, new Uint8Array(16).fill(3));
  const sequence = new Float64Array(1);
  return {
    key,
    seal(i, length) {
      const record = new Uint8Array(HEADER + length + TAG);
      record.set([0x2f, (i >> 8) & 0xff, i & 0xff, (length + TAG) >> 8, (length + TAG) & 0xff]);
      record.set(pattern(i, length), HEADER);
      b.recordSeal(key, record, 0, HEADER, length, i, 1, 2);
      return record;
    },
    open(record, i) {
      const out = b.recordOpenOwned(key, record, 0, HEADER, record.length - HEADER, 1, 2, i, sequence);
      if (out !== undefined && sequence[0] !== i)
        throw new Error(`record ${i} opened as sequence number ${sequence[0]}`);
      return out;
    },
  };
}

const b = owned(nativeBinding);
if (b === undefined) {
  test('without the pool only where the addon is turned off (DTLS13_NATIVE=0): the record layer allocates each array then', (t) => {
    // npm ci builds the addon for the running Node, which then has the pool: its absence anywhere else is a failure.
    t.is(
      process.env.DTLS13_NATIVE,
      '0',
      nativeBinding === undefined ? 'the addon is not loaded' : 'the addon has no recordOpenOwned',
    );
  });
} else {
  test.serial(
    'an array of its own per record: blocks reused from the pool never touch a record still held',
    async (t) => {
      const s = sealer(b);
      const held = new Map<number, Uint8Array>();
      const start = b.ownedPoolStats();
      for (let i = 0; i < 2000; i++) {
        const length = SIZES[i % SIZES.length]!;
        const a = s.open(s.seal(i, length), i);
        if (a === undefined) return t.fail(`record ${i} did not open`);
        if (a.byteOffset !== 0 || a.buffer.byteLength !== length)
          return t.fail(`record ${i}: its ArrayBuffer holds ${a.buffer.byteLength} bytes`);
        if (i % 2 === 0) held.set(i, a);
      }
      // Every other array is garbage now: once V8 frees them, their blocks are the pool's to hand out again.
      const pooledHeld = [...held.keys()].filter((i) => SIZES[i % SIZES.length]! <= 32_768).length;
      // (The last array or two may stay referenced a while from the suspended function's registers.)
      t.true(
        await eventually(() => b.ownedPoolStats().liveArrays - start.liveArrays <= pooledHeld + 2),
        'the dropped arrays were freed',
      );
      const before = b.ownedPoolStats();
      for (let i = 2000; i < 4000; i++) {
        const length = SIZES[i % SIZES.length]!;
        const a = s.open(s.seal(i, length), i);
        if (a === undefined || firstDifference(a, i, length) !== -1) return t.fail(`record ${i} opened wrong`);
      }
      t.true(b.ownedPoolStats().reused - before.reused >= 500, 'the second round reused freed blocks');
      for (const [i, a] of held) {
        const at = firstDifference(a, i, SIZES[i % SIZES.length]!);
        if (at !== -1) return t.fail(`held record ${i} changed at byte ${at} after its block was handed out again`);
      }
      b.release(s.key);
      t.pass();
    },
  );

  test.serial(
    'a record that does not authenticate opens to undefined, and its block goes back unused: the next one reuses it',
    async (t) => {
      const s = sealer(b);
      const record = s.seal(7, 1179);
      record[HEADER + 3]! ^= 1;
      t.true(await eventually(() => b.ownedPoolStats().liveArrays <= 5), 'the earlier tests\u2019 arrays were freed');
      b.ownedPoolTrim();
      t.is(s.open(record, 7), undefined);
      const before = b.ownedPoolStats();
      t.is(s.open(record, 7), undefined);
      const after = b.ownedPoolStats();
      t.is(after.allocated, before.allocated, 'no new block');
      t.is(after.reused, before.reused + 1, 'the first forgery\u2019s block');
      t.is(after.liveArrays, before.liveArrays, 'no array was made');
      t.throws(() => b.recordOpenOwned(s.key, record, 0, HEADER, record.length, 1, 2, 0, new Float64Array(1)), {
        message: /does not fit the datagram/,
      });
      t.throws(
        () =>
          b.recordOpenOwned(
            s.key,
            record,
            0,
            HEADER,
            record.length - HEADER,
            1,
            2,
            0,
            new Float32Array(1) as unknown as Float64Array,
          ),
        {
          message: /Float64Array/,
        },
      );
      b.release(s.key);
    },
  );

  test.serial(
    'a record transferred to a worker: the worker reads it, and its block comes back to this thread\u2019s pool when the worker frees it',
    async (t) => {
      const s = sealer(b);
      const count = 100;
      const arrays: Uint8Array[] = [];
      for (let i = 0; i < count; i++) arrays.push(s.open(s.seal(i, 1179), i)!);
      // Only these are alive (give or take the last array or two of earlier tests): what is freed next is theirs.
      t.true(
        await eventually(() => b.ownedPoolStats().liveArrays <= count + 2),
        'the earlier tests\u2019 arrays were freed',
      );
      const worker = new Worker(
        `const { parentPort } = require('node:worker_threads');
       require('node:v8').setFlagsFromString('--expose-gc');
       const collect = require('node:vm').runInNewContext('gc');
       parentPort.on('message', (arrays) => {
         let bad = -1;
         arrays.forEach((a, i) => { for (let j = 0; j < a.length; j++) if (a[j] !== ((i * 31 + j * 7) & 0xff)) bad = i; });
         arrays.length = 0;
         collect();
         setTimeout(() => { collect(); parentPort.postMessage(bad); }, 100);
       });`,
        { eval: true },
      );
      try {
        const answer = new Promise<number>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
        worker.postMessage(
          arrays,
          arrays.map((a) => a.buffer as ArrayBuffer),
        );
        t.true(
          arrays.every((a) => a.byteLength === 0),
          'transferring detached each array here',
        );
        t.is(await answer, -1, 'the worker read every record as it was opened');
        t.true(
          await eventually(() => b.ownedPoolStats().liveArrays <= 2),
          'the worker\u2019s frees came back to this pool',
        );
      } finally {
        await worker.terminate();
      }
      const before = b.ownedPoolStats();
      for (let i = 0; i < count; i++)
        if (firstDifference(s.open(s.seal(i, 1179), i)!, i, 1179) !== -1) return t.fail(`record ${i} opened wrong`);
      t.true(
        b.ownedPoolStats().reused > before.reused,
        'blocks came back from the worker\u2019s thread and were reused',
      );
      b.release(s.key);
    },
  );

  test.serial(
    "ownedZeroed ('batch' arenas) reuses blocks that held records, and hands them out all zeros",
    async (t) => {
      const zeroed = b.ownedZeroed;
      if (zeroed === undefined) return t.fail('the addon has no ownedZeroed');
      const s = sealer(b);
      t.true(await eventually(() => b.ownedPoolStats().liveArrays <= 5), 'the earlier tests\u2019 arrays were freed');
      for (let i = 0; i < 200; i++)
        if (s.open(s.seal(i, 1000), i) === undefined) return t.fail(`record ${i} did not open`);
      t.true(
        await eventually(() => b.ownedPoolStats().liveArrays <= 5),
        'the records were freed: their blocks are idle',
      );
      const before = b.ownedPoolStats();
      for (let i = 0; i < 200; i++) {
        const arena = zeroed.call(b, 1000);
        if (!(arena instanceof ArrayBuffer) || arena.byteLength !== 1000)
          return t.fail(`arena ${i} is not a 1,000-byte ArrayBuffer`);
        const at = new Uint8Array(arena).findIndex((x) => x !== 0);
        if (at !== -1) return t.fail(`arena ${i} holds a byte of an earlier record at ${at}`);
      }
      t.true(b.ownedPoolStats().reused - before.reused >= 100, 'the records\u2019 blocks were reused');
      for (const bad of [0, 32_769, Number.NaN]) t.throws(() => zeroed.call(b, bad), { instanceOf: RangeError });
      b.release(s.key);
    },
  );

  test.serial('the pool keeps at most 64 MiB idle, and ownedPoolTrim frees it all', async (t) => {
    const s = sealer(b);
    t.true(await eventually(() => b.ownedPoolStats().liveArrays <= 5), 'the earlier tests\u2019 arrays were freed');
    b.ownedPoolTrim();
    const start = b.ownedPoolStats();
    let arrays: Uint8Array[] = [];
    // 2,200 blocks of 32 KiB: 68.75 MiB, more than the pool keeps.
    for (let i = 0; i < 2200; i++) arrays.push(s.open(s.seal(i, 20_000), i)!);
    t.true(b.ownedPoolStats().liveArrays - start.liveArrays >= 2200 - start.liveArrays);
    arrays = [];
    t.true(await eventually(() => b.ownedPoolStats().liveArrays <= start.liveArrays + 2), 'the arrays were freed');
    const idle = b.ownedPoolStats().idleBytes;
    t.log(`idle after 68.75 MiB of arrays died: ${(idle / 2 ** 20).toFixed(2)} MiB`);
    t.true(idle <= IDLE_MAX, `idle ${idle} bytes`);
    t.true(idle >= IDLE_MAX - 2 * 32_768 * 64, 'up to the cap was kept');
    t.true(b.ownedPoolTrim() >= idle, 'trim freed what was idle');
    t.is(b.ownedPoolStats().idleBytes, 0);
    t.is(arrays.length, 0);
    b.release(s.key);
  });

  test.serial(
    'a trim while V8 is still freeing records loses none: once they are all back, a trim leaves nothing idle',
    async (t) => {
      const s = sealer(b);
      for (let round = 0; round < 3; round++) {
        const arrays: Uint8Array[] = [];
        for (let i = 0; i < 20_000; i++) arrays.push(s.open(s.seal(i, 1179), i)!);
        t.is(arrays.length, 20_000);
        arrays.length = 0;
        gc();
        // V8's sweeper is giving the blocks back now, on its own threads: trims meanwhile, until they are all back.
        for (let i = 0; i < 100_000 && b.ownedPoolStats().liveArrays > 2; i++) b.ownedPoolTrim();
      }
      t.true(await eventually(() => b.ownedPoolStats().liveArrays <= 2), 'every array was freed');
      b.ownedPoolTrim();
      t.is(b.ownedPoolStats().idleBytes, 0, 'nothing counted idle that the pool no longer holds');
      const before = b.ownedPoolStats();
      let one: Uint8Array | undefined = s.open(s.seal(1, 1179), 1);
      t.is(one?.length, 1179);
      one = undefined;
      t.true(await eventually(() => b.ownedPoolStats().idleBytes > 0), 'a freed block is kept again');
      t.truthy(s.open(s.seal(2, 1179), 2));
      t.is(b.ownedPoolStats().reused, before.reused + 1, 'and reused');
      t.is(one, undefined);
      b.release(s.key);
    },
  );

  for (const [mode, what] of [
    ['keep', 'only a worker loads the addon and keeps a record when it exits'],
    [
      'transfer',
      'only a worker loads the addon and transfers a record to the main thread, which frees it after the worker is gone',
    ],
    ['twice', 'the addon is loaded twice into one thread (a test runner reloading modules)'],
  ] as const) {
    test(`the process lives on when ${what}`, (t) => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode, ADDON], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      t.is(run.signal, null, run.stderr.slice(-2000));
      t.is(run.status, 0, run.stderr.slice(-2000));
      t.regex(run.stdout, /^ok /m);
    });
  }

  test.serial(
    'DTLS 1.2: record12OpenOwned opens what record12Open opens, into an ArrayBuffer of its own; a forgery opens to undefined',
    (t) => {
      const key = b.record12Create(0, new Uint8Array(16).fill(4), new Uint8Array(4).fill(5), 1, new Uint8Array(0));
      for (const length of [0, 1, 1179, 32_768, 40_000]) {
        const record = new Uint8Array(13 + 8 + length + TAG);
        record.set(pattern(length, length), 13 + 8);
        b.record12Seal(key, record, 0, 23, 42, length, 0);
        const fragmentLength = record.length - 13;
        const a = b.record12OpenOwned(key, record, 13, fragmentLength, 23, 42);
        if (a === undefined) return t.fail(`${length} bytes did not open`);
        t.is(a.buffer.byteLength, length);
        t.is(firstDifference(a, length, length), -1);
        const out = new Uint8Array(length);
        t.is(b.record12Open(key, record, 13, fragmentLength, 23, 42, out, 0), length);
        t.deepEqual(out, a);
        t.is(
          b.record12OpenOwned(key, record, 13, fragmentLength, 23, 43),
          undefined,
          'another sequence number does not authenticate',
        );
      }
      t.is(b.record12OpenOwned(key, new Uint8Array(30), 13, 17, 23, 0), undefined, 'shorter than nonce and tag');
      b.release(key);
    },
  );

  test.serial(
    'the record protection opens the same with the pool and with arrays it allocates (an addon without recordOpenOwned)',
    (t) => {
      const keys = [new Uint8Array(16).fill(9), new Uint8Array(12).fill(8), new Uint8Array(16).fill(7)] as const;
      const pooled = nativeRecordProtection(b, 'aes-128-gcm', 'aes-128', ...keys);
      const { recordOpenOwned: _pooled, ...withoutPool } = b;
      const plain = nativeRecordProtection(withoutPool, 'aes-128-gcm', 'aes-128', ...keys);
      const s = sealer(b);
      const allocated: number[] = [];
      for (let i = 0; i < 40; i++) {
        const length = SIZES[i % SIZES.length]!;
        const record = new Uint8Array(HEADER + length + TAG);
        record.set([0x2f, 0, i], 0);
        record.set(pattern(i, length), HEADER);
        pooled.sealRecord(i, record, HEADER, length, 1, 2);
        const a = pooled.openRecord(record, 0, HEADER, length + TAG, 1, 2, i, undefined);
        const seqA = pooled.openedSequenceNumber;
        // Given memory ('batch' mode's arena), the addon decrypts into it even with its pool.
        const arena = new Uint8Array(length + 8);
        const given = pooled.openRecord(record, 0, HEADER, length + TAG, 1, 2, i, (n) => arena.subarray(8, 8 + n));
        t.is(given?.buffer, arena.buffer);
        t.deepEqual(given, a);
        const c = plain.openRecord(record, 0, HEADER, length + TAG, 1, 2, i, (n) => {
          allocated.push(n);
          return new Uint8Array(n);
        });
        if (a === undefined || c === undefined) return t.fail(`record ${i} did not open`);
        t.is(seqA, i);
        t.is(plain.openedSequenceNumber, i);
        t.deepEqual(a, c);
      }
      t.is(allocated.length, 40, 'without recordOpenOwned, every record went through allocate');
      pooled.release();
      plain.release();
      b.release(s.key);
    },
  );
}
