/**
 * `dtls13 size` (hwmodel/sizing/search.ts, cli/size-command.ts): the
 * analytic lower bounds, the bounded search with the simulator, a known
 * answer for a small target, a plain "no configuration" when the space
 * cannot meet the targets, and every bad option a ConfigError naming it.
 */
import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { lowerBounds } from '../../../hwmodel/sizing/bounds.js';
import { size } from '../../../hwmodel/sizing/search.js';
import { checkTargets, type SizingTargets } from '../../../hwmodel/sizing/targets.js';
import { loadEngine } from '../../../hwmodel/timing/engine-file.js';
import { runSize } from '../../../cli/size-command.js';
import { CliUsageError } from '../../../cli/usage-error.js';

const asic = loadEngine('asic');
const fpga = loadEngine('fpga');
const target = (over: Partial<SizingTargets> = {}): SizingTargets => ({
  gbps: 100,
  recordSize: 1200,
  handshakesPerSecond: 50_000,
  group: 'P-256',
  suite: 'TLS_AES_128_GCM_SHA256',
  profile: 'asic',
  minimize: 'area',
  ...over,
});

test('the lower bounds are the cycle tables at 100% busy', (t) => {
  const b = lowerBounds(checkTargets(target()), asic);
  // A 1,200-byte record opens as 1,201 bytes: 4 + ⌈1201 / 16⌉ cycles, an 11-cycle mask, 20 cycles of decode.
  t.is(b.recordCycles, 4 + 76 + 11 + 20);
  // P-256: key generation, derivation and an ECDSA signature, 15,570 cycles each on the ASIC profile.
  t.is(b.handshakeCycles, 3 * 15_570);
  t.is(b.clockPeriod, 1000);
  const records = 100e9 / 8 / 1200;
  t.is(b.lanes, Math.ceil((records * 111) / 1e9));
  t.is(b.pkLanes, Math.ceil((50_000 * 46_710) / 1e9));
  t.is(b.dmaChannels, Math.ceil((records * 2 * 1217 * 8) / 64e9));
  // The FPGA's 300 MHz clock and its P-256 kernel need more public-key lanes for the same rate.
  t.true(lowerBounds(checkTargets(target({ profile: 'fpga' })), fpga).pkLanes > b.pkLanes);
});

test('a small target: the known answer is the lower bounds, met at the first candidate of each clock; of equal areas the slowest clock', (t) => {
  const r = size(target({ gbps: 0.3, handshakesPerSecond: 2000 }), asic, {
    connections: 20,
    records: 20,
    replications: 2,
  });
  t.truthy(r.answer, r.verdict);
  t.deepEqual(r.answer?.configuration, {
    lanes: 1,
    pkLanes: 1,
    dmaChannels: 1,
    pipelineDepth: 8,
    rxRingDepth: 4096,
    clockPeriod: 2000,
  });
  t.deepEqual(
    r.clocks.map((c) => [c.clockPeriod, c.outcome]),
    [
      [1000, 'searched: met at 1,140'],
      [1333, 'searched: met at 1,140'],
      [2000, 'searched: met at 1,140'],
    ],
  );
  t.is(r.candidates.length, 3);
  t.regex(
    r.verdict,
    / crypto_engine\.clock_period=2000ps at 500 MHz \(the smallest by area of 3 that met them, over 3 clocks\)$/,
  );
  t.true((r.answer?.row.figures['power_w']?.values.length ?? 0) === 2, 'power over the replications');
  t.is(r.answer?.row.figures['area_kGE']?.mean, 160 + 980);
  t.regex(r.verdict, /^met by crypto_engine\.lanes=1 /);
});

