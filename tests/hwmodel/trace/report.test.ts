import test from 'ava';
import {
  BOTTLENECK_RULE,
  buildReport,
  findBottleneck,
  formatReport,
  percentile,
  summarize,
} from '../../../hwmodel/trace/index.js';
import type { ModuleFigures, RunResult } from '../../../hwmodel/trace/index.js';
import { MS, SEC, US } from '../../../hwmodel/timing/index.js';
import { seeded } from '../timing/prng.js';

function mod(name: string, utilization: number, queue = 0, capacity = 1): ModuleFigures {
  return {
    name,
    capacity,
    utilization,
    busyTime: Math.round(utilization * capacity * SEC),
    queue: { max: queue, mean: queue, timeWeightedMean: queue },
  };
}

test('nearest-rank percentiles', (t) => {
  const ascending = Array.from({ length: 100 }, (_, i) => i + 1);
  t.is(percentile(ascending, 50), 50);
  t.is(percentile(ascending, 90), 90);
  t.is(percentile(ascending, 99), 99);
  t.is(percentile(ascending, 100), 100);
  t.is(percentile([3, 7, 9], 50), 7);
  t.is(percentile([3, 7, 9], 34), 7); // rank ceil(1.02) = 2
  t.is(percentile([3, 7, 9], 33), 3); // rank ceil(0.99) = 1
  t.throws(() => percentile([], 50), { instanceOf: RangeError });
  t.throws(() => percentile([1], 0), { instanceOf: RangeError });
});

test('summary of shuffled samples does not depend on their order', (t) => {
  const r = seeded(3);
  const samples = Array.from({ length: 1000 }, (_, i) => i * 2);
  const shuffled = [...samples].sort(() => r.next() - 0.5);
  const s = summarize(shuffled);
  t.like(s, { count: 1000, min: 0, max: 1998, p50: 998, p90: 1798, p99: 1978, mean: 999 });
  t.is(summarize([]), undefined);
});

test('the JSON report: latency in µs, goodput and record rate per simulated second', (t) => {
  const run: RunResult = {
    duration: 2 * SEC,
    handshakeLatencies: [3 * MS, 1 * MS, 2 * MS, 4 * MS],
    handshakesFailed: 1,
    applicationBytes: 1_000_000,
    records: 800,
    modules: [mod('network', 0.2), mod('cryptoEngine', 0.75, 1.5, 4)],
  };
  const r = buildReport(run);
  t.is(r.format, 'dtls13-simulation-report');
  t.is(r.version, 1);
  t.is(r.durationUs, 2_000_000);
  t.deepEqual(r.handshakes, {
    completed: 4,
    failed: 1,
    latencyUs: { count: 4, min: 1000, mean: 2500, p50: 2000, p90: 4000, p99: 4000, max: 4000 },
  });
  // No data-transfer time given: goodput over the whole duration, the same as the whole-run figure.
  t.deepEqual(r.throughput, {
    applicationBytes: 1_000_000,
    records: 800,
    goodputBytesPerSecond: 500_000,
    recordsPerSecond: 400,
    dataTimeUs: 2_000_000,
    dataGoodputBytesPerSecond: 500_000,
    runGoodputBytesPerSecond: 500_000,
  });
  t.is(r.window, null, 'no steady window given: every figure over the whole run');
  t.is(r.tail, null);
  t.deepEqual(
    r.modules.map((m) => m.name),
    ['cryptoEngine', 'network'],
  );
  t.like(r.modules[0], { lanes: 4, utilization: 0.75, busyTimeUs: (3 * SEC) / US, queueTimeWeightedMean: 1.5 });
  t.deepEqual(r.bottleneck, {
    module: 'cryptoEngine',
    kind: 'lanes',
    utilization: 0.75,
    saturated: false,
    reason: 'busiest',
    waitingShare: 1.5 / (1.5 + 3),
    symptom: null,
    chain: ['cryptoEngine'],
    knob: null,
    rule: BOTTLENECK_RULE,
  });
  t.true(r.headroom);
  t.deepEqual(r.pressed, []);
  t.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON');
});

test('bottleneck: highest utilization, then deeper queue, then name; none when idle', (t) => {
  t.is(findBottleneck([mod('a', 0.3), mod('b', 0.95), mod('c', 0.5)])?.name, 'b');
  t.is(findBottleneck([mod('a', 0.5, 1), mod('b', 0.5, 3)])?.name, 'b');
  t.is(findBottleneck([mod('z', 0.5, 2), mod('y', 0.5, 2)])?.name, 'y');
  t.is(findBottleneck([mod('a', 0), mod('b', 0)]), undefined);
  t.is(findBottleneck([]), undefined);
  const r = buildReport({
    duration: SEC,
    handshakeLatencies: [],
    applicationBytes: 0,
    records: 0,
    modules: [mod('keyManager', 0.97)],
  });
  t.like(r.bottleneck, { module: 'keyManager', saturated: true });
  t.is(r.handshakes.latencyUs, null);
  t.is(
    buildReport({ duration: 0, handshakeLatencies: [], applicationBytes: 5, records: 1, modules: [] }).throughput
      .goodputBytesPerSecond,
    0,
  );
});

test('the text report shows the figures, the module table and the bottleneck', (t) => {
  const text = formatReport(
    buildReport({
      duration: SEC,
      handshakeLatencies: [1500 * US, 2500 * US],
      applicationBytes: 2_500_000,
      records: 2000,
      modules: [mod('cryptoEngine', 0.932, 3.41, 4), mod('network', 0.1)],
    }),
  );
  t.regex(text, /Handshakes\s+2 completed, 0 failed/);
  t.regex(text, /p50 1\.500 ms/);
  t.regex(text, /Goodput\s+2\.500 MB\/s/);
  t.regex(text, /cryptoEngine\s+4\s+93\.2%/);
  t.regex(text, /network\s+1\s+10\.0%/);
  t.regex(text, /Bottleneck\s+cryptoEngine \(93\.2% utilized, saturated\)/);
  t.true(text.endsWith('\n'));
});

