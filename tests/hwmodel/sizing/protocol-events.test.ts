/**
 * Protocol events in the workload model (protocol-events.ts): each run against the same run without them (the same
 * seed: the records' draws are the same), the symmetric lanes' busy time moved by what the events say they cost,
 * counted apart from the SLO's drops; key updates installed with no record lost and no public-key work; a flood that
 * fills the intake drops genuine records only through the queue it builds; the answer states them. The flood case
 * of the bottleneck suite (bottleneck-cases.ts) names the lanes.
 */
import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { DramChannel } from '../../../hwmodel/timing/dram-channel.js';
import { deviceCosts, RECORD_OVERHEAD, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { runFlow, type FlowRun } from '../../../hwmodel/sizing/workload/flow-model.js';
import { recordsPerSecond, checkTraffic, parseMix, type Traffic } from '../../../hwmodel/sizing/workload/traffic.js';
import {
  checkEvents,
  KEY_UPDATE_BYTES,
  type ProtocolEvents,
} from '../../../hwmodel/sizing/workload/protocol-events.js';
import { protocolText, protocolTotals } from '../../../hwmodel/sizing/workload/protocol-figures.js';
import { caveatsOf } from '../../../hwmodel/sizing/workload/search-caveats.js';
import { asicEngine, asicTargets, roomy } from './workload-fixtures.js';

const targets = asicTargets();
const WINDOW_US = 200;
const PLAN = { warmupUs: 20, windowUs: WINDOW_US, seed: 3 };

/** 10 Gbit/s of 1,500-byte records each way (one size, so a record's lane time is one figure), 1,000 sessions. */
function question(events: Partial<ProtocolEvents> = {}): Traffic {
  return checkTraffic({
    openGbps: 10,
    sealGbps: 10,
    mix: parseMix('1500'),
    handshakesPerSecond: 1000,
    sessions: 1000,
    events,
  });
}

function pair(events: Partial<ProtocolEvents>, knobs: DeviceKnobs = roomy): { without: FlowRun; with: FlowRun } {
  const base = question();
  const costs = deviceCosts(asicEngine, targets, base);
  return { without: runFlow(base, knobs, costs, PLAN), with: runFlow(question(events), knobs, costs, PLAN) };
}

/** The lanes' busy time in the window, µs. */
const laneBusyUs = (r: FlowRun, k: DeviceKnobs): number => r.utilization.lanes * k.lanes * WINDOW_US;
/** Within `n` standard deviations of a Poisson count of mean `m`. */
const poisson = (count: number, m: number, n = 4): boolean => Math.abs(count - m) <= n * Math.sqrt(m);

test('a forged record costs its full open on a lane, then is dropped apart from the SLO drops', (t) => {
  const costs = deviceCosts(asicEngine, targets, question());
  const { without, with: flood } = pair({ forgedGbps: 5 });
  const f = flood.protocol.forged;
  // The stated rate: 5 Gbit/s of 1,500-byte records.
  t.true(poisson(f.offered, recordsPerSecond(5, parseMix('1500')) * WINDOW_US * 1e-6), `${f.offered} forged`);
  t.is(f.dropped, 0);
  t.is(f.done, f.offered, 'every forged record taken in is rejected');
  // Each took an opened record's time on a lane; the lanes' busy time moved by that.
  t.true(Math.abs(f.laneUs - f.done * costs.openNs[0]! * 1e-3) <= costs.openNs[0]! * 1e-3, `${f.laneUs} µs`);
  const moved = laneBusyUs(flood, roomy) - laneBusyUs(without, roomy);
  t.true(Math.abs(moved - f.laneUs) <= 0.01 * f.laneUs, `lanes moved ${moved} µs, forged ${f.laneUs} µs`);
  // The genuine records are the same draws, and the SLO's figures are theirs alone: nothing forged is delivered.
  t.is(flood.steady.offered, without.steady.offered);
  t.is(flood.steady.delivered, without.steady.delivered);
  t.is(flood.steady.dropped, 0);
  t.is(without.protocol.forged.offered, 0);
});

test("a replayed record costs the replay check (the record number's mask and the window), not the AEAD", (t) => {
  const costs = deviceCosts(asicEngine, targets, question());
  // Less than the AEAD open of the smallest record there is (64 bytes), whose command decode and mask it shares.
  const small = deviceCosts(asicEngine, targets, checkTraffic({ ...question(), mix: parseMix('64') }));
  t.true(costs.replayCheckNs > 0 && costs.replayCheckNs < small.openNs[0]!, `${costs.replayCheckNs} ns`);
  const { without, with: replayed } = pair({ replayShare: 0.5 });
  const r = replayed.protocol.replays;
  t.true(poisson(r.offered, 0.5 * recordsPerSecond(10, parseMix('1500')) * WINDOW_US * 1e-6), `${r.offered} replays`);
  t.is(r.done, r.offered - r.dropped);
  t.true(Math.abs(r.laneUs - r.done * costs.replayCheckNs * 1e-3) <= costs.replayCheckNs * 1e-3);
  const moved = laneBusyUs(replayed, roomy) - laneBusyUs(without, roomy);
  t.true(Math.abs(moved - r.laneUs) <= 0.01 * r.laneUs + 0.01, `lanes moved ${moved} µs, replays ${r.laneUs} µs`);
  t.is(replayed.steady.offered, without.steady.offered);
});

test('a key update derives its keys on a lane and installs them, no public-key work, no record lost across it', (t) => {
  const costs = deviceCosts(asicEngine, targets, question());
  // Four HKDF steps and a small record's open: more than an open alone, no public-key time.
  const small = deviceCosts(asicEngine, targets, checkTraffic({ ...question(), mix: parseMix('64') }));
  t.true(costs.keyUpdateNs > small.openNs[0]!, `${costs.keyUpdateNs} ns`);
  // 100 updates a second on each of 1,000 sessions: 1e5 a second, some 20 in the window.
  const { without, with: updated } = pair({ keyUpdatesPerSession: 100 });
  const k = updated.protocol.keyUpdates;
  t.true(poisson(k.offered, 100 * 1000 * WINDOW_US * 1e-6), `${k.offered} key updates`);
  t.true(k.offered > 0);
  t.is(k.done, k.offered - k.dropped, 'each taken in is installed');
  t.true(Math.abs(k.laneUs - k.done * costs.keyUpdateNs * 1e-3) <= costs.keyUpdateNs * 1e-3);
  const moved = laneBusyUs(updated, roomy) - laneBusyUs(without, roomy);
  t.true(Math.abs(moved - k.laneUs) <= 0.01 * k.laneUs + 0.01, `lanes moved ${moved} µs, key updates ${k.laneUs} µs`);
  // The public-key lanes do the same work with and without them.
  t.is(updated.utilization.pkLanes, without.utilization.pkLanes);
  // Each writes its new context to DRAM: the memory is busier.
  t.true(updated.utilization.memChannels > without.utilization.memChannels);
  // No record of any session lost: every genuine record offered is delivered, none dropped, none left inside.
  t.is(updated.steady.dropped, 0);
  t.is(updated.steady.wireLost, 0);
  t.is(updated.steady.offered, without.steady.offered);
});

test("a key update writes its session's new context to DRAM: the memory's busy time moves by that and its DMA in", (t) => {
  const costs = deviceCosts(asicEngine, targets, question());
  const { without, with: updated } = pair({ keyUpdatesPerSession: 100 });
  const k = updated.protocol.keyUpdates;
  // One access's time on an idle memory of roomy's channels: the context's write and the KeyUpdate record's DMA in.
  const access = (bytes: number): number =>
    new DramChannel(costs.dram, roomy.memChannels, costs.memChannelBitsPerSecond).book(0, bytes);
  const each = access(costs.contextBytes) + access(KEY_UPDATE_BYTES + RECORD_OVERHEAD);
  const moved = (updated.utilization.memChannels - without.utilization.memChannels) * WINDOW_US * 1000;
  t.true(Math.abs(moved - k.done * each) <= 0.1 * k.done * each, `memory moved ${moved} ns, ${k.done} × ${each} ns`);
});

test('a flood that fills the intake drops genuine records through the queue it builds, its own drops apart', (t) => {
  // One lane for 20 Gbit/s of 1,500-byte records (some 0.2 of it) and a 100 Gbit/s forged flood (some 1.1 more).
  const knobs = { ...roomy, lanes: 1, rxRingDepth: 64, pipelineDepth: 32 };
  const { without, with: flood } = pair({ forgedGbps: 100 }, knobs);
  t.is(without.steady.dropped, 0);
  t.true(flood.protocol.forged.dropped > 0, 'forged records dropped at the full intake');
  t.true(flood.steady.dropped > 0, 'genuine records dropped behind them');
  // The SLO's drop probability is over the genuine records only.
  t.is(flood.steady.dropProbability, flood.steady.dropped / flood.steady.offered);
  t.is(flood.steady.offered, without.steady.offered);
});

test('the options are checked, none by default, and a question with none draws what it drew before', (t) => {
  t.deepEqual(question().events, { keyUpdatesPerSession: 0, forgedGbps: 0, replayShare: 0 });
  t.throws(() => checkEvents({ forgedGbps: -1 }), { instanceOf: ConfigError, message: /forgedGbps/ });
  t.throws(() => checkEvents({ replayShare: NaN }), { instanceOf: ConfigError, message: /replayShare/ });
  const { without, with: none } = pair({});
  t.deepEqual(none.steady.wireRecords, without.steady.wireRecords);
  t.is(none.events, without.events);
});

test('the answer states the events: none by default, else each with its rate; its line gives their counts and lane share', (t) => {
  const costs = deviceCosts(asicEngine, targets, question());
  const pk = { load: question(), dropSlo: 1e-6, pkLanes: 1 };
  t.true(caveatsOf(costs, question(), pk).some((c) => c.startsWith('Protocol events: none named')));
  const flood = question({ forgedGbps: 60, keyUpdatesPerSession: 2, replayShare: 0.01 });
  const stated = caveatsOf(costs, flood, pk).find((c) => c.startsWith('Protocol events run beside the records'));
  t.truthy(stated);
  for (const part of ['2 key updates/s a session', '60 Gbit/s of forged records', 'replays at 0.01 ×'])
    t.true(stated!.includes(part), part);
  const r = runFlow(flood, roomy, costs, PLAN);
  const line = protocolText(protocolTotals([r, r]), 2 * roomy.lanes * WINDOW_US);
  const share = (100 * r.protocol.forged.laneUs) / (roomy.lanes * WINDOW_US);
  t.true(line.includes(`forged records ${(2 * r.protocol.forged.offered).toLocaleString('en-US')} (`), line);
  t.true(line.includes(`${share.toFixed(2)}% of the lanes' time`), line);
});
