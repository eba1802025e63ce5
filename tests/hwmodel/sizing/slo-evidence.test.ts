/**
 * SLOs resolved by evidence: drop probabilities bounded exactly
 * (Clopper-Pearson over every seed's records, never zero drops read as a
 * zero bound), acceptance runs sized to the SLO, rows that cannot resolve
 * their target "not resolved" and never met; stability first (a link
 * offered more than its rate is outside the device, whatever the margin);
 * latency to the wire as well as to DMA out.
 */
import test from 'ava';
import {
  clopperPearsonLower,
  clopperPearsonUpper,
  recordsToResolve,
} from '../../../hwmodel/sizing/workload/binomial-bound.js';
import { deviceCosts, type DeviceKnobs } from '../../../hwmodel/sizing/workload/device.js';
import { runFlow } from '../../../hwmodel/sizing/workload/flow-model.js';
import { replicate } from '../../../hwmodel/sizing/workload/replicate.js';
import {
  acceptancePlan,
  BURSTS_TO_SEE,
  linkOverload,
  MAX_REPLICATIONS,
  MAX_WINDOW_US,
} from '../../../hwmodel/sizing/workload/run-plan.js';
import { evaluateSlos } from '../../../hwmodel/sizing/workload/slo.js';
import { checkTraffic, IMIX, parseMix, scaleTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import { sizeWorkload } from '../../../hwmodel/sizing/workload/workload-search.js';
import { asicEngine, asicTargets, defaultSlos, EGRESS_OVERLOAD, roomy } from './workload-fixtures.js';

const engine = asicEngine;
const targets = asicTargets();
const slos = defaultSlos;
const close = (a: number, b: number, rel = 1e-6): boolean => Math.abs(a - b) <= rel * Math.abs(b);

test('Clopper-Pearson bounds match the beta quantiles; zero events bound p at 1 − α^(1/n), not 0', (t) => {
  // Reference values: scipy.stats.beta.ppf(0.95, k + 1, n − k) (upper) and beta.ppf(0.05, k, n − k + 1) (lower).
  t.true(close(clopperPearsonUpper(1, 10, 0.95), 0.39416330243650466));
  t.true(close(clopperPearsonUpper(5, 20, 0.95), 0.4555824040017489));
  t.true(close(clopperPearsonUpper(3, 1e7, 0.95), 7.753654685435576e-7));
  t.true(close(clopperPearsonUpper(1000, 1e6, 0.95), 0.0010535748774544362));
  t.true(close(clopperPearsonLower(5, 20, 0.95), 0.10408083591013609));
  t.true(close(clopperPearsonLower(1000, 1e6, 0.95), 0.000948583778594414));
  // The review's figure: no drop in 1.3e5 records bounds the drop rate only below about 2.3e-5, 23 × a 1e-6 SLO.
  t.true(close(clopperPearsonUpper(0, 130_000, 0.95), 1 - 0.05 ** (1 / 130_000)));
  t.true(clopperPearsonUpper(0, 130_000, 0.95) > 2e-5);
  t.is(clopperPearsonLower(0, 100, 0.95), 0);
  // About 3 / SLO records resolve an SLO: 2,995,731 for 1e-6, 2,995 for 1e-3 (and a p99.9's tail).
  t.is(recordsToResolve(1e-6, 0.95), 2_995_731);
  t.is(recordsToResolve(1e-3, 0.95), 2995);
  t.true(clopperPearsonUpper(0, recordsToResolve(1e-3, 0.95), 0.95) <= 1e-3);
  t.true(clopperPearsonUpper(0, recordsToResolve(1e-3, 0.95) - 1, 0.95) > 1e-3);
});

test('zero drops in too few records are not resolved, never met; enough records meet; visible drops fail resolved', (t) => {
  const traffic = checkTraffic({ openGbps: 10, sealGbps: 10, mix: IMIX, handshakesPerSecond: 1000, sessions: 1000 });
  const costs = deviceCosts(engine, targets, traffic);
  const r = replicate(traffic, roomy, costs, { warmupUs: 10, windowUs: 200, replications: 3, seed: 1 });
  const offered = r.runs.reduce((s, x) => s + x.steady.offered, 0);
  t.is(
    r.runs.reduce((s, x) => s + x.steady.dropped, 0),
    0,
    'the roomy device drops nothing',
  );
  t.true(offered > 2995 && offered < 1e6, `${offered} records offered`);
  const strict = evaluateSlos(r, slos).rows.find((x) => x.metric === 'dropProbability')!;
  t.false(strict.met);
  t.is(strict.status, 'not resolved');
  t.is(strict.records, offered);
  t.true(close(strict.bound, 1 - 0.05 ** (1 / offered)), `bound ${strict.bound}`);
  t.regex(strict.method, /Clopper-Pearson one-sided 95% on 0 episodes in [\d,]+ records × 1 record an episode/);
  t.is(strict.recordsNeeded, 2_995_731);
  t.false(evaluateSlos(r, slos).met);
  // The same records resolve a looser SLO.
  const loose = evaluateSlos(r, { ...slos, dropProbability: 1e-3 }).rows.find((x) => x.metric === 'dropProbability')!;
  t.true(loose.met);
  t.is(loose.status, 'met');
  // A starved pipeline drops visibly: even the optimistic end is past the limit.
  const starved = replicate(traffic, { ...roomy, pipelineDepth: 1, rxRingDepth: 4 }, costs, {
    warmupUs: 10,
    windowUs: 100,
    replications: 2,
    seed: 1,
  });
  const fail = evaluateSlos(starved, slos).rows.find((x) => x.metric === 'dropProbability')!;
  t.is(fail.status, 'not met');
  const k = starved.runs.reduce((s, x) => s + x.steady.dropped, 0);
  t.true(clopperPearsonLower(k, fail.records, 0.95) > 1e-6, `${k} dropped of ${fail.records}`);
});

test('acceptance runs are sized to the SLO: records offered reach 3 / SLO, bursts with the seeds to resolve theirs', (t) => {
  const traffic = checkTraffic({
    openGbps: 100,
    sealGbps: 100,
    mix: IMIX,
    handshakesPerSecond: 50_000,
    sessions: 1000,
    burstFactor: 1.5,
    burstUs: 100,
  });
  const load = scaleTraffic(traffic, 1.2);
  const run = { warmupUs: 50, windowUs: 500, replications: 3, seed: 1 };
  const plan = acceptancePlan(load, { ...slos, burstDropProbability: 1e-3, margin: 0.2 }, run);
  t.deepEqual(plan.screen, run);
  t.true(plan.recordsOffered >= plan.recordsNeeded, `${plan.recordsOffered} offered`);
  t.is(plan.recordsNeeded, 2_995_731);
  // 100 Gbit/s of IMIX each way at × 1.2: about 85 M records a second. A burst is one draw of what it meets: at least
  // 29 bursts, a seed each (a kind of episode in one burst in ten seen at 95%), the 3.1 M records shared among them.
  t.is(BURSTS_TO_SEE, 29);
  t.is(plan.accept.replications, BURSTS_TO_SEE);
  t.true(plan.accept.windowUs > 1_000 && plan.accept.windowUs < 1_500, `${plan.accept.windowUs} µs`);
  t.false(plan.capped);
  t.true(plan.burstRecordsOffered >= plan.burstRecordsNeeded);
  // Without a burst held, the seeds are the screen's: 3 × some 12 ms.
  const steady = acceptancePlan(load, { ...slos, margin: 0.2 }, run);
  t.is(steady.accept.replications, 3);
  t.true(steady.accept.windowUs > 10_000 && steady.accept.windowUs < 15_000, `${steady.accept.windowUs} µs`);
  // Capped: the longest allowed run cannot resolve it, and says so.
  const capped = acceptancePlan(load, slos, run, 1000);
  t.true(capped.capped);
  t.is(capped.accept.windowUs, 1000);
  // A p99.9 needs its tail's records even when the drop SLO is loose.
  t.is(acceptancePlan(load, { ...slos, dropProbability: 0.01, p999Us: 5 }, run).recordsNeeded, 2995);
});

test('more bursts on request: --bursts N runs a held burst on N seeds, the steady records shared among them', (t) => {
  const traffic = checkTraffic({
    openGbps: 100,
    sealGbps: 100,
    mix: IMIX,
    handshakesPerSecond: 50_000,
    sessions: 1000,
    burstFactor: 1.5,
    burstUs: 100,
  });
  const load = scaleTraffic(traffic, 1.2);
  const run = { warmupUs: 50, windowUs: 500, replications: 3, seed: 1 };
  const held = { ...slos, burstDropProbability: 1e-3, margin: 0.2 };
  const unseen = {
    steady: { records: 1, source: 'test', assumed: true },
    burst: { records: 210, source: 'test' },
  };
  const at29 = acceptancePlan(load, held, run, MAX_WINDOW_US, unseen);
  const at100 = acceptancePlan(load, held, run, MAX_WINDOW_US, unseen, MAX_REPLICATIONS);
  // An unseen burst episode of 210 needs 629,103 burst records: some 30 bursts of about 21,000; asked for 100, 100.
  t.is(at29.burstRecordsNeeded, 629_103);
  t.true(at29.accept.replications >= BURSTS_TO_SEE && at29.accept.replications < 40, `${at29.accept.replications}`);
  t.is(at100.accept.replications, MAX_REPLICATIONS);
  t.true(at100.burstRecordsOffered > 3 * at29.burstRecordsOffered);
  // The steady records stay at least as many: the window a seed shrinks as the seeds grow, to the screen's at least.
  t.true(at100.recordsOffered >= at100.recordsNeeded);
  t.is(at100.accept.windowUs, run.windowUs);
  t.true(at29.accept.windowUs > 2 * run.windowUs, `${at29.accept.windowUs} µs`);
  // Without a burst held, the seeds are the screen's whatever is asked.
  t.is(acceptancePlan(load, { ...slos, margin: 0.2 }, run, MAX_WINDOW_US, unseen, 100).accept.replications, 3);
  for (const bad of [BURSTS_TO_SEE - 1, MAX_REPLICATIONS + 1, 40.5])
    t.throws(() => acceptancePlan(load, held, run, MAX_WINDOW_US, unseen, bad), { message: /^minBursts: .*got / });
});

test("a burst is one draw: (a)'s earlier knobs drop in none of three seeds' bursts, and in some of 29", (t) => {
  // (a)'s question (docs/hwmodel-sizing.md, section 10) and the knobs its search accepted on three seeds' bursts.
  const traffic = checkTraffic({
    openGbps: 100,
    sealGbps: 100,
    mix: IMIX,
    trainRecords: 4,
    handshakesPerSecond: 50_000,
    sessions: 1_000_000,
    burstFactor: 1.5,
    burstUs: 100,
  });
  const device: DeviceKnobs = {
    lanes: 10,
    pkLanes: 3,
    dmaChannels: 15,
    pipelineDepth: 64,
    rxRingDepth: 256,
    txRingDepth: 8,
    keySlots: 1,
    memChannels: 6,
    pcieLanes: 1,
  };
  // On the model that search ran on: a key-slot miss without the connection lookup (with it, seed 3's burst drops too).
  const costs = deviceCosts(engine, targets, traffic);
  const bursts = (c: typeof costs): number[] =>
    replicate(scaleTraffic(traffic, 1.2), device, c, {
      warmupUs: 50,
      windowUs: 500,
      replications: BURSTS_TO_SEE,
      seed: 1,
    }).runs.map((x) => x.burst?.episodes ?? 0);
  const dropped = bursts({ ...costs, lookupBucketBytes: 0, connectionEntryBytes: 0 });
  t.deepEqual(dropped.slice(0, 3), [0, 0, 0], 'the three bursts the search ran');
  t.true(
    dropped.some((e) => e > 0),
    `the plan's ${BURSTS_TO_SEE} bursts: ${dropped.join(',')}`,
  );
  // With the lookup the same knobs drop in more bursts, and already in the first three.
  const now = bursts(costs);
  // The counts section 10 gives: 3 of the 29 without it, 11 with it, seed 3 among them.
  t.is(dropped.filter((e) => e > 0).length, 3);
  t.is(now.filter((e) => e > 0).length, 11);
  t.true(now[2]! > 0);
});

test('stability first: an egress link offered 1.05 × its rate is outside the device at margin 0, whatever the buffers', (t) => {
  // 97 Gbit/s of IMIX records is 104.9 Gbit/s on the wire (29 B of header and tag a 354 B record) on a 100 Gbit/s link.
  const traffic = EGRESS_OVERLOAD;
  const r = sizeWorkload(targets, traffic, { ...slos, margin: 0 }, engine, {
    run: { warmupUs: 10, windowUs: 20, replications: 2, seed: 1 },
  });
  t.is(r.answer, undefined);
  t.regex(r.verdict, /^outside the device: the egress link \(sealed records\) is offered 104\.9\d Gbit\/s on the wire/);
  t.is(r.steps.length, 0, 'no run is made');
  // 0.95 × the link on the wire is not refused; the margin counts (× 1.2 of 85 Gbit/s is past it).
  const fits = checkTraffic({ ...traffic, sealGbps: 88 });
  t.is(linkOverload(fits), undefined);
  t.regex(linkOverload(scaleTraffic(fits, 1.2)) ?? '', /egress link/);
  t.regex(linkOverload(checkTraffic({ ...traffic, openGbps: 99, sealGbps: 1 })) ?? '', /ingress link/);
});

test('latency to the wire counts the TX ring and the egress link; to DMA out it does not', (t) => {
  // Sealed 1,500 B records at 90% of a 100 Gbit/s egress link: the link's queue is the wire latency's.
  const traffic = checkTraffic({
    openGbps: 0,
    sealGbps: 88,
    mix: parseMix('1500'),
    handshakesPerSecond: 1000,
    sessions: 1000,
    linkGbps: 100,
    trainRecords: 8,
  });
  const costs = deviceCosts(engine, targets, traffic);
  const r = runFlow(traffic, roomy, costs, { warmupUs: 10, windowUs: 300, seed: 1 });
  t.true(r.steady.wireP99Us >= r.steady.p99Us);
  t.true(r.steady.wireP99Us > r.steady.p99Us + 0.5, `wire p99 ${r.steady.wireP99Us} µs, DMA out ${r.steady.p99Us} µs`);
  // Opened records leave at their DMA out: both readings agree.
  const opened = runFlow(checkTraffic({ ...traffic, openGbps: 88, sealGbps: 0 }), roomy, costs, {
    warmupUs: 10,
    windowUs: 300,
    seed: 1,
  });
  t.is(opened.steady.wireP99Us, opened.steady.p99Us);
});
