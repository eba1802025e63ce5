/**
 * docs/hwmodel-sizing.md, section 10: the lower end from the episodes' sizes. The worked examples are the code's
 * figures, and the reruns the prose reads (docs/hwmodel/size-reruns-iot-lookup-lanes2.txt, size-reruns-400g-lookup.txt,
 * size-reruns-100g-lookup-smaller.txt) are what scripts/size-rerun.ts printed: a rerun with other figures, or a
 * sentence edited away from them, fails here. The reruns take minutes and are not repeated.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clopperPearsonLower } from '../../hwmodel/sizing/workload/binomial-bound.js';
import { episodeSizeLower, episodesAtLeast } from '../../hwmodel/sizing/workload/episode-bound.js';
import { grouped, ROOT } from './sweep-csv.js';

const prose = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8').replace(/\s+/g, ' ');

/** A rerun's line for `phase`: dropped, records, episodes, the largest, its status, its lower end and the seeds' check. */
interface RerunLine {
  readonly dropped: number;
  readonly records: number;
  readonly episodes: number;
  readonly largest: number;
  readonly status: string;
  readonly lower: string;
  readonly spread: string;
}

function rerunLines(file: string, phase: 'steady' | 'burst'): RerunLine[] {
  const text = readFileSync(join(ROOT, 'docs/hwmodel', file), 'utf8');
  const re = new RegExp(
    `^${phase}: .*; (\\d+) of (\\d+) in (\\d+) episodes \\(largest (\\d+);.*: (met|NOT MET|not resolved) ` +
      `\\(records taken as independent: [\\d.e+-]+\\); lower end from the episodes' sizes ([\\d.e+-]+); ` +
      `over the seeds, (as independent episodes would fall|clustered)`,
    'gm',
  );
  return [...text.matchAll(re)].map((m) => ({
    dropped: Number(m[1]),
    records: Number(m[2]),
    episodes: Number(m[3]),
    largest: Number(m[4]),
    status: m[5]!,
    lower: m[6]!,
    spread: m[7]!,
  }));
}

test('section 10: the lower end’s examples are the code’s figures', (t) => {
  const sizes = Array.from({ length: 20 }, (_, i) => 20 + i);
  const all = [...sizes, ...sizes, ...sizes];
  const many = {
    records: 1.5e8,
    dropped: 1770,
    episodes: 60,
    largestEpisode: 39,
    episodesAtLeast: episodesAtLeast(all),
  };
  t.true(prose.includes(`lower bound is ${clopperPearsonLower(60, 1.5e8, 0.95).toExponential(2)}, within 1e-6`));
  t.true(prose.includes(`have a lower end of ${episodeSizeLower(many, 0.95).toExponential(2)}, past 1e-6`));
  const few = { records: 3e6, dropped: 5, episodes: 3, largestEpisode: 2, episodesAtLeast: episodesAtLeast([2, 1, 2]) };
  t.true(prose.includes(`have a lower end of ${episodeSizeLower(few, 0.95).toExponential(2)} and stay "not resolved"`));
});

test("section 10: (b)'s trim of the lanes to 2, rerun as its look ran, is not met by the lower end", (t) => {
  const [s] = rerunLines('size-reruns-iot-lookup-lanes2.txt', 'steady');
  if (s === undefined) return t.fail('the steady line');
  t.is(s.status, 'NOT MET');
  t.is(s.spread, 'as independent episodes would fall');
  t.true(Number(s.lower) > 1e-6);
  t.true(
    prose.includes(
      `${grouped(s.dropped)} of ${grouped(s.records)} records in ${s.episodes} episodes (36, 47 and 35 a seed, as ` +
        `independent episodes would fall), the largest ${s.largest}: lower end from the episodes' sizes ${s.lower}, ` +
        'past 1e-6, not met',
    ),
  );
});

test("section 10: (c)'s last configurations rerun on this tree, and (a)'s smaller candidate, as printed", (t) => {
  const c = rerunLines('size-reruns-400g-lookup.txt', 'steady');
  t.is(c.length, 2);
  t.true(c.every((x) => x.status === 'NOT MET' && x.spread === 'as independent episodes would fall'));
  t.true(
    prose.includes(
      `drop ${grouped(c[0]!.dropped)} and ${grouped(c[1]!.dropped)} of ${grouped(c[0]!.records)} records in ` +
        `${c[0]!.episodes} and ${c[1]!.episodes} episodes, spread over the seeds as independent episodes would fall`,
    ),
  );
  t.true(prose.includes(`lower ends from the episodes' sizes ${c[0]!.lower} and ${c[1]!.lower}, not met`));
  const [a] = rerunLines('size-reruns-100g-lookup-smaller.txt', 'burst');
  if (a === undefined) return t.fail('the burst line');
  // Within its SLO at the point estimate, so no lower end can be past it: not resolved.
  t.is(a.status, 'not resolved');
  t.true(a.dropped / a.records <= 1e-3);
  t.true(
    prose.includes(
      `drops ${grouped(a.dropped)} of ${grouped(a.records)} burst records in ${a.episodes} episodes, ` +
        `${(a.dropped / a.records).toExponential(2)} at its point estimate`,
    ),
  );
  t.true(prose.includes(`the one from the episodes' sizes is ${a.lower}`));
});
