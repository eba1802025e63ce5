import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { parseSimulateArgs, type RunPlan } from '../../../cli/simulate-args.js';
import { sweepCsv, sweepTable } from '../../../cli/simulate-sweep.js';
import { CliUsageError } from '../../../cli/usage-error.js';
import { interval, runSweep } from '../../../hwmodel/model/sweep.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { sweepPlotSvg } from '../../../hwmodel/trace/index.js';

const run = (args: string[]): RunPlan => {
  const plan = parseSimulateArgs(args);
  if (plan.kind !== 'run') throw new Error('not a run');
  return plan;
};

test('--set takes spec/hw names and units, with no regeneration: values reach the device parameters in plain units', (t) => {
  const plan = run([
    '--set',
    'crypto_engine.lanes=8',
    '--set',
    'crypto_engine.clock_period=1ns',
    '--set',
    'memory.bandwidth=100Gbps',
    '--set',
    'crypto_engine.hw_accel=true',
  ]);
  t.deepEqual(plan.device, {
    cryptoEngine: { lanes: 8, clockPeriod: 1000, hwAccel: true },
    memory: { bandwidth: 100e9 },
  });
  t.deepEqual(
    plan.settings.map((s) => `${s.path}=${s.text}`),
    [
      'crypto_engine.lanes=8',
      'crypto_engine.clock_period=1ns',
      'memory.bandwidth=100Gbps',
      'crypto_engine.hw_accel=true',
    ],
  );
});

test('a bad --set names the option and what is wrong: module, parameter, value', (t) => {
  const bad = (arg: string, message: RegExp): void => {
    const e = t.throws(() => run(['--set', arg]), { instanceOf: ConfigError });
    t.is(e.option, '--set');
    t.regex(e.message, message);
  };
  bad('crypto.lanes=2', /'crypto\.lanes' is not module\.parameter; modules: connection_manager, crypto_engine/);
  bad('crypto_engine.cores=2', /crypto_engine has no parameter 'cores'; it has lanes, pk_lanes/);
  bad('crypto_engine.clock_period=3', /crypto_engine\.clock_period=3: '3' is not a time/);
  bad('crypto_engine.lanes=two', /a count is a non-negative integer/);
  bad('crypto_engine.lanes', /is not module\.parameter=value/);
});

test('--sweep takes two or more values; --csv and --plot need a sweep or replications; --vcd and --trace do not go with one', (t) => {
  const plan = run(['--sweep', 'crypto_engine.lanes=1,2,4,8', '--replications', '3', '--csv', 'x.csv']);
  t.is(plan.sweep?.path, 'crypto_engine.lanes');
  t.deepEqual(
    plan.sweep?.settings.map((s) => s.value),
    [1, 2, 4, 8],
  );
  t.is(plan.replications, 3);
  t.throws(() => run(['--sweep', 'crypto_engine.lanes=4']), { instanceOf: ConfigError, message: /two or more/ });
  t.throws(() => run(['--csv', 'x.csv']), { instanceOf: CliUsageError, message: /--csv goes with --sweep/ });
  t.throws(() => run(['--sweep', 'crypto_engine.lanes=1,2', '--vcd', 'x.vcd']), {
    instanceOf: CliUsageError,
    message: /--vcd writes one run/,
  });
  t.is(run(['--warmup', '2ms']).warmup, 2_000_000_000);
});

test('95% intervals: Student t over the replications; one run has none', (t) => {
  const i = interval([1, 2, 3]);
  t.is(i.mean, 2);
  t.true(Math.abs(i.halfWidth - (4.303 * 1) / Math.sqrt(3)) < 1e-9);
  t.is(interval([5]).halfWidth, 0);
});

test('a sweep over crypto_engine.lanes: rows with intervals over seeds, the bottleneck under each value, CSV and plot', (t) => {
  const base = {
    connections: 40,
    records: 10,
    hwAccel: true,
    bandwidth: 400e9,
    latency: 5 * US,
    arrivalRate: 200_000,
    identity: makeSimIdentity('ed25519'),
    seed: 7,
  };
  const rows = runSweep(
    base,
    [1, 8].map((lanes) => ({ label: String(lanes), device: { cryptoEngine: { lanes } } })),
    3,
  );
  t.is(rows.length, 2);
  for (const r of rows) {
    t.is(r.goodputBitsPerSecond.values.length, 3);
    t.true(r.goodputBitsPerSecond.halfWidth > 0, 'seeds change the arrivals, so the runs differ');
    t.not(r.bottleneck, null);
  }
  t.true(rows[1]!.goodputBitsPerSecond.mean > rows[0]!.goodputBitsPerSecond.mean, 'more lanes, more goodput');
  // In the steady window both are held back in the crypto engine (its DMA's requests wait most of their time).
  t.regex(rows[0]!.bottleneck ?? '', /^device\.cryptoEngine\./);
  const csv = sweepCsv('crypto_engine.lanes', rows).trim().split('\n');
  t.is(csv.length, 3);
  t.regex(csv[0]!, /^crypto_engine\.lanes,goodput_bps,goodput_bps_ci95,.*,util_device\.cryptoEngine\.symmetric/);
  t.regex(csv[1]!, /^1,\d/);
  t.regex(sweepTable('crypto_engine.lanes', rows), /cryptoEngine\.\w+/);
  const svg = sweepPlotSvg({
    title: 't',
    parameter: 'crypto_engine.lanes',
    goodputUnit: 'Gbit/s',
    goodputScale: 1e9,
    latencyUnit: 'µs',
    latencyScale: 1,
    points: rows.map((r) => ({
      label: r.label,
      goodput: r.goodputBitsPerSecond,
      latency: r.handshakeP50Us,
      bottleneck: r.bottleneck,
      bottleneckUtilization: r.bottleneckUtilization.mean,
    })),
  });
  t.regex(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.regex(svg, /cryptoEngine\.\w+/);
  t.is(/▶ cryptoEngine/.test(svg), rows[0]!.bottleneck !== rows[1]!.bottleneck, 'a moved bottleneck is marked');
  t.is((svg.match(/<rect x=/g) ?? []).length, 2, 'one bar per value');
});
