/**
 * docs/hwmodel-sizing.md, section 10, "The public-key lanes are sized for the intake": each figure of the paragraph
 * made from the code that sizes them (hwmodel/sizing/workload/intake-blocking.ts) on (a)'s question (read from
 * docs/hwmodel/size-100g-last-met-knobs.json, with the configuration its search kept last), and every configuration
 * that search ran (docs/hwmodel/size-search-100g.txt, as printed) at least the rule's public-key lanes.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAnswer } from '../../scripts/size-answer.js';
import { intakeBlockingBound, pkLanesForIntake } from '../../hwmodel/sizing/workload/intake-blocking.js';
import { recordsPerSecond, scaleTraffic } from '../../hwmodel/sizing/workload/traffic.js';
import { fixed, grouped, ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const HEADING = '**The public-key lanes are sized for the intake, not their rate.**';
const paragraph = DOC.slice(DOC.indexOf(HEADING)).split('\n\n')[0]!.replace(/\s+/g, ' ');

test("section 10: the intake rule's figures for (a)'s question are the code's", (t) => {
  t.true(paragraph.startsWith(HEADING), 'the paragraph is there');
  const { a, costs, knobs } = readAnswer(join(ROOT, 'docs/hwmodel/size-100g-last-met-knobs.json'));
  const load = scaleTraffic(a.traffic, 1 + a.slos.margin);
  const erlangs = (load.handshakesPerSecond * costs.handshakePkNs) / 1e9;
  const atRate = Math.ceil(erlangs);
  const held = pkLanesForIntake(erlangs, costs.queueDepth, a.slos.dropProbability);
  const pct = (lanes: number): string => `${fixed((erlangs / lanes) * 100, 1)}% busy`;
  const bound = (lanes: number): string => intakeBlockingBound(erlangs, lanes, costs.queueDepth).toExponential(2);
  const records = recordsPerSecond(load.openGbps, load.mix) + recordsPerSecond(load.sealGbps, load.mix);
  t.true(paragraph.includes(`one public-key time (${fixed(costs.handshakePkNs / 1000, 2)} µs`), 'the public-key time');
  t.true(paragraph.includes(`some ${Math.round(records / 1e6)} million records a second`), 'the records a second');
  t.true(
    paragraph.includes(`of blocked intake is ${grouped((records * costs.handshakePkNs) / 1e9)} records`),
    'the records one blocking stops',
  );
  t.true(
    paragraph.includes(
      `a = ${fixed(erlangs, 2)} erlangs: at its rate's ${atRate} lanes (${pct(atRate)}) the bound is ${bound(atRate)}, at ${held} lanes (${pct(held)}) ${bound(held)}, so (a) starts at ${held} public-key lanes`,
    ),
    'the bounds at the rate and at the rule',
  );
  t.true(held > atRate);
  t.true(
    knobs.pkLanes >= held,
    `the kept configuration's ${knobs.pkLanes} public-key lanes, at least the rule's ${held}`,
  );
  const run = readFileSync(join(ROOT, 'docs/hwmodel/size-search-100g.txt'), 'utf8');
  const pks = [...run.matchAll(/^ {2}\[lanes \d+, pk (\d+),/gm)].map((m) => Number(m[1]));
  t.true(pks.length > 0, 'the configurations the search ran');
  t.true(
    pks.every((pk) => pk >= held),
    `public-key lanes run: ${pks.join(', ')}`,
  );
});

/** A rerun's block in docs/hwmodel/size-reruns-100g.txt by its arguments, as scripts/size-rerun.ts printed it. */
function rerun(args: string): string {
  const text = readFileSync(join(ROOT, 'docs/hwmodel/size-reruns-100g.txt'), 'utf8');
  const block = text
    .split(/^\$ npx tsx scripts\/size-rerun\.ts docs\/hwmodel\//m)
    .find((b) => b.split('\n')[0] === args);
  if (block === undefined) throw new Error(`no rerun ${args}`);
  return block;
}

test('section 10: the cause on the same seed is its rerun: a fourth public-key lane, no drop held at the intake', (t) => {
  const prose = DOC.slice(DOC.indexOf('**The cause, on the same seed.**')).split('\n\n')[0]!.replace(/\s+/g, ' ');
  const args = 'size-100g-pk4-knobs.json 1 1320000 103';
  t.true(prose.includes(`(\`${args}\``));
  const block = rerun(args);
  const steady =
    /^steady: .*; (\d+) of (\d+) in (\d+) episodes .*per-episode bound ([\d.e+-]+) at 1 records an episode .* at the bursts' largest episode \((\d+) records\) it is ([\d.e+-]+), (not resolved|met)/m.exec(
      block,
    );
  if (steady === null) return t.fail('the steady line');
  const held = /^drops by what held the intake's head: (steady [^;]+);.*pkLanes ([\d.]+%)/m.exec(block);
  if (held === null) return t.fail('what held the intake');
  t.true(
    prose.includes(
      `drop ${steady[1]!} of ${grouped(Number(steady[2]))} records in the steady window, the public-key lanes ${held[2]!} busy`,
    ),
  );
  t.is(steady[1], '0');
  t.true(prose.includes(`(\`drops by what held the intake's head: ${held[1]!}\`)`));
  t.true(
    prose.includes(
      `its steady bound, ${steady[4]!}, is again on the one-record assumption (at the bursts' ${steady[5]!} records an episode, ${steady[6]!}, ${steady[7]!})`,
    ),
  );
  // The same seed dropped at three lanes, every drop held by them.
  const three = rerun('size-100g-pk3-knobs.json 3 1320000 101');
  const drops = /^drops by what held the intake's head: steady pkLanes (\d+);/m.exec(three);
  t.truthy(drops);
  t.true(prose.includes(`the seed of all ${grouped(Number(drops![1]))} drops`));
  // Seed 103's window (its records, the same at four lanes) dropped at three.
  const seed103 = new RegExp(`, (\\d+) of ${steady[2]!} in \\d+ episodes`).exec(three);
  t.truthy(seed103, 'seed 103 in the three-lane rerun');
  t.is(seed103![1], drops![1], 'all its drops on that seed');
});