/** A module with lane-pool counters: `requests` of `servicePs` each, waiting `waitPs` in all. */
function counted(
  name: string,
  utilization: number,
  queue: number,
  waitPs: number,
  servicePs: number,
  capacity = 1,
): ModuleFigures {
  return { ...mod(name, utilization, queue, capacity), counters: { requests: 100, waitPs, servicePs } };
}

test('the link is a candidate bottleneck: at 89% of line rate it is named, and no headroom is claimed', (t) => {
  // Issue 32 item 5.1: the link near line rate, a device unit 6.9% busy.
  const modules = [
    mod('clients.networkChannel', 0.89),
    mod('device.cryptoEngine.dma', 0.069),
    mod('device.networkChannel', 0.013),
  ];
  const r = buildReport({ duration: SEC, handshakeLatencies: [], applicationBytes: 0, records: 0, modules });
  t.like(r.bottleneck, { module: 'clients.networkChannel', saturated: false, reason: 'near-saturation' });
  t.false(r.headroom);
  t.regex(formatReport(r), /Bottleneck\s+clients\.networkChannel \(89\.0% utilized, near saturation\)/);
  // Near saturation anywhere takes no headroom, whichever module it is.
  t.false(
    buildReport({
      duration: SEC,
      handshakeLatencies: [],
      applicationBytes: 0,
      records: 0,
      modules: [mod('device.memory', 0.81)],
    }).headroom,
  );
  t.true(
    buildReport({
      duration: SEC,
      handshakeLatencies: [],
      applicationBytes: 0,
      records: 0,
      modules: [mod('device.memory', 0.79)],
    }).headroom,
  );
});

test('queueing counts: a unit little busy over the run whose requests mostly wait is the bottleneck, and there is no headroom', (t) => {
  // Issue 32 item 5.4: --hw-accel, all connections at 0: the crypto units 4-7% busy, their requests waiting 91-92% of their time.
  const modules = [
    counted('device.cryptoEngine.publicKey', 0.041, 1.289, 91 * 100 * US, 9 * 100 * US, 4),
    counted('device.cryptoEngine.symmetric', 0.065, 1.591, 92 * 100 * US, 8 * 100 * US, 4),
    counted('device.networkChannel', 0.06, 0, 0, 100 * US),
    counted('device.keyManager', 0.005, 0.002, 90 * US, 10 * US), // waits 90% of its requests' time, but negligibly (0.002 queued): not queueing
  ];
  const r = buildReport({ duration: SEC, handshakeLatencies: [], applicationBytes: 0, records: 0, modules });
  t.like(r.bottleneck, {
    module: 'device.cryptoEngine.symmetric',
    reason: 'queueing',
    saturated: false,
    waitingShare: 0.92,
  });
  t.false(r.headroom);
  t.deepEqual(r.pressed, ['device.cryptoEngine.publicKey']);
  t.is(r.modules.find((m) => m.name === 'device.keyManager')?.waitingShare, 0.9);
  t.regex(
    formatReport(r),
    /Bottleneck\s+device\.cryptoEngine\.symmetric \(6\.5% utilized, queueing: its requests waited 92\.0% of their time\)/,
  );
  // Near saturation comes first: a link at 85% is named before a queueing unit.
  const withLink = buildReport({
    duration: SEC,
    handshakeLatencies: [],
    applicationBytes: 0,
    records: 0,
    modules: [...modules, mod('clients.networkChannel', 0.85)],
  });
  t.like(withLink.bottleneck, { module: 'clients.networkChannel', reason: 'near-saturation' });
  t.deepEqual(withLink.pressed, ['device.cryptoEngine.publicKey', 'device.cryptoEngine.symmetric']);
});

test('goodput is over the data-transfer time; the tail (slowest connection) is reported apart', (t) => {
  // Issue 32 item 5.2: a straggler's retransmission backoff stretches the run to 363 s; the data flowed for 25 ms.
  const r = buildReport({
    duration: 363 * SEC,
    handshakeLatencies: [11 * MS, 12 * MS, 362 * SEC],
    applicationBytes: 2_500_000,
    records: 2000,
    modules: [mod('device.cryptoEngine', 0.001)],
    dataTime: 25 * MS,
    completions: [
      { connection: 0, time: 30 * MS },
      { connection: 1, time: 31 * MS },
      { connection: 2, time: 363 * SEC },
    ],
  });
  t.is(r.throughput.goodputBytesPerSecond, 100_000_000);
  t.is(r.throughput.recordsPerSecond, 80_000);
  t.is(r.throughput.dataTimeUs, 25_000);
  t.true(Math.abs(r.throughput.runGoodputBytesPerSecond - 2_500_000 / 363) < 1e-6);
  t.deepEqual(r.tail?.slowest, { connection: 2, completionUs: 363_000_000 });
  t.like(r.tail?.completionUs, { count: 3, p50: 31_000, max: 363_000_000 });
  const text = formatReport(r);
  t.regex(text, /Goodput\s+100 MB\/s \(2500000 bytes in 25 ms of data transfer; 6\.887 kB\/s over the whole 363 s\)/);
  t.regex(text, /Completion\s+p50 31 ms .* max 363 s \(opened to last byte delivered; slowest: connection 2\)/);
});
