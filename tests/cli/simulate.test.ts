/**
 * `dtls13 simulate`, run as a process: the report and its bottleneck, the
 * JSON document (deterministic for a seed), the VCD through GTKWave's
 * vcd2fst, --hw-accel, bad options, and --calibrate feeding --profile.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MS, US } from '../../hwmodel/kernel/index.js';
import { loadProfile } from '../../hwmodel/timing/index.js';
import { buildReport, type RunResult } from '../../hwmodel/trace/index.js';
import { readingGuide } from '../../cli/simulate-output.js';
import { parseBandwidth, parseDuration, parseSuite } from '../../cli/simulate-values.js';
import { ConfigError } from '../../runtime/config-error.js';
import { runSimulate } from '../../cli/simulate-command.js';
import { CliUsageError } from '../../cli/usage-error.js';
import { CLI_ARGS } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dtls13-simulate-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function dtls13(args: readonly string[], cwd?: string): Promise<Run> {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface ModuleRow {
  readonly name: string;
  readonly lanes: number;
  readonly utilization: number;
  readonly queueTimeWeightedMean: number;
}
interface ReportDoc {
  readonly format: string;
  readonly version: number;
  readonly durationUs: number;
  readonly handshakes: {
    readonly completed: number;
    readonly failed: number;
    readonly latencyUs: { readonly p50: number } | null;
  };
  readonly throughput: {
    readonly applicationBytes: number;
    readonly records: number;
    readonly goodputBytesPerSecond: number;
  };
  readonly modules: readonly ModuleRow[];
  readonly bottleneck: {
    readonly module: string;
    readonly utilization: number;
    readonly saturated: boolean;
    readonly rule: string;
  } | null;
  readonly growth?: {
    readonly named: readonly string[];
    readonly reruns: number;
    readonly wallMs: number;
    readonly headroom: boolean;
    readonly effects: readonly { readonly resource: string; readonly moved: boolean }[];
  };
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly profile: { readonly source: string; readonly machine: string };
  readonly simulation: { readonly events: number };
  readonly wallClock: { readonly ms: number; readonly eventsPerSecond: number };
}

/** Runs a simulation with --json and returns the process result and the parsed document. */
async function simulateJson(name: string, args: readonly string[]): Promise<{ run: Run; doc: ReportDoc }> {
  const path = join(dir, `${name}.json`);
  const run = await dtls13(['simulate', ...args, '--json', path]);
  if (run.code !== 0) throw new Error(`simulate ${args.join(' ')} exited ${String(run.code)}: ${run.stderr}`);
  return { run, doc: JSON.parse(readFileSync(path, 'utf8')) as ReportDoc };
}

/** The crypto engine's busiest part: the engine in software; its symmetric or public-key unit or DMA channel with the accelerator. */
const cryptoEngine = (doc: ReportDoc): ModuleRow => {
  const parts = doc.modules.filter((x) => /cryptoEngine(\.\w+)?$/.test(x.name));
  if (parts.length === 0) throw new Error(`no crypto engine among ${doc.modules.map((x) => x.name).join(', ')}`);
  return parts.reduce((a, b) => (b.utilization > a.utilization ? b : a));
};

/** Everything but the wall-clock figures. */
function deterministic(doc: ReportDoc): Omit<ReportDoc, 'wallClock'> {
  const { wallClock: _wall, growth, ...rest } = doc;
  if (growth === undefined) return rest;
  const { wallMs: _growthWall, ...figures } = growth;
  return { ...rest, growth: { ...figures, wallMs: 0 } };
}

const SMALL = ['--connections', '6', '--records', '3'] as const;