test('a handshake rate that needs several public-key lanes: the answer has the analytic bound of them (fewer would be over 100% busy)', (t) => {
  const r = size(target({ gbps: 0.1, handshakesPerSecond: 5000, profile: 'fpga' }), fpga, {
    connections: 60,
    records: 5,
    replications: 2,
    device: { cryptoEngine: { clockPeriod: 3333 } },
  });
  // 5,000 a second × 144,000 cycles at 300 MHz (the clock pinned) is 2.4 lanes busy: 3.
  t.deepEqual(
    r.clocks.map((c) => c.clockPeriod),
    [3333],
  );
  t.is(r.bounds.pkLanes, 3);
  t.is(r.answer?.configuration.pkLanes, 3, r.verdict);
  t.true((r.answer?.handshakesPerSecond.mean ?? 0) >= 0.9 * 5000);
});

test('no configuration in the space: said plainly, from the bounds or from the runs', (t) => {
  const far = size(target({ gbps: 10_000 }), asic);
  t.is(far.answer, undefined);
  t.is(far.candidates.length, 0, 'nothing simulated: the bound alone rules the space out');
  t.regex(
    far.verdict,
    /^no configuration in the space meets the targets: at 1000 MHz crypto_engine\.dma_channels would need at least \d+ at 100% busy, and the space allows 64/,
  );
  // 20 connections of 20 records cannot offer 100 Gbit/s: the device has headroom and the search says so.
  const short = size(target(), asic, { connections: 20, records: 20, replications: 1 });
  t.is(short.answer, undefined);
  t.regex(
    short.verdict,
    /^no configuration in the space meets the targets: .*the device has headroom .* the workload offers only [0-9.]+ Gbit\/s/,
  );
  // The workload, not the clock, fell short: the slower clocks are not simulated.
  t.deepEqual(
    short.clocks.map((c) => c.outcome.replace(/:.*/, '')),
    ['searched', 'skipped', 'skipped'],
  );
  t.regex(short.clocks[1]!.outcome, /^skipped: at 1000 MHz the search stopped outside the space or at the workload/);
  t.true(short.candidates.every((c) => c.configuration.clockPeriod === 1000));
});

test('bad targets and options are ConfigErrors naming the option', (t) => {
  const bad: [Partial<SizingTargets>, string][] = [
    [{ gbps: -1 }, 'gbps'],
    [{ gbps: Number.NaN }, 'gbps'],
    [{ recordSize: 0 }, 'recordSize'],
    [{ recordSize: 1.5 }, 'recordSize'],
    [{ handshakesPerSecond: 0 }, 'handshakesPerSecond'],
    [{ group: 'P-999' }, 'group'],
    [{ suite: 'TLS_RSA_WITH_RC4' }, 'suite'],
    [{ profile: 'default' }, 'profile'],
    [{ minimize: 'speed' as 'area' }, 'minimize'],
  ];
  for (const [over, option] of bad)
    t.throws(
      () => size(target(over), asic),
      { instanceOf: ConfigError, message: new RegExp(`^option ${option}: `) },
      option,
    );
  t.throws(() => size(target(), asic, { connections: 0 }), {
    instanceOf: ConfigError,
    message: /^option connections: /,
  });
  t.throws(() => size(target(), asic, { replications: 1.5 }), {
    instanceOf: ConfigError,
    message: /^option replications: /,
  });
  t.throws(() => size(target({ profile: 'asic' }), loadEngine('default')), {
    instanceOf: ConfigError,
    message: /^option profile: engine 'default' gives no power and area/,
  });
});

test('dtls13 size: a bad option is a usage error naming the flag', async (t) => {
  await t.throwsAsync(() => runSize(['--handshakes', '1000']), {
    instanceOf: CliUsageError,
    message: /--gbps is required/,
  });
  await t.throwsAsync(() => runSize(['--gbps', 'fast', '--handshakes', '1000']), {
    instanceOf: CliUsageError,
    message: /^--gbps fast: not a number/,
  });
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--record-size', '0']), {
    instanceOf: CliUsageError,
    message: /^--record-size: /,
  });
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--minimize', 'speed']), {
    instanceOf: CliUsageError,
    message: /^--minimize: /,
  });
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--profile', 'nope']), {
    instanceOf: CliUsageError,
    message: /^--profile: no engine 'nope'/,
  });
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--connections', '0']), {
    instanceOf: CliUsageError,
    message: /^--connections: /,
  });
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--set', 'memory.bandwidth']), {
    instanceOf: CliUsageError,
    message: /^--set: /,
  });
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--colour']), {
    instanceOf: CliUsageError,
  });
});

