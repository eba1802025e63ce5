/**
 * Public-key lanes sized for the shared intake (hwmodel/sizing/workload/intake-blocking.ts): Erlang C against its
 * textbook values, the bound falling as lanes are added, (a)'s question (100 Gbit/s each way, IMIX, 50,000 P-256
 * handshakes/s, × 1.2) starting above its rate's three lanes, and the flow model's intake blocked by a full
 * public-key queue at the rate's lanes but not at the rule's.
 */
import test from 'ava';
import { deviceCosts } from '../../../hwmodel/sizing/workload/device.js';
import { runFlow } from '../../../hwmodel/sizing/workload/flow-model.js';
import { erlangC, intakeBlockingBound, pkLanesForIntake } from '../../../hwmodel/sizing/workload/intake-blocking.js';
import { checkTraffic, IMIX, scaleTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import { workloadBounds } from '../../../hwmodel/sizing/workload/workload-bounds.js';
import { asicEngine, asicTargets, roomy } from './workload-fixtures.js';

const targets = asicTargets();

test('Erlang C: one lane waits with probability ρ; two lanes offered 1 erlang, 1/3; past the rate, always', (t) => {
  for (const a of [0.1, 0.5, 0.9]) t.true(Math.abs(erlangC(1, a) - a) < 1e-12, `C(1, ${a})`);
  t.true(Math.abs(erlangC(2, 1) - 1 / 3) < 1e-12);
  t.is(erlangC(3, 3), 1);
  t.throws(() => erlangC(0, 1), { instanceOf: RangeError, message: /lanes/ });
  t.throws(() => erlangC(2, -1), { instanceOf: RangeError, message: /erlangs/ });
});

test('the bound falls as lanes are added; the rule takes the first within the SLO', (t) => {
  const a = 2.8;
  let last = intakeBlockingBound(a, 3, 16);
  for (let c = 4; c < 8; c++) {
    const b = intakeBlockingBound(a, c, 16);
    t.true(b < last, `${c} lanes`);
    last = b;
  }
  const c = pkLanesForIntake(a, 16, 1e-6);
  t.true(intakeBlockingBound(a, c, 16) <= 1e-6);
  t.true(intakeBlockingBound(a, c - 1, 16) > 1e-6);
  t.is(intakeBlockingBound(0, 1, 16), 0, 'no handshakes, no blocking');
  // No lane count reaches a bound of 0: refused, not searched for ever.
  for (const slo of [0, -1, Number.NaN])
    t.throws(() => pkLanesForIntake(a, 16, slo), { instanceOf: RangeError, message: /dropSlo/ });
});

test("(a)'s question starts above its rate's public-key lanes, where its intake would block", (t) => {
  const traffic = checkTraffic({
    openGbps: 100,
    sealGbps: 100,
    mix: IMIX,
    trainRecords: 4,
    handshakesPerSecond: 50_000,
    sessions: 1_000_000,
  });
  const costs = deviceCosts(asicEngine, targets, traffic);
  const load = scaleTraffic(traffic, 1.2);
  const erlangs = (load.handshakesPerSecond * costs.handshakePkNs) / 1e9;
  const atRate = workloadBounds(load, costs).pkLanes;
  t.is(atRate, Math.ceil(erlangs), 'without an SLO: the rate');
  t.true(intakeBlockingBound(erlangs, atRate, costs.queueDepth) > 1e-6, 'at the rate the blocking bound fails');
  const held = workloadBounds(load, costs, 1e-6).pkLanes;
  t.true(held > atRate, `${held} lanes, above the rate's ${atRate}`);
  t.true(intakeBlockingBound(erlangs, held, costs.queueDepth) <= 1e-6);
});

test("the flow model's intake blocks on a full public-key queue at the rate's lanes, not at the rule's", (t) => {
  // One place a lane, so that the queue fills within a short run; a small ring that a blocked intake overflows.
  const traffic = checkTraffic({ openGbps: 10, sealGbps: 10, mix: IMIX, handshakesPerSecond: 1, sessions: 1000 });
  const base = deviceCosts(asicEngine, targets, traffic);
  const costs = { ...base, queueDepth: 1 };
  const rate = (0.93 * 1e9) / costs.handshakePkNs; // one lane 93% busy
  const busy = { ...traffic, handshakesPerSecond: rate };
  const erlangs = (rate * costs.handshakePkNs) / 1e9;
  const plan = { warmupUs: 50, windowUs: 20_000, seed: 7 };
  const knobs = { ...roomy, rxRingDepth: 64 };
  const atRate = runFlow(busy, { ...knobs, pkLanes: Math.ceil(erlangs) }, costs, plan);
  t.true(atRate.steadyDropsBy.pkLanes > 0, `drops while a handshake held the intake: ${atRate.steadyDropsBy.pkLanes}`);
  t.true(atRate.blockedUs.pkLanes > 0);
  const lanes = pkLanesForIntake(erlangs, costs.queueDepth, 1e-6);
  const held = runFlow(busy, { ...knobs, pkLanes: lanes }, costs, plan);
  t.is(held.steadyDropsBy.pkLanes, 0, `${lanes} lanes`);
  t.is(held.blockedUs.pkLanes, 0);
});
