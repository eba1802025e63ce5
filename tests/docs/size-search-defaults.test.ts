/**
 * docs/hwmodel-sizing.md, section 8: the protocol-level `dtls13 size` search. Its figures are the search's settings,
 * not measurements: the defaults of `--connections`, `--records`, `--replications`, `--max-candidates` and
 * `--clock-steps`, the share of the handshake rate that counts as kept up with, the busy share that makes a unit the
 * one grown, how far a step grows each knob and where the space ends. Each is read from the code here
 * (hwmodel/sizing/search.ts, hwmodel/sizing/bounds.ts, hwmodel/trace/bottleneck.ts); a setting changed in the code
 * and not in the section, or the other way round, fails.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPACE } from '../../hwmodel/sizing/bounds.js';
import { NEAR_SATURATION } from '../../hwmodel/trace/bottleneck.js';
import { ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const HEADING = '## 8. `dtls13 size`: the smallest engine that meets a target';
const start = DOC.indexOf(HEADING);
const SECTION = DOC.slice(start, DOC.indexOf('\n## 9.', start));
const prose = SECTION.replace(/\s+/g, ' ');
const SEARCH = readFileSync(join(ROOT, 'hwmodel/sizing/search.ts'), 'utf8');

/** The default a search option falls back to: `options.NAME ?? N`. */
function searchDefault(name: string): number {
  const found = new RegExp(`options\\.${name} \\?\\? (\\d+)`).exec(SEARCH);
  if (!found) throw new Error(`hwmodel/sizing/search.ts has no default for ${name}`);
  return Number(found[1]);
}

test("section 8: the search's defaults are the code's", (t) => {
  t.true(
    prose.includes(`\`--connections\` (${searchDefault('connections')}) connections opened at the handshake rate`),
  );
  t.true(prose.includes(`\`--records\` (${searchDefault('records')}) records each`));
  t.true(prose.includes(`\`--replications\` (${searchDefault('replications')}) seeds`));
  t.true(prose.includes(`\`--max-candidates\` (${searchDefault('maxCandidates')})`));
  t.true(prose.includes(`at \`--clock-steps\` (${searchDefault('clockSteps')}) clocks`));
});

test("section 8: the acceptance, the growth rule and the space's ends are the code's", (t) => {
  const share = Number(/hs\.mean >= ([\d.]+) \* targets\.handshakesPerSecond/.exec(SEARCH)![1]);
  t.true(prose.includes(`handshakes kept up with ≥ ${Math.round(share * 100)}% of the rate`));
  const busy = `${Math.round(NEAR_SATURATION * 100)}%`;
  t.true(prose.includes(`has a resource ${busy} busy: the busiest unit of the space at ${busy} or more`));
  t.regex(SEARCH, /const step = \(n: number\): number => n \+ Math\.max\(1, Math\.ceil\(n \/ 4\)\);/);
  t.true(prose.includes('lanes and DMA channels by a quarter (at least one)'));
  t.regex(SEARCH, /pipelineDepth: c\.pipelineDepth \* 2 /);
  t.regex(SEARCH, /rxRingDepth: c\.rxRingDepth \* 2 /);
  t.true(prose.includes('pipeline slots and the ring ×2'));
  t.is(SPACE.lanes, SPACE.pkLanes);
  t.true(prose.includes(`a knob past the space (${SPACE.lanes} lanes, ${SPACE.dmaChannels} DMA channels)`));
  t.true(prose.includes('tests/docs/size-search-defaults.test.ts'), 'the section names this test');
});
