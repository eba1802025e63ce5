/**
 * Issue 32, item 5 ("Reports"), end to end on small simulated runs: the
 * link is a candidate bottleneck, goodput is over the data-transfer time
 * with the straggler reported apart, replications that the seed does not
 * change are said to be identical, and queueing counts when naming the
 * bottleneck and judging headroom.
 */
import test from 'ava';
import { readingGuide } from '../../../cli/simulate-output.js';
import { sweepCsv, sweepNote, sweepTable } from '../../../cli/simulate-sweep.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { dataTime, simulate } from '../../../hwmodel/model/simulate.js';
import { runSweep } from '../../../hwmodel/model/sweep.js';
import { US } from '../../../hwmodel/kernel/index.js';

const identity = makeSimIdentity('ed25519');
/** The reading's claim of headroom. */
const HEADROOM = /the device has headroom/;

test('the link into the device is monitored and named when it runs near line rate; no headroom is claimed', (t) => {
  // 20 clients × 40 records of 1200 B at 1 Gbit/s with the accelerator: the link carries most of line rate, every device unit is far below it.
  const r = simulate({ connections: 20, records: 40, hwAccel: true, identity, seed: 1 });
  const link = r.report.modules.find((m) => m.name === 'clients.networkChannel');
  t.truthy(link, 'the clients’ link (the device’s ingress) is in the table');
  t.true(link!.utilization >= 0.8, `link at ${link!.utilization}`);
  for (const m of r.report.modules)
    if (m.name.startsWith('device.')) t.true(m.utilization < 0.2, `${m.name} at ${m.utilization}`);
  // In the steady window (the handshakes before it left out) the link runs at line rate.
  t.like(r.report.bottleneck, { module: 'clients.networkChannel', reason: 'saturated' });
  t.true(r.report.bottleneck!.utilization > link!.runUtilization, 'busier in the window than over the whole run');
  t.false(r.report.headroom);
  const guide = readingGuide(r.report);
  t.notRegex(guide, HEADROOM);
  t.regex(
    guide,
    /the link into the device \(clients\.networkChannel\) is saturated \((9\d|100)\.\d%\): it sets the pace, and there is no headroom/,
  );
  t.regex(guide, /a faster link \(--bandwidth\)/);
  // Its waits are counted over the run: datagrams queued behind others on the link (booked as they are sent).
  const counted = r.run.modules.find((m) => m.name === 'clients.networkChannel')!;
  t.true((counted.counters?.['requests'] ?? 0) > 20 * 40, 'every datagram into the device is a request of the link');
  t.true((counted.counters?.['waitPs'] ?? 0) > 0 && counted.queue.max > 1);
});

test('goodput is over the data-transfer time, not stretched by a straggler’s retransmission timer; the tail is reported apart', (t) => {
  // 5% loss: some handshake flight is lost and its connection waits about a second for the retransmission timer.
  const r = simulate({ connections: 20, records: 5, loss: 0.05, identity, seed: 1 });
  const { throughput, tail, durationUs } = r.report;
  t.true(r.lost > 0);
  t.true(durationUs > 900_000, `the straggler stretches the run to ${durationUs} µs`);
  t.true(throughput.dataTimeUs < durationUs / 100, `data flowed for ${throughput.dataTimeUs} µs of ${durationUs}`);
  t.true(
    Math.abs(throughput.dataGoodputBytesPerSecond - throughput.applicationBytes / (throughput.dataTimeUs / 1e6)) < 1e-6,
  );
  t.true(
    throughput.goodputBytesPerSecond > 50e6,
    `goodput ${throughput.goodputBytesPerSecond} B/s over the data time (the link is 1 Gbit/s)`,
  );
  t.true(
    throughput.runGoodputBytesPerSecond < throughput.goodputBytesPerSecond / 100,
    'the whole-run figure is kept beside it',
  );
  t.truthy(tail);
  t.is(tail!.slowest.completionUs, tail!.completionUs.max);
  t.true(tail!.slowest.completionUs > 900_000, 'the straggler is the tail');
  t.true(tail!.completionUs.p50 < 100_000, 'the typical connection completes in milliseconds');
  // The headline goodput is over the steady window, inside the main data phase: the straggler's second is not in it.
  const w = r.report.window!;
  t.true(w.toUs - w.fromUs <= throughput.dataTimeUs);
  t.true(Math.abs(throughput.goodputBytesPerSecond - w.bytes / ((w.toUs - w.fromUs) / 1e6)) < 1e-6);
  t.regex(readingGuide(r.report), /Util\., queues and goodput are over the steady window, [\d.]+ ms to [\d.]+ ms/);
});

test('the data-transfer time is the union of the connections’ data phases, from the warm-up on', (t) => {
  t.is(dataTime([0, 5, 100], [10, 20, 110], 0), 30);
  t.is(dataTime([0, 5, 100], [10, 20, 110], 8), 22);
  t.is(dataTime([0, undefined, 3], [10, 50, 4], 0), 10, 'no start, no phase; a phase inside another adds nothing');
  t.is(dataTime([], [], 0), 0);
});

test('queueing counts: with the accelerator and every connection opened at 0 the crypto units queue in the handshake burst, and no headroom is claimed', (t) => {
  // A fast link (100 Gbit/s) so only the device limits: the public-key unit is little busy over the run, but a burst of handshakes queues at it.
  const r = simulate({
    connections: 50,
    records: 1,
    hwAccel: true,
    bandwidth: 100e9,
    latency: 50 * US,
    identity,
    seed: 1,
  });
  const queued = r.run.modules.filter(
    (m) => m.name.startsWith('device.cryptoEngine.') && m.queue.timeWeightedMean >= 0.5,
  );
  t.true(queued.length > 0, 'a crypto unit queued over the run');
  // The steady window (the records after the handshakes) has no queue; the units that queued in the burst are pressed, so no headroom.
  t.truthy(r.report.bottleneck);
  for (const m of queued)
    t.true(r.report.pressed.includes(m.name) || r.report.bottleneck!.module === m.name, `${m.name} is pressed`);
  t.false(r.report.headroom);
  const guide = readingGuide(r.report);
  t.notRegex(guide, HEADROOM);
  t.regex(guide, /Pressed as well/);
});

test('replications the seed does not change are said to be identical, with no zero-width interval shown', (t) => {
  const base = { connections: 4, records: 1, identity, seed: 1 };
  const [same] = runSweep(base, [{ label: 'as given', device: {} }], 2);
  t.true(same!.identical, 'lossless, every connection at 0: the seed moves no time');
  t.regex(
    sweepNote([same!], 2),
    /The 2 replications gave identical reports, figure for figure: nothing in the run's timing drew on the seed/,
  );
  t.notRegex(sweepNote([same!], 2), /Intervals are 95%/);
  t.notRegex(sweepTable('configuration', [same!]), /±/);
  const csv = sweepCsv('configuration', [same!]).trim().split('\n');
  t.regex(csv[0]!, /,replications,replications_identical,/);
  t.regex(csv[1]!, /^as given,[\d.e+]+,,[\d.e+]+,,[\d.e+]+,,/, 'the interval columns are empty, not 0');
  // Arrivals drawn from the seed: the replications differ and the intervals are measurements.
  const [varied] = runSweep({ ...base, arrivalRate: 20_000 }, [{ label: 'as given', device: {} }], 2);
  t.false(varied!.identical);
  t.regex(sweepNote([varied!], 2), /Intervals are 95%/);
  t.regex(sweepNote([varied!], 1), /One run per value: no intervals/);
});
