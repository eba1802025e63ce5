/**
 * The run cache and the worker pool: a search run twice with a cache writes the same output and CSV, the second
 * making no run; a changed seed, window, warm-up, knob, cost or question misses; an entry truncated, corrupted or
 * holding another key is not trusted (reported, run again, written anew); a run read back or sent from a worker is
 * the same to the bit; the pool's runs are the sequential ones.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSize } from '../../../cli/size-command.js';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { FlowPool } from '../../../hwmodel/sizing/workload/flow-pool.js';
import type { RunPlan } from '../../../hwmodel/sizing/workload/flow-run.js';
import { runFlow } from '../../../hwmodel/sizing/workload/flow-model.js';
import { sequentialRunner, type FlowRunner, type RunJob } from '../../../hwmodel/sizing/workload/flow-runner.js';
import { cachedRunner, modelModules, RunCache, runKey } from '../../../hwmodel/sizing/workload/run-cache.js';
import { decodeRun, encodeRun, runData } from '../../../hwmodel/sizing/workload/run-encoding.js';
import { checkTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import { MAIN } from '../../cli/cli-process.js';
import { asicEngine, asicTargets, roomy, TWENTY_GBPS } from './workload-fixtures.js';

const traffic = checkTraffic({ ...TWENTY_GBPS, burstFactor: 1.5, burstUs: 20 });
const costs = deviceCosts(asicEngine, asicTargets(), traffic);
// A device that drops in the burst (episodes, a histogram with records at +∞ beside it).
const tight: DeviceKnobs = { ...roomy, lanes: 2, rxRingDepth: 16, pipelineDepth: 16 };
const plan: RunPlan = { warmupUs: 10, windowUs: 40, seed: 3 };
const job = (knobs: DeviceKnobs, p: RunPlan): RunJob => ({ traffic, knobs, costs, plan: p });

function tempDir(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-run-cache-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `inner` with the runs it was asked for counted. */
function counting(inner: FlowRunner): FlowRunner & { made: number } {
  const r = {
    made: 0,
    runs: (...a: Parameters<FlowRunner['runs']>) => {
      r.made += a[0].length;
      return inner.runs(...a);
    },
  };
  return r;
}

test('a run read back from its bytes is the run, to the bit (NaN, ±∞ and the histograms included)', (t) => {
  const run = runFlow(traffic, tight, costs, plan);
  t.true(run.steady.dropped + (run.burst?.dropped ?? 0) > 0, 'the device drops');
  const back = decodeRun(encodeRun(run));
  // As data: a histogram's counts are private fields, which a deep comparison of the objects does not see.
  t.deepEqual(runData(back), runData(run));
  t.deepEqual(back, run);
  t.is(back.burst!.wireRecords.quantile(0.999), run.burst!.wireRecords.quantile(0.999));
});

test('the key: every input and the model code decide it; a changed seed, window, warm-up, knob, cost or question misses', (t) => {
  const key = runKey(traffic, tight, costs, plan);
  t.is(runKey(traffic, { ...tight }, { ...costs }, { ...plan }), key, 'the same inputs, the same key');
  const others = [
    runKey(traffic, tight, costs, { ...plan, seed: 4 }),
    runKey(traffic, tight, costs, { ...plan, windowUs: 41 }),
    runKey(traffic, tight, costs, { ...plan, warmupUs: 11 }),
    runKey(traffic, { ...tight, lanes: 3 }, costs, plan),
    runKey(traffic, tight, { ...costs, dramLatencyNs: costs.dramLatencyNs + 1 }, plan),
    runKey({ ...traffic, burstFactor: 1.6 }, tight, costs, plan),
  ];
  t.is(new Set([key, ...others]).size, others.length + 1);
  const dir = tempDir(t);
  const cache = new RunCache(dir);
  const inner = counting(sequentialRunner);
  const runner = cachedRunner(cache, inner);
  runner.runs([job(tight, plan)]);
  runner.runs([job(tight, plan)]);
  t.is(inner.made, 1, 'the second asks no run');
  runner.runs([job(tight, { ...plan, seed: 4 })]);
  runner.runs([job({ ...tight, lanes: 3 }, plan)]);
  t.is(inner.made, 3, 'a changed seed or knob runs');
  // The code the key hashes: the model and what it runs, not the search around it.
  const paths = modelModules().map(([p]) => p);
  for (const p of ['flow-model', 'flow-job', 'event-queue', 'latency-histogram', 'slot-lru', '../../kernel/random'])
    t.true(
      paths.some((x) => x.replace(/\.(ts|js)$/, '') === p),
      p,
    );
  t.false(
    paths.some((x) => /workload-search|replicate|run-cache|\.\.\/bounds/.test(x)),
    paths.join(' '),
  );
});

