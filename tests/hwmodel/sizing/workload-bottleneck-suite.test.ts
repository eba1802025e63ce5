/**
 * The bottleneck suite: 26 deliberately unbalanced devices (three
 * workloads × one resource starved each, the TX ring on the two that seal, DRAM efficiency, a lookaside PCIe link
 * and a forged flood on the first, bottleneck-cases.ts). In every
 * case the search's proof, growing every suspect one step on the same
 * seeds, must name the starved resource: the one whose growth moved the
 * limiting metric most.
 */
import test from 'ava';
import { proveBottleneck } from '../../../hwmodel/sizing/workload/counterfactual.js';
import { replicate, type RunSettings } from '../../../hwmodel/sizing/workload/replicate.js';
import { evaluateSlos } from '../../../hwmodel/sizing/workload/slo.js';
import { bottleneckCases } from './bottleneck-cases.js';

const RUN: RunSettings = { warmupUs: 30, windowUs: 150, replications: 2, seed: 1 };

const cases = bottleneckCases();

test('the suite holds 26 cases: seven knobs starved on each of three workloads, the TX ring on the two that seal, DRAM efficiency, PCIe lanes and a forged flood on the first', (t) => {
  t.is(cases.length, 26);
  t.is(new Set(cases.map((c) => c.starved)).size, 9);
});

for (const c of cases) {
  test.serial(`names the starved resource: ${c.name}`, (t) => {
    const run = (k: typeof c.knobs): ReturnType<typeof replicate> => replicate(c.traffic, k, c.costs, RUN);
    const before = run(c.knobs);
    const verdict = evaluateSlos(before, c.slos, 'screen');
    t.false(verdict.met, 'an unbalanced device fails an SLO');
    const proof = proveBottleneck(before, verdict.failing, (ks) => ks.map(run));
    t.log(
      `${verdict.failing.join(',')}; suspects ${proof.suspects.map((s) => s.knob).join(' ')}; ` +
        proof.growths
          .map((g) => `${g.knob} ${g.metric} ${(g.improvement.mean * 100).toFixed(1)}%${g.moved ? '' : '-'}`)
          .join(', '),
    );
    t.is(proof.named, c.starved);
    const best = Math.max(...proof.growths.map((g) => g.improvement.mean));
    t.is(proof.growths.find((g) => g.knob === c.starved)?.improvement.mean, best);
  });
}