test('--minimize power compares the first configuration that meets the targets with up to two steps past it, and keeps the lowest power', (t) => {
  const r = size(target({ gbps: 0.1, handshakesPerSecond: 5000, profile: 'fpga', minimize: 'power' }), fpga, {
    connections: 60,
    records: 5,
    replications: 1,
    clockSteps: 1,
  });
  const met = r.candidates.filter((c) => c.meets.gbps && c.meets.handshakes && c.meets.noDrops);
  t.true(met.length >= 2, r.candidates.map((c) => c.next).join('; '));
  t.true(r.candidates.length <= 3 || r.candidates.slice(0, -3).some((c) => !c.meets.handshakes));
  const power = (c: (typeof met)[number]) => c.row.figures['power_w']?.mean ?? Infinity;
  t.is(power(r.answer!), Math.min(...met.map(power)));
});

test('the clock is searched over the profile’s range: a clock whose bounds need more public-key lanes is skipped once an answer takes less area', (t) => {
  // 15,000 P-256 handshakes a second × 46,710 cycles: 0.70 of a lane at 1 GHz, 0.93 at 750 MHz, 1.40 at 500 MHz.
  const r = size(target({ gbps: 0.3, handshakesPerSecond: 15_000 }), asic, {
    connections: 60,
    records: 5,
    replications: 2,
  });
  t.truthy(r.answer, r.verdict);
  t.is(r.answer?.configuration.pkLanes, 1);
  t.not(r.answer?.configuration.clockPeriod, 2000);
  const slow = r.clocks.find((c) => c.clockPeriod === 2000);
  t.is(slow?.bounds.pkLanes, 2);
  t.regex(slow?.outcome ?? '', /^skipped: its lower bounds take 2,120, more than the 1,140 met$/);
  t.false(
    r.candidates.some((c) => c.configuration.clockPeriod === 2000),
    'nothing simulated at the skipped clock',
  );
  // Static power is in the answer's power: 1,140 kGE × 18.8 µW a kGE, beside the dynamic power of the work.
  const f = r.answer!.row.figures;
  t.true(Math.abs((f['power_w_static']?.mean ?? 0) - 1140 * 18.8e-6) < 1e-12);
  t.true(
    Math.abs((f['power_w']?.mean ?? 0) - (f['power_w_dynamic']?.mean ?? 0) - (f['power_w_static']?.mean ?? 0)) < 1e-12,
  );
});

test('dtls13 size prints the clocks tried and names the clock of its answer', async (t) => {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runSize([
      '--gbps',
      '0.3',
      '--handshakes',
      '2000',
      '--connections',
      '20',
      '--records',
      '20',
      '--replications',
      '1',
      '--clock-steps',
      '2',
    ]);
  } finally {
    process.stdout.write = write;
  }
  const out = lines.join('');
  t.is(code, 0, out);
  t.regex(
    out,
    /crypto_engine\.clock_period +(= 1000ps) +the engine's clock; the search tries 500 MHz to 1000 MHz \(estimate\)/,
  );
  t.regex(
    out,
    /Clocks \(the smallest bounds first[^\n]*\n +1000 MHz +lanes ≥ 1, pk lanes ≥ 1: searched: met at 1,140\n +500 MHz/,
  );
  t.regex(out, /\n {2}clock {12}500 MHz \(crypto_engine\.clock_period=2000ps\)\n/);
  t.regex(out, /static 0\.0214 W\)/);
  await t.throwsAsync(() => runSize(['--gbps', '1', '--handshakes', '1000', '--clock-steps', '0']), {
    instanceOf: CliUsageError,
    message: /^--clock-steps: /,
  });
});