test('an entry truncated, corrupted or holding another key is not trusted: reported, run again and stored anew', (t) => {
  const dir = tempDir(t);
  const problems: string[] = [];
  const fresh = runFlow(traffic, tight, costs, plan);
  const key = runKey(traffic, tight, costs, plan);
  const otherKey = runKey(traffic, tight, costs, { ...plan, seed: 9 });
  // The entry's own bytes spoiled, written back plain and gzipped (both read); then the gzip stream itself spoiled.
  const entry = (spoil: (b: Buffer) => Buffer, zip: boolean) => (f: string, b: Buffer) =>
    writeFileSync(f, zip ? gzipSync(spoil(gunzipSync(b))) : spoil(gunzipSync(b)));
  // A bit of the gzip trailer's CRC-32 flipped.
  const flipped = (b: Buffer): Buffer => {
    const c = Buffer.from(b);
    c.writeUInt8(c.readUInt8(c.length - 6) ^ 1, c.length - 6);
    return c;
  };
  const cases: [string, (file: string, bytes: Buffer) => void][] = [true, false].flatMap(
    (zip): [string, (file: string, bytes: Buffer) => void][] => [
      ['truncated', entry((b) => b.subarray(0, b.length - 100), zip)],
      ['truncated', entry((b) => b.subarray(0, 20), zip)],
      ['corrupt', entry((b) => Buffer.concat([b.subarray(0, b.length - 9), Buffer.from('x'), b.subarray(-8)]), zip)],
      ['corrupt', entry((b) => Buffer.concat([b, Buffer.from('more')]), zip)],
      ['corrupt', entry(() => Buffer.from('not a run\n1\n2\n3\n'), zip)],
    ],
  );
  cases.push(
    ['truncated', (f, b) => writeFileSync(f, b.subarray(0, b.length - 100))],
    ['corrupt', (f, b) => writeFileSync(f, flipped(b))],
    ['corrupt', (f, b) => writeFileSync(f, Buffer.concat([b, Buffer.from('more')]))],
    [
      'other key',
      (f) => {
        const c = new RunCache(dir);
        c.put(otherKey, runFlow(traffic, tight, costs, { ...plan, seed: 9 }));
        renameSync(c.fileOf(otherKey), f);
      },
    ],
  );
  for (const [kind, spoil] of cases) {
    const cache = new RunCache(dir, (p) => problems.push(p.kind));
    cache.put(key, fresh);
    const file = cache.fileOf(key);
    spoil(file, readFileSync(file));
    t.is(cache.get(key), undefined, kind);
    t.is(problems.at(-1), kind);
    t.is(cache.problems.at(-1)?.file, file);
    // Through the runner: run again, the same run, stored anew and then replayed.
    const inner = counting(sequentialRunner);
    const [again] = cachedRunner(cache, inner).runs([job(tight, plan)]);
    t.is(inner.made, 1);
    t.deepEqual(runData(again!), runData(fresh));
    t.deepEqual(runData(cache.get(key)!), runData(fresh));
    t.deepEqual(cache.stats, { replayed: 1, stored: 2, ignored: 2 });
  }
  t.deepEqual(
    readdirSync(dir).filter((f) => !f.endsWith('.run')),
    [],
    'no temporary file left',
  );
});

