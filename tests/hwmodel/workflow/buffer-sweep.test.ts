/**
 * Sweeps over the buffers (issue 32): crypto_engine.queue_depth and
 * record_layer.pipeline_depth move drops, tail and throughput; the table,
 * CSV and plot show them; `--profile ENGINE` runs on a sourced engine.
 */
import test from 'ava';
import { sweepCsv, sweepTable } from '../../../cli/simulate-sweep.js';
import { parseSimulateArgs, type RunPlan } from '../../../cli/simulate-args.js';
import { simulationOptions } from '../../../cli/simulate-run.js';
import { withEngine } from '../../../cli/simulate-engine.js';
import { CliUsageError } from '../../../cli/usage-error.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { runSweep } from '../../../hwmodel/model/sweep.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { sweepPlotSvg } from '../../../hwmodel/trace/index.js';

const base = {
  connections: 40,
  records: 20,
  hwAccel: true,
  bandwidth: 100e9,
  latency: 5 * US,
  identity: makeSimIdentity('ed25519'),
  seed: 1,
};

test('a queue_depth sweep: shallow queues drop at the RX ring and lose records, deep ones deliver all of them sooner', (t) => {
  const rows = runSweep(
    { ...base, device: { cryptoEngine: { lanes: 1 }, recordLayer: { rxRingDepth: 256, pipelineDepth: 16 } } },
    [1, 64].map((queueDepth) => ({ label: String(queueDepth), device: { cryptoEngine: { queueDepth } } })),
    1,
  );
  const [shallow, deep] = rows as [(typeof rows)[number], (typeof rows)[number]];
  t.true(shallow.dropped.mean > 0);
  t.is(deep.dropped.mean, 0);
  t.true(shallow.heldBack.mean > deep.heldBack.mean);
  t.true(shallow.delivered.mean < 800);
  t.is(deep.delivered.mean, 800);
  t.true(deep.completionP99Us.mean < shallow.completionP99Us.mean, 'the burst drains sooner');
  const table = sweepTable('crypto_engine.queue_depth', rows);
  t.regex(table, /Delivered\s+Handshake p50 \(µs\)\s+Done p99 \(µs\)\s+Dropped\s+Held back/);
  t.regex(table, new RegExp(`^1\\s.*\\s${shallow.dropped.mean}\\s+${shallow.heldBack.mean}\\s`, 'm'));
  const csv = sweepCsv('crypto_engine.queue_depth', rows).trim().split('\n');
  t.regex(csv[0]!, /,run_goodput_bps,delivered,completion_p99_us,dropped,held_back,/);
  t.true(deep.runGoodputBitsPerSecond.mean > shallow.runGoodputBitsPerSecond.mean, 'more delivered, sooner');
  const svg = sweepPlotSvg({
    title: 't',
    parameter: 'crypto_engine.queue_depth',
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
      dropped: r.dropped.mean,
    })),
  });
  t.regex(svg, new RegExp(`>${shallow.dropped.mean} dropped<`));
  t.regex(svg, />0 dropped</);
});

test('a pipeline_depth sweep: more records a second at the same handshake latency, fewer callers held back', (t) => {
  const rows = runSweep(
    base,
    [1, 4].map((pipelineDepth) => ({ label: String(pipelineDepth), device: { recordLayer: { pipelineDepth } } })),
    1,
  );
  const [one, four] = rows as [(typeof rows)[number], (typeof rows)[number]];
  t.true(
    four.recordsPerSecond.mean > 1.5 * one.recordsPerSecond.mean,
    `${one.recordsPerSecond.mean} → ${four.recordsPerSecond.mean} records/s`,
  );
  t.is(four.handshakeP50Us.mean, one.handshakeP50Us.mean);
  t.true(four.heldBack.mean < one.heldBack.mean);
});

const plan = (args: string[]): RunPlan => {
  const p = parseSimulateArgs(args);
  if (p.kind !== 'run') throw new Error('not a run');
  return p;
};

test('--profile iot runs on the IoT engine: its cycle table, its parameters under any --set, the accelerator on', (t) => {
  const { plan: p, profile } = withEngine(
    plan(['--profile', 'iot', '--connections', '4', '--records', '2', '--set', 'crypto_engine.lanes=2']),
  );
  t.true(p.hwAccel);
  t.is(p.device.cryptoEngine?.clockPeriod, 10_000, '10ns from the engine');
  t.is(p.device.cryptoEngine?.lanes, 2, 'the command line wins over the engine');
  t.is(p.device.recordLayer?.rxRingDepth, 16);
  t.is(profile.crypto.accelerated.aead.TLS_AES_128_GCM_SHA256.seal.bytesPerCycle, 0.3636);
  const iot = simulate(simulationOptions(p, profile));
  const tenG = withEngine(plan(['--profile', 'line-rate-10g', '--connections', '4', '--records', '2']));
  const fast = simulate(simulationOptions(tenG.plan, tenG.profile));
  t.is(iot.report.handshakes.completed, 4);
  t.true(
    iot.report.handshakes.latencyUs!.p50 > 3 * fast.report.handshakes.latencyUs!.p50,
    'a 100 MHz engine with a 1.1 ms X25519 against a 500 MHz one',
  );
  t.is(iot.report.buffers.find((b) => b.name === 'device.recordLayer.rxRing')?.capacity, 16);
});

test('--profile names an engine or a file; an unknown engine and the software platform are usage errors', (t) => {
  t.is(plan(['--profile', 'iot']).engine, 'iot');
  t.is(plan(['--profile', 'iot']).profileFile, undefined);
  t.is(plan(['--profile', './machine.json']).profileFile, './machine.json');
  t.is(plan(['--profile', './machine.json']).engine, undefined);
  t.throws(() => withEngine(plan(['--profile', 'fpga9000'])), {
    instanceOf: CliUsageError,
    message: /--profile fpga9000: no engine 'fpga9000'.*asic, default, fpga, iot, line-rate-10g/,
  });
  t.throws(() => parseSimulateArgs(['--profile', 'iot', '--platform', 'software']), {
    instanceOf: CliUsageError,
    message: /names a crypto engine/,
  });
});