test("section 10: the search's kept configuration run as long is its rerun", (t) => {
  const prose = DOC.slice(DOC.indexOf("**The search's kept configuration, run as long.**"))
    .split('\n\n')[0]!
    .replace(/\s+/g, ' ');
  const args = 'size-100g-last-met-knobs.json 3 1320000 101';
  t.true(prose.includes(`(\`${args}\``));
  const block = rerun(args);
  const steady =
    /^steady: .*; (\d+) of (\d+) in (\d+) episodes .*per-episode bound ([\d.e+-]+) at 1 records an episode .* at the bursts' largest episode \((\d+) records\) it is ([\d.e+-]+), (not resolved|met) \(([\d,]+) records needed\)/m.exec(
      block,
    );
  const burst =
    /^burst: .*per-episode bound ([\d.e+-]+) at (\d+) records an episode .* against 0\.001: (not resolved|met)/m.exec(
      block,
    );
  const held = /^drops by what held the intake's head: (steady [^;]+; burst [^;]+);.*pkLanes ([\d.]+%)/m.exec(block);
  if (steady === null || burst === null || held === null) return t.fail('the rerun’s lines');
  t.true(
    prose.includes(
      `drops ${steady[1]!} of ${grouped(Number(steady[2]))} records in the steady windows, the public-key lanes ${held[2]!} busy`,
    ),
  );
  t.true(prose.includes(`(\`drops by what held the intake's head: ${held[1]!}\`)`));
  t.true(
    prose.includes(
      `Its steady bound, ${steady[4]!}, is met only on the one-record assumption; at the ${steady[5]!} records of the search's largest burst episode it is ${steady[6]!}, ${steady[7]!} (${steady[8]!} records needed)`,
    ),
  );
  t.true(prose.includes(`(bound ${burst[1]!} at ${burst[2]!} an episode)`));
  t.is(burst[3], 'not resolved');
  const needed = Number(steady[8]!.replaceAll(',', ''));
  t.true(prose.includes(`some ${needed.toExponential(1).replace('e+', 'e')} records`));
  // The knobs it ran are the last configuration the search kept.
  const { knobs } = readAnswer(join(ROOT, 'docs/hwmodel/size-100g-last-met-knobs.json'));
  const run = readFileSync(join(ROOT, 'docs/hwmodel/size-search-100g.txt'), 'utf8');
  const kept = run
    .split('\n')
    .filter((l) => l.includes('still meets') && l.endsWith('kept'))
    .at(-1);
  t.truthy(kept);
  t.true(
    kept!.startsWith(
      `  [lanes ${knobs.lanes}, pk ${knobs.pkLanes}, dma ${knobs.dmaChannels}, pipe ${knobs.pipelineDepth}, ring ${knobs.rxRingDepth}, tx ${knobs.txRingDepth}, slots ${knobs.keySlots}, mem ${knobs.memChannels},`,
    ),
  );
});
