/**
 * Buffering that is real (issue 32 item 1): the RX ring drops when full,
 * the record pipeline's depth bounds the records in flight, the crypto
 * engine's queue depth holds callers back; queue depth and pipeline depth
 * move latency, drops and throughput, and the report counts them.
 */
import test from 'ava';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationOptions, type SimulationResult } from '../../../hwmodel/model/simulate.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { formatReport } from '../../../hwmodel/trace/index.js';

const identity = makeSimIdentity('ed25519');
/** A burst: 40 clients opened at once, 20 records each, on fast links so the device sets the pace. */
const burst: SimulationOptions = {
  connections: 40,
  records: 20,
  identity,
  seed: 1,
  hwAccel: true,
  latency: 5 * US,
  bandwidth: 100e9,
};
const buffer = (r: SimulationResult, name: string) => r.report.buffers.find((b) => b.name === `device.${name}`)!;

test('crypto_engine.queue_depth 1 under a burst stalls the pipeline and the 256-entry RX ring drops; depth 256 does neither', (t) => {
  const run = (queueDepth: number) =>
    simulate({
      ...burst,
      duration: 100_000 * US,
      device: {
        cryptoEngine: { lanes: 1, pkLanes: 1, queueDepth },
        recordLayer: { rxRingDepth: 256, pipelineDepth: 8 },
      },
    });
  const shallow = run(1);
  const deep = run(256);
  t.true(buffer(shallow, 'cryptoEngine.symmetricQueue').blocked > 100, 'commands held at the intake');
  t.true(buffer(shallow, 'recordLayer.pipeline').blocked > 100, 'the record pipeline backed up behind them');
  t.true(buffer(shallow, 'recordLayer.rxRing').dropped > 0, 'and the ring overflowed');
  t.is(buffer(deep, 'cryptoEngine.symmetricQueue').blocked, 0);
  t.is(buffer(deep, 'cryptoEngine.publicKeyQueue').blocked, 0);
  t.is(buffer(deep, 'recordLayer.rxRing').dropped, 0);
  t.is(deep.report.throughput.records, 800, 'every record delivered');
  t.true(
    shallow.report.throughput.records < 800,
    `${shallow.report.throughput.records} of 800 records delivered: DTLS does not retransmit application data`,
  );
  t.true(
    deep.report.handshakes.latencyUs!.p50 < shallow.report.handshakes.latencyUs!.p50,
    'handshakes wait less with room to queue',
  );
  t.notDeepEqual(shallow.report.handshakes, deep.report.handshakes);
});

test('record_layer.pipeline_depth raises throughput at a fixed per-record latency', (t) => {
  const depths = [1, 2, 16];
  // One connection alone: nothing contends, the latency is the pipeline's, whatever its depth.
  const alone = depths.map((d) =>
    simulate({ ...burst, connections: 1, records: 3, device: { recordLayer: { pipelineDepth: d } } }),
  );
  for (const r of alone.slice(1)) {
    t.deepEqual(r.report.handshakes.latencyUs, alone[0]!.report.handshakes.latencyUs);
    t.deepEqual(r.report.tail?.completionUs, alone[0]!.report.tail?.completionUs);
  }
  // The burst: more records in flight, more records a second, up to the crypto engine's pace.
  const loaded = depths.map((d) => simulate({ ...burst, device: { recordLayer: { pipelineDepth: d } } }));
  const rate = loaded.map((r) => r.report.throughput.recordsPerSecond);
  t.true(
    rate[1]! > 1.3 * rate[0]!,
    `records/s at depths ${depths.join(', ')}: ${rate.map((x) => x.toFixed(0)).join(', ')}`,
  );
  t.true(rate[2]! > rate[1]!, `records/s at depths ${depths.join(', ')}: ${rate.map((x) => x.toFixed(0)).join(', ')}`);
  for (const r of loaded) t.is(r.report.throughput.records, 800);
  t.true(buffer(loaded[0]!, 'recordLayer.pipeline').blocked > buffer(loaded[2]!, 'recordLayer.pipeline').blocked);
  t.is(buffer(loaded[0]!, 'recordLayer.pipeline').maxOccupancy, 1);
  t.is(buffer(loaded[2]!, 'recordLayer.pipeline').capacity, 16);
});

test('the RX ring drops what arrives when it is full; the report counts it in JSON and text', (t) => {
  const r = simulate({
    ...burst,
    device: { recordLayer: { rxRingDepth: 8, pipelineDepth: 1 } },
    duration: 50_000 * US,
  });
  const ring = buffer(r, 'recordLayer.rxRing');
  t.like(ring, { capacity: 8, policy: 'drop' });
  t.true(ring.dropped > 0);
  t.true(ring.maxOccupancy <= 8);
  const text = formatReport(r.report);
  t.regex(text, /^Buffer\s+Depth\s+Policy\s+Entered\s+Dropped/m);
  t.regex(text, new RegExp(`device\\.recordLayer\\.rxRing\\s+8\\s+drop\\s+${ring.entered}\\s+${ring.dropped}\\b`));
  t.regex(text, /datagram\(s\) dropped at full buffers/);
});

test('the software platform (what --calibrate measures) has no bounded buffers: its validation is unchanged', (t) => {
  const r = simulate({ connections: 4, records: 2, identity, seed: 1, platform: 'software' });
  t.deepEqual(r.report.buffers, []);
});