test('a small run prints the report, names the bottleneck by growth and by the rule, and says how to read it', async (t) => {
  const { run, doc } = await simulateJson('small', SMALL);
  t.regex(run.stdout, /Handshakes\s+6 completed, 0 failed/);
  t.regex(run.stdout, /Module\s+Lanes\s+Util\./);
  t.regex(run.stdout, /How to read it/);
  t.regex(run.stdout, /Simulated events\s+[\d,]+ in [\d.]+ s wall time \([\d,]+ events\/s\)/);
  // The Bottleneck line is the growths' verdict, the JSON's `growth`; the rule's reading is beside it.
  const proven = /^Bottleneck\s+(\S+) \(proven by growth: /m.exec(run.stdout)?.[1];
  t.truthy(proven, run.stdout);
  t.deepEqual(doc.growth?.named, [proven]);
  t.regex(run.stdout, new RegExp(`Growth evidence +${doc.growth!.reruns} reruns? on the same seed and traffic`));
  t.true(doc.growth!.reruns >= 1 && doc.growth!.reruns <= 6);
  t.regex(run.stdout, /the bottleneck's \d+ growth reruns? [\d.]+ s more/);
  const named = /^Rule's reading\s+(\S+) \(/m.exec(run.stdout)?.[1];
  t.truthy(named, run.stdout);
  // The rule's reading is the busiest module of the JSON's table, and the text names the same one.
  const busiest = [...doc.modules].sort((a, b) => b.utilization - a.utilization)[0];
  t.is(doc.bottleneck?.module, busiest?.name);
  t.is(named, doc.bottleneck?.module);
  t.regex(run.stdout, new RegExp(`Here (the busiest module, )?${named!.replace('.', '\\.')}`));
  t.is(doc.handshakes.completed, 6);
  t.is(doc.throughput.records, 18);
  t.is(doc.throughput.applicationBytes, 18 * 1200);
});

test('a device the offered load paces: the rule names the one RX credit, the growths name none (fails on the rule alone)', async (t) => {
  // tests/hwmodel/model/stage-credits.test.ts's run: one RX credit holds datagrams back in the ring, yet two carry the same.
  const { run, doc } = await simulateJson('rx-credit', [
    ...['--hw-accel', '--connections', '60', '--records', '20', '--rate', '50000', '--latency', '5us'],
    ...['--bandwidth', '40Gbps', '--set', 'record_layer.pipeline_depth=8', '--set', 'record_layer.rx_credits=1'],
    ...['--grow', '2'],
  ]);
  t.is(doc.bottleneck?.module, 'device.recordLayer.rxCredits');
  t.regex(run.stdout, /^Rule's reading +device\.recordLayer\.rxCredits /m);
  t.regex(run.stdout, /^Bottleneck +none: the offered load sets the rate \(growing each of 2 suspects moved neither/m);
  t.deepEqual(doc.growth?.named, []);
  t.is(doc.growth?.reruns, 2);
  t.is(doc.growth?.effects[0]?.resource, 'device.recordLayer.rxCredits', 'the rule\u2019s resource is grown first');
  t.regex(run.stdout, /the offered load \(--connections, --rate, the clients and their link\) sets the rate/);
  t.regex(
    run.stdout,
    /The rule-based reading \(Rule's reading\) names device\.recordLayer\.rxCredits; growing it did not move the run most/,
  );
});

test('with --grow 0 the Bottleneck line is the rule-based reading; --grow does not go with a sweep', async (t) => {
  const { run, doc } = await simulateJson('no-growth', [...SMALL, '--grow', '0']);
  t.is(doc.growth, undefined);
  t.regex(run.stdout, new RegExp(`^Bottleneck +${doc.bottleneck!.module.replace(/\./g, '\\.')} \\(`, 'm'));
  t.notRegex(run.stdout, /Rule's reading|Growth evidence/);
  const e = await t.throwsAsync(runSimulate(['--grow', '2', '--replications', '2']), { instanceOf: CliUsageError });
  t.regex(e.message, /--grow proves one run\u2019s bottleneck/);
});

test('--json holds the documented fields; the same seed gives the same document, another seed a different one', async (t) => {
  const args = [
    '--connections',
    '8',
    '--records',
    '2',
    '--rate',
    '2000',
    '--latency',
    '20us',
    '--bandwidth',
    '100Mbps',
    '--suite',
    'chacha20',
  ];
  const [a, b, c] = await Promise.all([
    simulateJson('seed7a', [...args, '--seed', '7']),
    simulateJson('seed7b', [...args, '--seed', '7']),
    simulateJson('seed8', [...args, '--seed', '8']),
  ]);
  for (const key of [
    'format',
    'version',
    'durationUs',
    'handshakes',
    'throughput',
    'modules',
    'bottleneck',
    'options',
    'seed',
    'profile',
    'simulation',
    'wallClock',
  ]) {
    t.true(key in a.doc, `field ${key}`);
  }
  t.is(a.doc.format, 'dtls13-simulation-report');
  t.is(a.doc.version, 1);
  t.is(a.doc.seed, 7);
  t.is(a.doc.options.suite, 'tls_chacha20_poly1305_sha256');
  t.is(a.doc.options.bandwidthBitsPerSecond, 100e6);
  t.deepEqual(a.doc.options.latency, { text: '20us', us: 20 });
  t.is(a.doc.profile.source, 'default');
  t.true(a.doc.simulation.events > 0);
  t.true(a.doc.wallClock.ms > 0);
  t.deepEqual(deterministic(a.doc), deterministic(b.doc));
  t.notDeepEqual(deterministic(a.doc), deterministic(c.doc));
  t.notDeepEqual(a.doc.handshakes, c.doc.handshakes, 'another seed opens connections at other times');
});

test('--vcd writes a VCD that GTKWave vcd2fst accepts, with the device modules in it', async (t) => {
  const found = spawnSync('vcd2fst', ['--help'], { encoding: 'utf8' });
  if (found.error !== undefined)
    return t.fail('vcd2fst not found: install the Debian package `gtkwave` (.ci/run does this)');
  const vcd = join(dir, 'run.vcd');
  const run = await dtls13(['simulate', ...SMALL, '--vcd', vcd]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /VCD of the device's module activity written to .*run\.vcd/);
  const text = readFileSync(vcd, 'utf8');
  t.regex(text, /\$timescale 1ps \$end/);
  t.regex(text, /\$scope module cryptoEngine \$end/);
  t.regex(text, /\$var wire 1 \S+ busy \$end/);
  t.true(text.split('\n').filter((l) => l.startsWith('#')).length > 10, 'value changes over time');
  const fst = join(dir, 'run.fst');
  const r = spawnSync('vcd2fst', [vcd, fst], { encoding: 'utf8' });
  t.is(r.status, 0, `vcd2fst: ${r.stderr}${r.stdout}`);
  t.true(existsSync(fst));
});

test('--hw-accel changes the report: the crypto engine is less utilized and handshakes are faster', async (t) => {
  const [soft, accel] = await Promise.all([
    simulateJson('soft', SMALL),
    simulateJson('accel', [...SMALL, '--hw-accel']),
  ]);
  t.true(
    cryptoEngine(accel.doc).utilization < cryptoEngine(soft.doc).utilization,
    `${cryptoEngine(accel.doc).utilization} < ${cryptoEngine(soft.doc).utilization}`,
  );
  t.true(accel.doc.handshakes.latencyUs!.p50 < soft.doc.handshakes.latencyUs!.p50);
  t.is(accel.doc.options.hwAccel, true);
  t.is(soft.doc.options.hwAccel, false);
  t.regex(accel.run.stdout, /accelerated crypto engine/);
});

const BAD_OPTIONS: readonly (readonly [readonly string[], RegExp])[] = [
  [['--duration', '10'], /--duration: "10" is not a time/],
  [['--latency', 'soon'], /--latency: "soon" is not a time/],
  [['--bandwidth', 'fast'], /--bandwidth: expected a rate like 1Gbps/],
  [['--bandwidth', '0.2bps'], /--bandwidth: must be at least 1 bit\/s/],
  [['--bandwidth', '10MBps'], /--bandwidth: a rate in bits per second/],
  [['--loss', '1.5'], /--loss: must be a probability/],
  [['--suite', 'rot13'], /--suite: unknown cipher suite 'rot13'/],
  [['--connections', '0'], /--connections: must be an integer/],
  [['--seed', '1.5'], /--seed: must be an integer/],
  [['--rate', '-'], /--rate: must be a positive number/],
  [['--payload', '9000'], /--payload: must be an integer in 1\.\.1450/],
  [['--platform', 'fpga'], /--platform: must be one of offload, software/],
  [['--platform', 'software', '--hw-accel'], /--hw-accel applies to the offload device/],
  [['--profile', join(dir, 'missing.json')], /--profile .*missing\.json: cannot read/],
  [['--json', join(dir, 'no', 'such', 'dir.json')], /--json .*dir\.json: ENOENT/],
  [['--frobnicate'], /Unknown option '--frobnicate'/],
  [['--out', 'x.json'], /--out goes only with --calibrate/],
  [['--calibrate', '--connections', '3'], /--connections does not go with --calibrate/],
  [['--calibrate', '--calibrate-handshakes', '0'], /--calibrate-handshakes: must be an integer/],
  [['--grow', '65'], /--grow: must be an integer in 0\.\.64/],
];

test('bad options are usage errors naming the option', async (t) => {
  for (const [args, pattern] of BAD_OPTIONS) {
    const e = await t.throwsAsync(runSimulate(args), { instanceOf: CliUsageError }, args.join(' '));
    t.regex(e?.message ?? '', pattern, args.join(' '));
  }
});

test('bad options exit 2 with the option named on stderr and nothing on stdout', async (t) => {
  const picked = [BAD_OPTIONS[0]!, BAD_OPTIONS[2]!, BAD_OPTIONS[5]!];
  const runs = await Promise.all(picked.map(([args]) => dtls13(['simulate', ...args])));
  runs.forEach((r, i) => {
    const [args, pattern] = picked[i]!;
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr.split('\n')[0] ?? '', pattern, args.join(' '));
    t.regex(r.stderr, /\nsee 'dtls13 simulate --help'\n$/, 'a short usage error pointing at the command help');
    t.is(r.stdout, '', 'nothing on stdout');
  });
});

test('--calibrate with a small budget writes a profile that --profile then loads', async (t) => {
  const work = mkdtempSync(join(dir, 'calibrate-'));
  const out = join(work, 'calibration.json');
  const cal = await dtls13(['simulate', '--calibrate', '--calibrate-handshakes', '1', '--out', out, '--quiet'], work);
  t.is(cal.code, 0, cal.stderr);
  const profilePath = join(work, 'dtls13-profile.json');
  t.true(existsSync(profilePath), 'the default file name, in the working directory');
  t.regex(cal.stdout, /Timing profile written to .*dtls13-profile\.json/);
  t.regex(cal.stdout, /AES-128-GCM seal 1200 B/);
  t.regex(cal.stdout, /tls_aes_128_gcm_sha256\s+handshake ms/);
  t.regex(cal.stdout, /tls_chacha20_poly1305_sha256\s+records\/s/);
  const profile = loadProfile(profilePath);
  t.is(profile.metadata.source, 'calibrated');
  const report = JSON.parse(readFileSync(out, 'utf8')) as { validation: { rows: { ratio: number }[] } };
  t.is(report.validation.rows.length, 4);
  for (const row of report.validation.rows) t.true(Number.isFinite(row.ratio) && row.ratio > 0);

  const { run, doc } = await simulateJson('calibrated', [
    '--connections',
    '3',
    '--records',
    '1',
    '--platform',
    'software',
    '--profile',
    profilePath,
  ]);
  t.regex(run.stdout, /profile: calibrated/);
  t.is(doc.profile.source, 'calibrated');
  t.is(doc.profile.machine, profile.metadata.machine);
  t.is(doc.options.profileFile, profilePath);
  t.is(doc.handshakes.completed, 3);
});

test('the reading under the table follows the bottleneck: saturated, with headroom, none, and refused connections', (t) => {
  const run = (busy: number): RunResult => ({
    duration: 1000 * US,
    handshakeLatencies: [100 * US],
    applicationBytes: 0,
    records: 0,
    modules: [
      {
        name: 'device.cryptoEngine',
        capacity: 1,
        busyTime: busy * US,
        utilization: busy / 1000,
        queue: { max: 3, mean: 1, timeWeightedMean: 0.5 },
      },
      {
        name: 'device.recordLayer',
        capacity: 4,
        busyTime: 40 * US,
        utilization: 0.01,
        queue: { max: 0, mean: 0, timeWeightedMean: 0 },
      },
    ],
  });
  const saturated = readingGuide(buildReport(run(950)));
  t.regex(saturated, /device\.cryptoEngine is saturated \(95\.0%\): it sets the pace/);
  const headroom = readingGuide(buildReport(run(500)));
  t.regex(headroom, /device\.cryptoEngine, is at 50\.0%, below saturation/);
  t.notRegex(headroom, /refused/);
  const idle = buildReport({ ...run(0), modules: [] });
  t.regex(readingGuide(idle), /No device module was busy/);
  t.regex(
    readingGuide(buildReport(run(500)), 42),
    /refused 42 connection attempts \(datagrams of connections it had no room for, retransmissions included\): connection_manager\.max_connections/,
  );
});

test('the reading claims no headroom while the link runs near line rate or a unit queues (issue 32 item 5)', (t) => {
  const row = (
    name: string,
    utilization: number,
    queued = 0,
    counters?: Record<string, number>,
  ): RunResult['modules'][number] => ({
    name,
    capacity: 1,
    busyTime: Math.round(utilization * 1000 * US),
    utilization,
    queue: { max: queued > 0 ? 30 : 0, mean: queued, timeWeightedMean: queued },
    ...(counters !== undefined ? { counters } : {}),
  });
  const run = (modules: RunResult['modules']): RunResult => ({
    duration: 1000 * US,
    handshakeLatencies: [100 * US],
    applicationBytes: 0,
    records: 0,
    modules,
  });
  // 1 Gbit/s: the link carries 89% of line rate, a device unit is 6.9% busy.
  const link = readingGuide(
    buildReport(run([row('clients.networkChannel', 0.89), row('device.cryptoEngine.dma', 0.069)])),
  );
  t.regex(
    link,
    /Here the link into the device \(clients\.networkChannel\) is near saturation \(89\.0%\): it sets the pace, and there is no headroom/,
  );
  t.regex(link, /a faster link \(--bandwidth\) raises the rate/);
  t.notRegex(link, /the device has headroom/);
  // --hw-accel, every connection at 0: the public-key unit 4.1% busy, its requests waiting 91% of their time.
  const queued = readingGuide(
    buildReport(
      run([
        row('device.cryptoEngine.publicKey', 0.041, 1.3, { requests: 100, waitPs: 91 * MS, servicePs: 9 * MS }),
        row('device.networkChannel', 0.06),
      ]),
    ),
  );
  t.regex(
    queued,
    /Here device\.cryptoEngine\.publicKey is 4\.1% busy over the run, but its requests waited 91\.0% of their time for a lane/,
  );
  t.notRegex(queued, /the device has headroom/);
});

test('--replications that the seed does not change say so instead of printing zero-width intervals', async (t) => {
  const run = await dtls13(['simulate', '--connections', '3', '--records', '1', '--replications', '2', '--quiet']);
  t.is(run.code, 0, run.stderr);
  t.regex(
    run.stdout,
    /The 2 replications gave identical reports, figure for figure: nothing in the run's timing drew on the seed/,
  );
  t.notRegex(run.stdout, /Intervals are 95%/);
  t.notRegex(run.stdout, /±/);
});

test('option values: bandwidths, suites by either name, times with units', (t) => {
  const rates: [string, number][] = [
    ['1Gbps', 1e9],
    ['100Mbps', 100e6],
    ['10e9', 10e9],
    ['2.5 Gbit/s', 2.5e9],
    ['56kbps', 56_000],
    ['1gbps', 1e9],
    ['750', 750],
  ];
  for (const [text, bits] of rates) t.is(parseBandwidth(text), bits, text);
  const suites: [string, string][] = [
    ['aes128gcm', 'tls_aes_128_gcm_sha256'],
    ['aes256gcm', 'tls_aes_256_gcm_sha384'],
    ['chacha20', 'tls_chacha20_poly1305_sha256'],
    ['TLS_AES_128_GCM_SHA256', 'tls_aes_128_gcm_sha256'],
    ['aes-128-ccm-8', 'tls_aes_128_ccm_8_sha256'],
  ];
  for (const [text, suite] of suites) t.is(parseSuite(text) as string, suite, text);
  t.is(parseDuration('10ms', '--duration'), 10 * MS);
  t.is(parseDuration('50us', '--latency'), 50 * US);
  t.is(parseDuration('0', '--latency'), 0);
  t.throws(() => parseDuration('0', '--duration', true), { instanceOf: ConfigError, message: /--duration/ });
});
