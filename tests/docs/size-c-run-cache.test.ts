/**
 * (c)'s search is hours of CPU, more than one session's machine gives: its runs are kept in the repository
 * (docs/hwmodel/size-c-run-cache/, gzipped, about 1.7 KB a run) so the next start of the same command replays them and
 * goes on. Every kept entry must read back whole under its own key, or the resumed search would run it again (or, were
 * the check wrong, trust a spoiled run); the docs' paragraph gives their number.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunCache, type RunCacheProblem } from '../../hwmodel/sizing/workload/run-cache.js';
import { ROOT } from './sweep-csv.js';
import { prose } from './size-workload-section.js';

const DIR = join(ROOT, 'docs/hwmodel/size-c-run-cache');

test("(c)'s kept runs: each gzipped, read back whole under its key; their number as the docs give it", (t) => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.run'));
  t.true(files.length > 0);
  t.deepEqual(
    readdirSync(DIR).filter((f) => !f.endsWith('.run')),
    [],
    'nothing but entries (a temporary file is a write cut short)',
  );
  const problems: RunCacheProblem[] = [];
  const cache = new RunCache(DIR, (p) => problems.push(p));
  let records = 0;
  for (const f of files) {
    const bytes = readFileSync(join(DIR, f));
    t.true(bytes[0] === 0x1f && bytes[1] === 0x8b, `${f} is gzipped`);
    const run = cache.get(f.slice(0, -'.run'.length));
    if (run === undefined) continue;
    records += run.steady.offered;
  }
  t.deepEqual(problems, []);
  t.true(prose.includes(`${files.length.toLocaleString('en-US')} runs kept`), `${files.length} runs kept`);
  t.log(`${files.length} entries, ${records.toLocaleString('en-US')} records offered in their steady windows`);
});