test('an entry is stored gzipped, and one kept plain reads back the same', (t) => {
  const dir = tempDir(t);
  const cache = new RunCache(dir);
  const run = runFlow(traffic, tight, costs, plan);
  const key = runKey(traffic, tight, costs, plan);
  cache.put(key, run);
  const stored = readFileSync(cache.fileOf(key));
  t.deepEqual([...stored.subarray(0, 2)], [0x1f, 0x8b]);
  const plain = gunzipSync(stored);
  t.true(plain.toString('latin1').startsWith('dtls13 flow run 1\n'));
  writeFileSync(cache.fileOf(key), plain);
  t.deepEqual(runData(cache.get(key)!), runData(run));
  t.deepEqual(cache.stats, { replayed: 1, stored: 1, ignored: 0 });
});

test('each run is stored as it is made: a batch stopped mid-way keeps the runs it finished', (t) => {
  const dir = tempDir(t);
  const cache = new RunCache(dir);
  const jobs = [1, 2, 3].map((seed) => job(tight, { ...plan, seed }));
  // This thread's runner, stopped (a throw, as a kill would) before the third run.
  const stopped: FlowRunner = {
    runs: (js, made) =>
      js.map((j, i) => {
        if (i === 2) throw new Error('stopped');
        return sequentialRunner.runs([j], (_, run) => made?.(i, run))[0]!;
      }),
  };
  t.throws(() => cachedRunner(cache, stopped).runs(jobs), { message: 'stopped' });
  t.is(readdirSync(dir).filter((f) => f.endsWith('.run')).length, 2);
  const again = counting(sequentialRunner);
  const heard: number[] = [];
  const runs = cachedRunner(cache, again).runs(jobs, (i) => heard.push(i));
  t.is(again.made, 1, 'only the run the stop took');
  t.deepEqual([...heard].sort(), [0, 1, 2], 'every run told, replayed or made');
  t.deepEqual(runs.map(runData), sequentialRunner.runs(jobs).map(runData));
});

test('the pool runs jobs on worker threads, each to the next free worker: the same runs, in order, as in this thread', async (t) => {
  const pool = new FlowPool(2);
  t.teardown(() => pool.close());
  // Two configurations' seeds at once, of different lengths.
  const jobs = [1, 2, 3].flatMap((seed) => [
    job(tight, { ...plan, seed }),
    job(roomy, { ...plan, windowUs: 60 + 20 * seed, seed }),
  ]);
  const pooled = pool.runs(jobs).map(runData);
  t.deepEqual(pooled, sequentialRunner.runs(jobs).map(runData));
  // Again on the same workers, in another order.
  t.deepEqual(pool.runs([jobs[5]!, jobs[0]!]).map(runData), [pooled[5], pooled[0]]);
  // Closed, it starts workers again when asked.
  await pool.close();
  t.deepEqual(pool.runs([jobs[1]!, jobs[2]!]).map(runData), [pooled[1], pooled[2]]);
  await pool.close();
});

