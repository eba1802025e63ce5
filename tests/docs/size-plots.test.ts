/**
 * docs/hwmodel-sizing.md's `dtls13 size --plot` pictures (docs/hwmodel/size-small/): the small search the section
 * names, rerun with its seed (seconds), writes the four files there byte for byte, so a plot and its CSV cannot drift
 * from the run or from each other; each plot's points are its CSV's rows (tests/support/size-plot-data.ts), and the
 * figures the page gives for the search (configurations run, the answer's area) are the CSV's.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvNumber, csvRecords, SEARCH_COLUMNS } from '../../cli/size-plot-csv.js';
import { checkSearchPlot, checkSensitivityPlot } from '../support/size-plot-data.js';
import { ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const prose = DOC.replace(/\s+/g, ' ');
const FOLDER = 'docs/hwmodel/size-small';
const FILES = ['search.csv', 'search.svg', 'sensitivity.csv', 'sensitivity.svg'];
const saved = (name: string): string => readFileSync(join(ROOT, FOLDER, name), 'utf8');

test('the small search rerun with --plot writes the four files of docs/hwmodel/size-small byte for byte', (t) => {
  const command = /`dtls13 (size --gbps 1 [^`]+) --csv docs\/hwmodel\/size-workload-small\.csv`/.exec(prose);
  t.truthy(command, 'the sentence naming the small search');
  t.true(prose.includes(`with \`--plot ${FOLDER}\``), 'the page names the folder the plots were written to');
  t.deepEqual(readdirSync(join(ROOT, FOLDER)).sort(), FILES);
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-size-plots-'));
  try {
    const run = spawnSync(
      process.execPath,
      ['--import=tsx', join(ROOT, 'cli/main.ts'), ...command![1]!.split(' '), '--quiet', '--plot', dir],
      { cwd: ROOT, encoding: 'utf8' },
    );
    t.is(run.status, 0, run.stderr);
    for (const name of FILES) t.is(readFileSync(join(dir, name), 'utf8'), saved(name), `${FOLDER}/${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("each plot of docs/hwmodel/size-small draws its CSV, and the page's figures are the CSV's", (t) => {
  checkSearchPlot(t, saved('search.svg'), saved('search.csv'));
  checkSensitivityPlot(t, saved('sensitivity.svg'), saved('sensitivity.csv'));
  const rows = csvRecords(saved('search.csv'), SEARCH_COLUMNS);
  const answer = rows.find((r) => r['answer'] === 'true')!;
  const alt = `${rows.length} configurations, the answer at ${Math.round(csvNumber(answer, 'area'))} ${answer['area_unit']} ringed`;
  t.true(
    DOC.includes(`![the small search: area against the configuration run, ${alt}](hwmodel/size-small/search.svg)`),
  );
  t.true(DOC.includes("![the small search's sensitivity table:"), 'the sensitivity plot is shown');
});
