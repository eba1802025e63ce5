/**
 * Round trip through an independent VCD reader: GTKWave's vcd2fst parses the
 * file written here into FST, fst2vcd prints it back as VCD, and every
 * signal's value changes must match what was written. The tools come from
 * Debian's `gtkwave` package (installed on first use by install-gtkwave.sh);
 * tools that cannot be had FAIL the tests.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityMonitor, FileSink, VcdWriter } from '../../../hwmodel/trace/index.js';
import type { VcdSignal } from '../../../hwmodel/trace/index.js';
import { ResourcePool } from '../../../hwmodel/timing/index.js';
import { seeded } from '../timing/prng.js';
import { gtkwaveTools } from './gtkwave.js';
import { collapse, readVcd } from './vcd-read.js';
import type { Changes } from './vcd-read.js';

/** vcd2fst then fst2vcd; the text fst2vcd prints. */
function roundTrip(vcdPath: string, dir: string): string {
  const fst = join(dir, 'trace.fst');
  const a = spawnSync('vcd2fst', [vcdPath, fst], { encoding: 'utf8' });
  if (a.status !== 0) throw new Error(`vcd2fst failed (${String(a.status)}): ${a.stderr}${a.stdout}`);
  const b = spawnSync('fst2vcd', [fst], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (b.status !== 0) throw new Error(`fst2vcd failed (${String(b.status)}): ${b.stderr}`);
  return b.stdout;
}

function compare(t: import('ava').ExecutionContext, got: Changes, expected: Changes): void {
  t.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'same signal names');
  for (const [name, changes] of expected) t.deepEqual(collapse(got.get(name) ?? []), collapse(changes), name);
}

const missing = gtkwaveTools();
const tools = missing === undefined;

test('written VCD reads back through vcd2fst/fst2vcd with the same values', (t) => {
  if (!tools) return t.fail(missing);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-vcd-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'trace.vcd');
  const vcd = new VcdWriter(new FileSink(path, 4096), { date: 'test', comment: 'round trip' });
  const random = seeded(11);
  const expected: Changes = new Map();
  type Sig = { s: VcdSignal; gen: () => number; norm: (v: number) => string };
  const sigs: Sig[] = [];
  const add = (s: VcdSignal, initial: number, gen: () => number, norm: (v: number) => string) => {
    sigs.push({ s, gen, norm });
    expected.set(s.name, [[0, norm(initial)]]);
  };
  // 150 scalars in nested scopes: identifier codes run past one character.
  for (let i = 0; i < 150; i++)
    add(vcd.wire(`top.m${i % 5}.sub${i % 3}.w${i}`), 0, () => (random.next() < 0.5 ? 1 : 0), String);
  add(vcd.wire('top.bus.data', 16, 0xbeef), 0xbeef, () => Math.floor(random.next() * 65536), String);
  add(
    vcd.integer('top.bus.count', -3),
    -3,
    () => Math.floor(random.next() * 2000) - 1000,
    (v) => String(BigInt.asUintN(32, BigInt(v))),
  );
  add(vcd.real('top.load', 1.25), 1.25, () => Math.round(random.next() * 1e6) / 1e3, String);
  let time = 0;
  for (let step = 0; step < 400; step++) {
    time += 1 + Math.floor(random.next() * 5000);
    for (const { s, gen, norm } of sigs) {
      if (random.next() < 0.1) {
        const v = gen();
        vcd.change(time, s, v);
        expected.get(s.name)?.push([time, norm(v)]);
      }
    }
  }
  vcd.close(time + 1);
  compare(t, readVcd(roundTrip(path, dir)), expected);
});

test('activity monitor signals read back through vcd2fst/fst2vcd', (t) => {
  if (!tools) return t.fail(missing);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-vcd-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'activity.vcd');
  const vcd = new VcdWriter(new FileSink(path));
  const mon = new ActivityMonitor({ vcd, scope: 'soc' });
  const engine = mon.module('server.cryptoEngine', 2);
  const pool = new ResourcePool('engine', 2);
  for (const arrival of [0, 0, 0, 25]) {
    mon.advanceTo(arrival);
    engine.serve(pool.request(arrival, 10));
  }
  mon.stats(100);
  vcd.close(100);
  // Lanes busy 0–10 (2), 10–20 (1), 25–35 (1); one request queued 0–10.
  const expected: Changes = new Map([
    [
      'soc.server.cryptoEngine.busy',
      [
        [0, '0'],
        [0, '1'],
        [20, '0'],
        [25, '1'],
        [35, '0'],
      ],
    ],
    [
      'soc.server.cryptoEngine.active',
      [
        [0, '0'],
        [0, '2'],
        [10, '1'],
        [20, '0'],
        [25, '1'],
        [35, '0'],
      ],
    ],
    [
      'soc.server.cryptoEngine.queue',
      [
        [0, '0'],
        [0, '1'],
        [10, '0'],
      ],
    ],
  ]);
  compare(t, readVcd(roundTrip(path, dir)), expected);
});
