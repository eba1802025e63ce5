/**
 * The start rules named with their figures (hwmodel/sizing/workload/start-rules.ts): on (c)'s question (400 Gbit/s
 * each way, IMIX in trains of 4, 50,000 P-256 handshakes a second, × 1.2) both rules, the public-key lanes for the
 * intake and the TX ring through a refresh, each at the knob the search starts at; a PSK question has no public-key
 * rule and a lookaside host no TX ring rule; and the search's result carries the rules it started from.
 */
import test from 'ava';
import { deviceCosts } from '../../../hwmodel/sizing/workload/device.js';
import { intakeBlockingBound, pkLanesForIntake } from '../../../hwmodel/sizing/workload/intake-blocking.js';
import { startRules, startText } from '../../../hwmodel/sizing/workload/start-rules.js';
import { checkTraffic, recordsPerSecond, scaleTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import { txEntriesHeld, txHold } from '../../../hwmodel/sizing/workload/tx-ring-refresh.js';
import { workloadBounds } from '../../../hwmodel/sizing/workload/workload-bounds.js';
import { sizeWorkload } from '../../../hwmodel/sizing/workload/workload-search.js';
import { asicEngine, asicTargets, defaultSlos, EGRESS_OVERLOAD, QUESTION_C } from './workload-fixtures.js';

const targets = asicTargets();
const question = QUESTION_C;

test("(c)'s question: both start rules, each at the knob the search starts at, with its figures", (t) => {
  const costs = deviceCosts(asicEngine, targets, question);
  const load = scaleTraffic(question, 1.2);
  const rules = startRules(load, costs, 1e-6);
  const bounds = workloadBounds(load, costs, 1e-6);
  t.deepEqual(
    rules.map((r) => r.knob),
    ['pkLanes', 'txRingDepth'],
  );
  for (const r of rules) t.is(r.start, bounds[r.knob], `${r.knob} starts where the rule puts it`);
  const erlangs = (load.handshakesPerSecond * costs.handshakePkNs) / 1e9;
  const atRate = Math.ceil(erlangs);
  // The rule starts the public-key lanes above their rate, and says by how much.
  t.true(rules[0]!.start > atRate);
  t.is(rules[0]!.start, pkLanesForIntake(erlangs, costs.queueDepth, 1e-6));
  t.true(rules[0]!.rule.includes(`${erlangs.toFixed(2)} erlangs`));
  t.true(
    rules[0]!.rule.includes(
      `their rate's ${atRate}: ${intakeBlockingBound(erlangs, atRate, costs.queueDepth).toExponential(2)}`,
    ),
  );
  const seal = recordsPerSecond(load.sealGbps, load.mix);
  const held = txEntriesHeld(seal, txHold(load, costs, costs.dram.refreshNs));
  t.true(rules[1]!.rule.startsWith(`the TX ring at ${bounds.txRingDepth} through a DRAM refresh`));
  t.true(rules[1]!.rule.includes(`${held.toFixed(1)} entries`));
  const text = startText(0.2, rules);
  t.true(text.startsWith('each unit 100% busy at the load × 1.2; '));
  for (const r of rules) t.true(text.includes(r.rule), `the start names ${r.knob}`);
});

test('a PSK question has no public-key rule; a lookaside host no TX ring rule', (t) => {
  const psk = checkTraffic({ ...question, handshake: 'psk' });
  const pskCosts = deviceCosts(asicEngine, targets, psk);
  t.deepEqual(
    startRules(psk, pskCosts, 1e-6).map((r) => r.knob),
    ['txRingDepth'],
  );
  const costs = deviceCosts(asicEngine, targets, question);
  const lookaside = { ...costs, host: { ...costs.host, attach: 'lookaside' as const } };
  t.deepEqual(
    startRules(question, lookaside, 1e-6).map((r) => r.knob),
    ['pkLanes'],
  );
  t.is(startText(0, []), 'each unit 100% busy at the load × 1');
});

test('the search states the rules it started from, even when it makes no run', (t) => {
  // 97 Gbit/s of sealed IMIX on a 100 Gbit/s link at margin 0: outside the device, no run made.
  const traffic = EGRESS_OVERLOAD;
  const r = sizeWorkload(targets, traffic, defaultSlos, asicEngine, {
    run: { warmupUs: 10, windowUs: 20, replications: 2, seed: 1 },
  });
  t.is(r.steps.length, 0);
  t.deepEqual(r.startRules, startRules(traffic, deviceCosts(asicEngine, targets, traffic), 1e-6));
  t.deepEqual(
    r.startRules.map((s) => s.knob),
    ['pkLanes', 'txRingDepth'],
  );
});