/** `dtls13 size` with `args`: its exit code, stdout and stderr. */
async function size(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writes = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)] as const;
  process.stdout.write = ((c: string | Uint8Array) => out.push(String(c)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => err.push(String(c)) > 0) as typeof process.stderr.write;
  try {
    const code = await runSize(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

test('a search run twice with a run cache writes the same output and CSV, the second replaying every run', async (t) => {
  const dir = tempDir(t);
  const cache = join(dir, 'runs');
  const args = (csv: string, jobs: string): string[] => [
    ...['--gbps', '5', '--handshakes', '2000', '--sessions', '5000', '--window', '40', '--slo-drop', '1e-2'],
    ...['--seed', '2', '--warmup', '20', '--replications', '2', '--max-steps', '8', '--no-sensitivity'],
    ...['--run-cache', cache, '--jobs', jobs, '--csv', join(dir, csv)],
  ];
  const first = await size(args('a.csv', '2'));
  t.is(first.code, 0, first.out);
  // A search asks again for some runs it made (the answer's at the nominal load, a trim's acceptance): replayed.
  const made = /: (\d+) runs replayed, (\d+) run and stored, 0 not trusted\n$/.exec(first.err);
  t.truthy(made, first.err);
  const [again, n] = [Number(made![1]), Number(made![2])];
  t.true(n > 0);
  t.is(readdirSync(cache).length, n);
  const second = await size(args('b.csv', '1'));
  t.is(second.code, 0, second.out);
  t.regex(second.err, new RegExp(`: ${again + n} runs replayed, 0 run and stored, 0 not trusted\\n$`));
  const body = (s: string): string => s.replace(/CSV written to .*\n/, '');
  t.is(body(second.out), body(first.out));
  t.is(readFileSync(join(dir, 'b.csv'), 'utf8'), readFileSync(join(dir, 'a.csv'), 'utf8'));
  // And without the cache, in this thread: the same again.
  const bare = await size(
    args('c.csv', '1')
      .slice(0, -6)
      .concat(['--jobs', '1', '--csv', join(dir, 'c.csv')]),
  );
  t.is(body(bare.out), body(first.out));
  t.is(bare.err, '');
});

test('a search killed mid-way and started again with its cache prints what it prints uninterrupted', async (t) => {
  const dir = tempDir(t);
  const cache = join(dir, 'runs');
  const args = [
    ...['--import=tsx', MAIN, 'size', '--gbps', '5', '--handshakes', '2000', '--sessions', '5000', '--window', '40'],
    ...['--slo-drop', '1e-2', '--seed', '3', '--warmup', '20', '--replications', '2', '--max-steps', '8'],
  ];
  const counts = (stderr: string): [number, number] => {
    const m = /: (\d+) runs replayed, (\d+) run and stored, 0 not trusted\n$/.exec(stderr);
    if (m === null) throw new Error(`no cache line in ${stderr}`);
    return [Number(m[1]), Number(m[2])];
  };
  // Uninterrupted, with a cache of its own: its output, and the runs it makes.
  const whole = spawnSync(process.execPath, [...args, '--jobs', '1', '--run-cache', join(dir, 'whole')], {
    encoding: 'utf8',
  });
  t.is(whole.status, 0, whole.stderr);
  const made = counts(whole.stderr)[1];
  // Killed (SIGKILL: nothing of it runs after) once its first runs are stored.
  const child = spawn(process.execPath, [...args, '--run-cache', cache], { stdio: 'ignore' });
  const ended = new Promise<string | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  while (!existsSync(cache) || readdirSync(cache).filter((f) => f.endsWith('.run')).length === 0)
    await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  t.is(await ended, 'SIGKILL', 'stopped before it ended');
  const stored = readdirSync(cache).filter((f) => f.endsWith('.run')).length;
  t.true(stored > 0 && stored < made, `${stored} of ${made}`);
  const again = spawnSync(process.execPath, [...args, '--run-cache', cache], { encoding: 'utf8' });
  t.is(again.status, 0, again.stderr);
  t.is(again.stdout, whole.stdout);
  // The runs it had stored are replayed, the others made: none made twice.
  t.is(counts(again.stderr)[1], made - stored);
});

test('scripts/size-run-cache.ts lists a cache’s runs and sums them; an entry not trusted is said', (t) => {
  const dir = tempDir(t);
  const cache = new RunCache(dir);
  const runs = [1, 2].map((seed) => runFlow(traffic, tight, costs, { ...plan, seed }));
  runs.forEach((r, i) => cache.put(runKey(traffic, tight, costs, { ...plan, seed: i + 1 }), r));
  writeFileSync(join(dir, `${'0'.repeat(64)}.run`), 'not a run\n');
  const script = fileURLToPath(new URL('../../../scripts/size-run-cache.ts', import.meta.url));
  const out = spawnSync(process.execPath, ['--import=tsx', script, dir], { encoding: 'utf8' });
  t.is(out.status, 0, out.stderr);
  const offered = runs.reduce((s, r) => s + r.steady.offered, 0);
  const dropped = runs.reduce((s, r) => s + r.steady.dropped, 0);
  t.regex(out.stdout, /0{64}\.run: not trusted \(truncated: /);
  t.true(
    out.stdout.endsWith(
      `3 of 3 entries: ${offered.toLocaleString('en-US')} records offered, ${dropped.toLocaleString('en-US')} dropped ` +
        `in ${runs.reduce((s, r) => s + r.steady.episodes, 0)} episodes (largest ${Math.max(...runs.map((r) => r.steady.largestEpisode))})\n`,
    ),
    out.stdout,
  );
});
