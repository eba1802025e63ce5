/**
 * `simulate`'s bottleneck proven by growth over every unbalanced device of
 * the simulate() suites (bottleneck-growth-cases.ts): each run is made,
 * its suspects grown one step each on the same seed, and the verdict must
 * name the resources that limit the run, or none when the offered load
 * sets the rate. The rule-based reading is logged beside it: where it
 * names another resource, it was wrong. Each case costs its run and one
 * run per suspect grown (at most six).
 */
import test from 'ava';
import { proveByGrowth } from '../../../hwmodel/model/bottleneck-reruns.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { BALANCED, GROWTH_CASES, type GrowthCase } from './bottleneck-growth-cases.js';

const matches = (name: string, limit: string | RegExp): boolean =>
  typeof limit === 'string' ? name === limit : limit.test(name);

function check(c: GrowthCase): ReturnType<typeof proveByGrowth> & { rule: string } {
  const r = simulate(c.options);
  const v = proveByGrowth(c.options, r);
  return { ...v, rule: r.report.bottleneck?.module ?? 'none' };
}

test('the suite holds the 19 unbalanced devices of eight simulate() test files', (t) => {
  t.is(GROWTH_CASES.length, 19);
  t.is(new Set(GROWTH_CASES.map((c) => c.from)).size, 8);
});

for (const c of [...GROWTH_CASES, BALANCED]) {
  test.serial(`growth names what limits the run: ${c.name}`, (t) => {
    const v = check(c);
    const expected = c.limit.map(String).join(' and ') || 'none';
    const ruleRight = c.limit.length === 1 ? matches(v.rule, c.limit[0]!) : false;
    t.log(
      `expected ${expected}; growth: ${v.named.join(' and ') || 'none'} (${v.reruns} reruns${v.headroom ? ', headroom' : ''}); ` +
        `rule: ${v.rule} (${ruleRight ? 'right' : 'wrong'}); ` +
        v.effects
          .map(
            (e) =>
              `${e.resource} ${(['throughput', 'drops', 'latency'] as const).map((f) => (e.change[f] * 100).toFixed(1)).join('/')}${e.moved ? '*' : ''}`,
          )
          .join(', '),
    );
    t.is(v.named.length, c.limit.length, `named ${v.named.join(', ') || 'none'}`);
    for (const limit of c.limit)
      t.true(
        v.named.some((n) => matches(n, limit)),
        `${String(limit)} among ${v.named.join(', ') || 'none'}`,
      );
  });
}
