import test from 'ava';
import { BOTTLENECK_RULE, buildReport, findBottleneck, formatReport, percentile, summarize } from '../../../hwmodel/trace/index.js';
import type { ModuleFigures, RunResult } from '../../../hwmodel/trace/index.js';
import { MS, SEC, US } from '../../../hwmodel/timing/index.js';
import { seeded } from '../timing/prng.js';

function mod(name: string, utilization: number, queue = 0, capacity = 1): ModuleFigures {
  return { name, capacity, utilization, busyTime: Math.round(utilization * capacity * SEC), queue: { max: queue, mean: queue, timeWeightedMean: queue } };
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
  t.deepEqual(r.handshakes, { completed: 4, failed: 1, latencyUs: { count: 4, min: 1000, mean: 2500, p50: 2000, p90: 4000, p99: 4000, max: 4000 } });
  t.deepEqual(r.throughput, { applicationBytes: 1_000_000, records: 800, goodputBytesPerSecond: 500_000, recordsPerSecond: 400 });
  t.deepEqual(
    r.modules.map((m) => m.name),
    ['cryptoEngine', 'network'],
  );
  t.like(r.modules[0], { lanes: 4, utilization: 0.75, busyTimeUs: (3 * SEC) / US, queueTimeWeightedMean: 1.5 });
  t.deepEqual(r.bottleneck, { module: 'cryptoEngine', utilization: 0.75, saturated: false, rule: BOTTLENECK_RULE });
  t.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON');
});

test('bottleneck: highest utilization, then deeper queue, then name; none when idle', (t) => {
  t.is(findBottleneck([mod('a', 0.3), mod('b', 0.95), mod('c', 0.5)])?.name, 'b');
  t.is(findBottleneck([mod('a', 0.5, 1), mod('b', 0.5, 3)])?.name, 'b');
  t.is(findBottleneck([mod('z', 0.5, 2), mod('y', 0.5, 2)])?.name, 'y');
  t.is(findBottleneck([mod('a', 0), mod('b', 0)]), undefined);
  t.is(findBottleneck([]), undefined);
  const r = buildReport({ duration: SEC, handshakeLatencies: [], applicationBytes: 0, records: 0, modules: [mod('keyManager', 0.97)] });
  t.like(r.bottleneck, { module: 'keyManager', saturated: true });
  t.is(r.handshakes.latencyUs, null);
  t.is(buildReport({ duration: 0, handshakeLatencies: [], applicationBytes: 5, records: 1, modules: [] }).throughput.goodputBytesPerSecond, 0);
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
